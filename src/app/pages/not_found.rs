//! The page for unknown paths (status 404).

use crate::routes::page;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <header class="site-header">
            <nav aria-label="Main">
                <a href=page::HOME class="brand">"Gatehouse"</a>
            </nav>
        </header>
        <main class="page">
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href=page::HOME>"Go to the home page"</a>
            </div>
        </main>
    }
}
