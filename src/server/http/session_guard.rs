//! Per-request session chores that must happen before any page renders.

use axum::{
    extract::{Request, State},
    http::{header, Method},
    middleware::Next,
    response::Response,
};

use crate::auth::Flash;
use crate::server::{
    account::auth_backend::AuthSession,
    audit::{self, Actor, EventKind},
    http::limits,
    http::session_layer::{cookie_name, PersistentCookie},
    protection::client::Client,
    protection::csrf,
    protection::rate_limit,
    session::flash,
    session::store::{AuthMeta, EndReason, AUTH_META_KEY},
    state::AppState,
};

/// Tells a browser whose session ended on the server why ("Your session has
/// expired"), and gives page views a CSRF token before anything renders.
/// A request without a live session may start one (a page render or a
/// session read stores the CSRF token), so those count against the
/// address's new-session limit first, whatever they send.
pub async fn session_chores(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(auth) = request.extensions().get::<AuthSession>().cloned() else {
        return next.run(request).await;
    };
    if auth.session.id().is_none() {
        let caller = limits::Caller::of(&request);
        if let Some(refusal) = limits::check(&state, caller, rate_limit::NEW_SESSION).await {
            return refusal;
        }
        if auth.user.is_none() {
            if let Some(cookie) = session_cookie(&request, cookie_name(&state.origin)) {
                let client = Client::new(request.headers(), request.extensions());
                note_ended_session(&state, &auth, &cookie, &client).await;
            }
        }
    }
    if is_page_view(&request) {
        if let Err(e) = csrf::ensure_token(&auth.session).await {
            tracing::error!(error = %e, "could not create a CSRF token");
        }
    }
    let mut response = next.run(request).await;
    mark_remembered(&state, &auth, &mut response).await;
    response
}

/// A remembered ("remember me") session's cookie must outlive the browser:
/// tell the cookie layer how long, whenever this response sets it.
async fn mark_remembered(state: &AppState, auth: &AuthSession, response: &mut Response) {
    let meta: Option<AuthMeta> = auth.session.get(AUTH_META_KEY).await.ok().flatten();
    if let Some(meta) = meta.filter(|m| m.remember) {
        let ends = meta.authenticated_at + state.settings.sessions.session_remember_secs;
        let max_age = (ends - state.clock.unix()).max(0);
        response
            .extensions_mut()
            .insert(PersistentCookie { max_age });
    }
}

fn is_page_view(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD)
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// The request sent a session cookie the store has no live session for.
async fn note_ended_session(state: &AppState, auth: &AuthSession, cookie: &str, client: &Client) {
    let Some(ended) = state.sessions.ended(cookie).await else {
        return;
    };
    let notice = match ended.reason {
        EndReason::Expired => {
            let actor = Actor::new(client.clone(), None);
            audit::record(
                state,
                &actor,
                EventKind::SessionExpired,
                ended.user_id,
                None,
            )
            .await;
            Flash::SessionExpired
        }
        EndReason::PasswordChanged => Flash::SignedOutPasswordChanged,
        EndReason::Revoked => Flash::SignedOutElsewhere,
        EndReason::AccountDeleted => return,
    };
    if let Err(e) = flash::set(&auth.session, notice).await {
        tracing::error!(error = %e, "could not leave a notice");
    }
}

/// The value of our session cookie in the request, if sent.
fn session_cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}
