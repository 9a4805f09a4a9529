//! What the browser sees: the HTML shell, the router and the pages.

pub mod components;
pub mod pages;
mod shell;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet, Title};
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    path, SsrMode,
};

use pages::{
    ActivityPage, CheckEmailPage, ConfirmPasswordPage, DashboardPage, ForgotPasswordPage, HomePage,
    LoginPage, NotFound, ResetPasswordPage, SessionsPage, SettingsPage, SignupPage,
    VerifyEmailPage,
};
pub use shell::shell;

/// The root component, rendered on the server and hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_hydrated();
    // Every route renders completely before the first byte (`SsrMode::Async`),
    // so a page that must redirect can still answer with a real 302.
    view! {
        <Stylesheet id="leptos" href="/pkg/gatehouse.css"/>
        <Title formatter=|title: String| format!("{title} · Gatehouse")/>
        <Router>
            <FlatRoutes fallback=NotFound>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/activity") view=ActivityPage ssr=SsrMode::Async/>
                <Route path=path!("/settings/sessions") view=SessionsPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm-password") view=ConfirmPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/check-email") view=CheckEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/verify-email") view=VerifyEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async/>
            </FlatRoutes>
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the app is live in the browser, so
/// browser tests can wait for it instead of sleeping.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
