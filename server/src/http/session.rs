//! Signing in and out, and the extractor that names the member behind a request.
//!
//! Browsers get an HttpOnly, SameSite=Strict session cookie; scripts send the same token as
//! `Authorization: Bearer`. A write authenticated by cookie must come from our own origin
//! (its `Origin` header, or `Sec-Fetch-Site: same-origin`), so another site cannot make a
//! member's browser act for it.

use std::net::SocketAddr;
use std::time::Instant;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::access::Role;
use shared::members::Member;

use super::AppState;
use super::error::{ApiError, ApiJson};

pub const COOKIE: &str = "potluck_session";

/// The member a request comes from, with the roles they hold right now.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub member: Member,
    pub token: String,
}

impl SignedIn {
    pub fn roles(&self) -> &[Role] {
        &self.member.roles
    }

    pub fn require(&self, allowed: bool, what: &str) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("your roles do not allow {what}")))
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, via_cookie) = token_of(&parts.headers).ok_or_else(ApiError::unauthorized)?;
        let now_ms = state.group.now();
        let member_id = state.group.auth().session_member(&token, now_ms);
        let member_id = member_id
            .map_err(|e| ApiError::unavailable(e.to_string()))?
            .ok_or_else(ApiError::unauthorized)?;
        let member = state
            .group
            .read(|p| p.members.get(&member_id).cloned())
            .ok_or_else(ApiError::unauthorized)?;
        if via_cookie && !is_safe(&parts.method) && !same_origin(&parts.headers) {
            return Err(ApiError::forbidden("cross-site request refused"));
        }
        Ok(SignedIn { member, token })
    }
}

fn token_of(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return value.strip_prefix("Bearer ").map(|t| (t.trim().to_owned(), false));
    }
    let cookies = headers.get_all(header::COOKIE);
    cookies
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| (value.to_owned(), true))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a browser says the request comes from a page of this server.
fn same_origin(headers: &HeaderMap) -> bool {
    let header_str = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(origin) = header_str(header::ORIGIN) {
        let host = header_str(header::HOST).unwrap_or_default();
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        return !host.is_empty() && origin_host == host;
    }
    // Without Origin, trust only a browser's own statement that the request is same-origin;
    // a request with neither header does not come from a browser page at all.
    match header_str(header::HeaderName::from_static("sec-fetch-site")) {
        Some(site) => site == "same-origin",
        None => true,
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub member_id: String,
    pub password: String,
}

/// The session cookie: HttpOnly, SameSite=Strict, and `Secure` when the browser came over
/// https (the public address says so, or a trusted proxy does), so a browser never sends it
/// over plain HTTP.
fn session_cookie(https: bool, token: &str, max_age_s: u64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_s}{secure}")
}

#[utoipa::path(post, path = "/api/session", tag = "session", request_body = SignIn,
    responses((status = 200, description = "`{member, token}` and an HttpOnly, SameSite=Strict session cookie"),
              (status = 401, description = "Wrong member id or password"),
              (status = 429, description = "Too many failed attempts; see Retry-After")))]
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let origin = state.options.origin(peer, &headers);
    let ip = origin.ip.to_string();
    let name_key = format!("member:{}", body.member_id);
    let keys = [name_key.as_str(), ip.as_str()];
    if let Err(wait) = state.throttle.check(&keys, Instant::now()) {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            "too many failed sign-ins; wait before trying again",
        );
        error.retry_after_s = Some(wait.as_secs().max(1));
        return Err(error);
    }
    let auth = state.group.auth().clone();
    let (member_id, password) = (body.member_id.clone(), body.password);
    let checked = tokio::task::spawn_blocking(move || auth.check_password(&member_id, &password));
    let ok = match checked.await {
        Ok(Ok(ok)) => ok,
        Ok(Err(error)) => return Err(ApiError::unavailable(error.to_string())),
        Err(_) => false,
    };
    // A member added a moment ago (the answer to `AddMember` comes once it is durable, the
    // views fold it just after): the views first catch up with the log.
    let head = state.group.log().head().position;
    state.group.live().caught_up_to(head, std::time::Duration::from_secs(2)).await;
    let member = state.group.read(|p| p.members.get(&body.member_id).cloned());
    let Some(member) = member.filter(|_| ok) else {
        state.throttle.failed(&keys, Instant::now());
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "wrong_credentials",
            "that member id and password do not match",
        ));
    };
    state.throttle.succeeded(&keys);
    let token = state
        .group
        .auth()
        .create_session(member.member_id.as_str(), state.group.now())
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let cookie = session_cookie(origin.https, &token, 604_800);
    let mut response = Json(shared::view::SignedIn { member, token }).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[utoipa::path(delete, path = "/api/session", tag = "session", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    member: SignedIn,
) -> Result<Response, ApiError> {
    state
        .group
        .auth()
        .end_session(&member.token)
        .map_err(|e| ApiError::unavailable(e.to_string()))?;
    let cookie = session_cookie(state.options.origin(peer, &headers).https, "", 0);
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, description = "The signed-in member and roles")))]
pub async fn me(member: SignedIn) -> Json<Member> {
    Json(member.member)
}
