//! The HTTP calls the page makes: sign in and out, who am I, a household's contact details.
//! Commands go through [`crate::outbox`]. The session cookie the server sets on sign-in is
//! HttpOnly; the browser sends it with every same-origin request, the WebSocket upgrade
//! among them.

use serde::Deserialize;
use shared::members::Member;
use shared::personal::PersonalData;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why something the page asked for did not happen, for the page to say in the reader's
/// language (the server's own message is in English).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the network or the server is down.
    Unreachable,
    /// 401: signed out, or the member id and password do not match.
    NotSignedIn,
    /// 429: too many attempts.
    Throttled,
    /// Any other error, with the server's message as a sentence.
    Server(String),
}

/// Signs in.
pub async fn sign_in(member_id: &str, password: &str) -> Result<Member, Failure> {
    let body = serde_json::json!({ "member_id": member_id, "password": password }).to_string();
    let text = expect_ok(call("POST", "/api/session", Some(&body)).await)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| Failure::Unreachable)?;
    let member = value.get("member").cloned().unwrap_or_default();
    serde_json::from_value(member).map_err(|_| Failure::Unreachable)
}

/// The member the session cookie belongs to.
pub async fn me() -> Result<Member, Failure> {
    let text = expect_ok(call("GET", "/api/me", None).await)?;
    serde_json::from_str(&text).map_err(|_| Failure::Unreachable)
}

/// Ends the session; the server clears the cookie.
pub async fn sign_out() {
    // Whatever the answer, the page goes back to the sign-in screen.
    let _ = call("DELETE", "/api/session", None).await;
}

/// A household's contact details, as `GET /api/requests/{id}/contact` answers them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub household_id: String,
    #[serde(default)]
    pub erased: bool,
    #[serde(default)]
    pub personal_data: Option<PersonalData>,
}

/// The contact details of `request_id`'s household, for a member whose work needs them.
pub async fn contact(request_id: &str) -> Result<Contact, Failure> {
    let path = format!("/api/requests/{}/contact", js_sys::encode_uri_component(request_id));
    let text = expect_ok(call("GET", &path, None).await)?;
    serde_json::from_str(&text).map_err(|_| Failure::Unreachable)
}

/// A JSON answer of a `GET`.
pub async fn get_json<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, Failure> {
    let text = expect_ok(call("GET", path, None).await)?;
    serde_json::from_str(&text).map_err(|_| Failure::Unreachable)
}

fn expect_ok(answer: Result<(u16, String), JsValue>) -> Result<String, Failure> {
    match answer {
        Ok((200, text)) => Ok(text),
        Ok((401, _)) => Err(Failure::NotSignedIn),
        Ok((429, _)) => Err(Failure::Throttled),
        Ok((status, text)) => Err(Failure::Server(error_words(status, &text))),
        Err(_) => Err(Failure::Unreachable),
    }
}

/// The server's own message from an error body (`{"error": {"code", "message"}}`), as a
/// sentence; the status code when there is none.
pub fn error_words(status: u16, body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let message = value.pointer("/error/message").and_then(|m| m.as_str()).unwrap_or_default();
    if message.is_empty() { format!("error {status}") } else { sentence(message) }
}

/// `message` with a capital first letter and a full stop.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut text: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    text.push_str(chars.as_str());
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// One same-origin request: its status and body text; `Err` when no answer came.
pub async fn call(method: &str, path: &str, json: Option<&str>) -> Result<(u16, String), JsValue> {
    let body = json.map(|json| (JsValue::from_str(json), "application/json"));
    call_with(method, path, body.as_ref().map(|(body, kind)| (body, *kind))).await
}

/// [`call`] with any body the browser can send (a file chosen in the page among them) and
/// its content type.
pub async fn call_with(
    method: &str,
    path: &str,
    body: Option<(&JsValue, &str)>,
) -> Result<(u16, String), JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some((body, _)) = body {
        init.set_body(body);
    }
    let request = Request::new_with_str_and_init(path, &init)?;
    if let Some((_, kind)) = body {
        request.headers().set("Content-Type", kind)?;
    }
    let window = leptos::prelude::window();
    let response: Response =
        JsFuture::from(window.fetch_with_request(&request)).await?.dyn_into()?;
    let text = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
    Ok((response.status(), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_message_reads_as_a_sentence() {
        let body = r#"{"error":{"code":"invalid_json","message":"missing field `password`"}}"#;
        assert_eq!(error_words(400, body), "Missing field `password`.");
        assert_eq!(error_words(502, ""), "error 502");
    }
}
