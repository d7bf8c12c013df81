//! The HTTP calls the page makes: sign in and out, who am I, the views screens read (typed
//! as `shared::view` declares them). Commands go through [`crate::outbox`]. The session
//! cookie the server sets on sign-in is HttpOnly; the browser sends it with every
//! same-origin request, the WebSocket upgrade among them.

use serde::de::DeserializeOwned;
use shared::members::Member;
use shared::view::{Contact, ErrorBody, ErrorDetail, SignedIn};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Why something the page asked for did not happen, for the page to say in the reader's
/// language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the network or the server is down.
    Unreachable,
    /// 401: signed out, or the member id and password do not match.
    NotSignedIn,
    /// 429: too many attempts.
    Throttled,
    /// Any other error, with the server's code and message.
    Server(ErrorDetail),
}

/// The sign-in form's body.
#[derive(serde::Serialize)]
struct Credentials<'a> {
    member_id: &'a str,
    password: &'a str,
}

/// Signs in.
pub async fn sign_in(member_id: &str, password: &str) -> Result<Member, Failure> {
    let body = serde_json::to_string(&Credentials { member_id, password }).unwrap_or_default();
    let text = expect_ok(call("POST", "/api/session", Some(&body)).await)?;
    let signed_in: SignedIn = serde_json::from_str(&text).map_err(|_| Failure::Unreachable)?;
    Ok(signed_in.member)
}

/// The member the session cookie belongs to.
pub async fn me() -> Result<Member, Failure> {
    get_json("/api/me").await
}

/// Ends the session; the server clears the cookie.
pub async fn sign_out() {
    // Whatever the answer, the page goes back to the sign-in screen.
    let _ = call("DELETE", "/api/session", None).await;
}

/// The contact details of `request_id`'s household, for a member whose work needs them.
pub async fn contact(request_id: &str) -> Result<Contact, Failure> {
    get_json(&format!("/api/requests/{}/contact", js_sys::encode_uri_component(request_id))).await
}

/// A JSON answer of a `GET`, as the view type the route answers with.
pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    let text = expect_ok(call("GET", path, None).await)?;
    serde_json::from_str(&text).map_err(|_| Failure::Unreachable)
}

/// The body of a successful answer, or why there is none.
pub fn expect_ok(answer: Result<(u16, String), JsValue>) -> Result<String, Failure> {
    match answer {
        Ok((200, text)) => Ok(text),
        Ok((401, _)) => Err(Failure::NotSignedIn),
        Ok((429, _)) => Err(Failure::Throttled),
        Ok((status, text)) => Err(Failure::Server(error_detail(status, &text))),
        Err(_) => Err(Failure::Unreachable),
    }
}

/// The server's code and message from an error body (`{"error": {"code", "message"}}`);
/// `http_<status>` when there is none.
pub fn error_detail(status: u16, body: &str) -> ErrorDetail {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody { error }) if !error.code.is_empty() => error,
        _ => ErrorDetail {
            code: format!("http_{status}"),
            message: format!("error {status}"),
            params: Default::default(),
        },
    }
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
    fn the_servers_code_and_message_are_read_from_an_error_body() {
        let body = r#"{"error":{"code":"invalid_json","message":"missing field `password`"}}"#;
        let detail = error_detail(400, body);
        assert_eq!(detail.code, "invalid_json");
        assert_eq!(detail.message, "missing field `password`");
        assert_eq!(error_detail(502, "").code, "http_502");
    }
}
