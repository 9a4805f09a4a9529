//! Gives server-function errors their real HTTP status.
//!
//! server_fn answers every error with 500. That is wrong for a client error
//! (a missing field is not a server fault), and tower-sessions discards
//! session changes on any 5xx. This rewrites the status from the
//! [`AppError`] in the body, so the mapping lives in one place:
//! [`AppError::status`]. No-JS form posts are 302 redirects and pass unchanged.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::error::AppError;

/// The largest error body inspected.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn fix_error_status(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = error.retry_after() {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                parts.headers.insert(header::RETRY_AFTER, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
