//! The HTML document around the app.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use super::App;

/// The full HTML page. On the server it also sets this response's
/// Content-Security-Policy with a fresh nonce for the hydration script.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_page_policy(options: &LeptosOptions) {
    use axum::http::{header::CONTENT_SECURITY_POLICY, HeaderValue};
    use leptos::nonce::{provide_nonce, use_nonce};

    provide_nonce();
    let Some(nonce) = use_nonce() else {
        return;
    };
    let live_reload = std::env::var("LEPTOS_WATCH")
        .is_ok()
        .then_some(options.reload_port);
    let policy = crate::server::http::security_headers::page_policy(&nonce, live_reload);
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}
