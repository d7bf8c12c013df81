//! The few HTTP calls the page makes: sign in, who am I, sign out. The session cookie the
//! server sets on sign-in is HttpOnly; the browser sends it with every same-origin request,
//! the WebSocket upgrade among them.

use shared::members::Member;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Shown when the server cannot be reached or answers something unreadable.
pub const UNREACHABLE: &str = "Cannot reach the server. Check the connection and try again.";

/// Signs in; on failure, the reason in words a person can act on.
pub async fn sign_in(member_id: &str, password: &str) -> Result<Member, String> {
    let body = serde_json::json!({ "member_id": member_id, "password": password }).to_string();
    let (status, text) = call("POST", "/api/session", Some(&body)).await?;
    if status == 200 {
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| UNREACHABLE)?;
        let member = value.get("member").cloned().unwrap_or_default();
        return serde_json::from_value(member).map_err(|_| UNREACHABLE.to_owned());
    }
    Err(error_words(status, &text))
}

/// The member the session cookie belongs to, if there is a valid one.
pub async fn me() -> Option<Member> {
    match call("GET", "/api/me", None).await {
        Ok((200, text)) => serde_json::from_str(&text).ok(),
        _ => None,
    }
}

/// Ends the session; the server clears the cookie.
pub async fn sign_out() {
    // Whatever the answer, the page goes back to the sign-in screen.
    let _ = call("DELETE", "/api/session", None).await;
}

/// The server's own message from an error body (`{"error": {"code", "message"}}`), as a
/// sentence.
pub fn error_words(status: u16, body: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let code = value.pointer("/error/code").and_then(|c| c.as_str()).unwrap_or_default();
    let message = value.pointer("/error/message").and_then(|m| m.as_str()).unwrap_or_default();
    match (status, code) {
        (401, _) => "That member id and password do not match. Check both and try again.".into(),
        (429, _) => "Too many failed sign-ins. Wait a minute before trying again.".into(),
        _ if !message.is_empty() => sentence(message),
        _ => format!("The server could not sign you in (error {status}). Try again later."),
    }
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

/// One same-origin request: its status and body text.
async fn call(method: &str, path: &str, json: Option<&str>) -> Result<(u16, String), String> {
    fetch(method, path, json).await.map_err(|_| UNREACHABLE.to_owned())
}

async fn fetch(method: &str, path: &str, json: Option<&str>) -> Result<(u16, String), JsValue> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(json) = json {
        init.set_body(&JsValue::from_str(json));
    }
    let request = Request::new_with_str_and_init(path, &init)?;
    if json.is_some() {
        request.headers().set("Content-Type", "application/json")?;
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
    fn wrong_credentials_read_as_a_plain_sentence() {
        let body = r#"{"error":{"code":"wrong_credentials","message":"that member id and password do not match"}}"#;
        assert!(error_words(401, body).starts_with("That member id and password do not match."));
    }

    #[test]
    fn other_errors_use_the_servers_words() {
        let body = r#"{"error":{"code":"invalid_json","message":"missing field `password`"}}"#;
        assert_eq!(error_words(400, body), "Missing field `password`.");
        assert!(error_words(502, "").contains("error 502"));
    }
}
