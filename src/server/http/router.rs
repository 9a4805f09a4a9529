//! The axum router: pages, server functions, static files and the layers
//! that secure them. Tests serve this same router on port 0.

use std::sync::OnceLock;

use axum::{
    extract::State,
    http::StatusCode,
    middleware::{from_fn, from_fn_with_state},
    response::IntoResponse,
    routing::get,
    Router,
};
use leptos::prelude::provide_context;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use tower_http::{limit::RequestBodyLimitLayer, services::ServeDir};

use crate::app::{shell, App};
use crate::routes::link;
use crate::server::{
    http::api_status,
    http::links,
    http::security_headers,
    http::session_guard,
    http::{limits, session_layer},
    platform::db,
    protection::csrf,
    state::AppState,
};

/// Request bodies larger than this are refused with 413 before any work.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    // Layers run outside-in in the reverse of the order written: the origin
    // check first, then the session, then session chores, then the handler.
    let pages = Router::new()
        .leptos_routes_with_context(&state, route_list(), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(from_fn(api_status::fix_error_status))
        .layer(from_fn_with_state(state.clone(), links::token_links))
        .layer(from_fn_with_state(
            state.clone(),
            session_guard::session_chores,
        ))
        .layer(session_layer::auth_layer(&state))
        .layer(from_fn_with_state(
            state.clone(),
            session_layer::harden_cookies,
        ))
        .layer(from_fn_with_state(
            state.allowed_origins.clone(),
            csrf::require_same_origin,
        ))
        .layer(from_fn_with_state(state.clone(), limits::limit))
        .layer(from_fn_with_state(state.clone(), limits::resolve_client))
        .with_state(state.clone());
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    Router::new()
        .route(link::HEALTHZ, get(healthz))
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .with_state(state.clone())
        .merge(pages)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state, security_headers::apply))
}

/// The app's routes, generated once per process. Generating them renders the
/// app with resource loading switched off through a process-wide flag, so
/// doing it again while another router in the process (tests run many) is
/// rendering would leave that render waiting forever.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if db::is_healthy(&state.pool).await {
        (StatusCode::OK, "ok\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::page;

    #[test]
    fn the_route_table_names_every_page_the_app_routes() {
        let mut routed: Vec<String> = route_list().iter().map(|r| r.path().to_owned()).collect();
        routed.sort();
        routed.dedup();
        let mut table: Vec<String> = page::ALL.iter().map(|p| p.to_string()).collect();
        table.sort();
        assert_eq!(routed, table);
    }
}
