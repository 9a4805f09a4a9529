//! The floor of the fixed stack on this machine: a bare Leptos SSR page
//! served by leptos_axum, with none of Gatehouse's work (no session, no
//! cookies, no CSRF token, no CSP nonce, no middleware, no database). It
//! renders the same document frame as the dashboard (hydration scripts,
//! meta tags, router, a blocking resource under Suspense, async SSR mode)
//! with fixed text. The benchmark measures it in the same run as the apps,
//! so the dashboard's figure can be read against what Leptos itself costs.
//!
//! Run by bench/run.sh:
//!   cargo run --release --features ssr --example leptos_floor -- 127.0.0.1:3300

use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router as Routes_, Routes, A},
    path, SsrMode,
};

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Routes_>
            <Routes fallback=|| "Not found.">
                <Route path=path!("/dashboard") view=Dashboard ssr=SsrMode::Async/>
            </Routes>
        </Routes_>
    }
}

#[server]
async fn who() -> Result<String, ServerFnError> {
    Ok("bench@example.com".into())
}

#[component]
fn Dashboard() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| who());
    view! {
        <Title text="Dashboard"/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let email = user.await.unwrap_or_default();
                view! {
                    <header>
                        <nav>
                            <A href="/">"Gatehouse"</A>
                            <A href="/dashboard">"Dashboard"</A>
                            <span>{email.clone()}</span>
                        </nav>
                    </header>
                    <main>
                        <h1>"Dashboard"</h1>
                        <p>"Signed in as " <strong>{email}</strong></p>
                    </main>
                }
            })}
        </Suspense>
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3300".into());
    let options = LeptosOptions::builder().output_name("floor").build();
    let app = Router::new()
        .leptos_routes(&options, generate_route_list(App), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}
