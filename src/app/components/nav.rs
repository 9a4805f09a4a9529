//! The site header: who is signed in, and the "Log out" button.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{action_error, CsrfField, FormAlert};
use crate::auth::{api::Logout, SessionView};

/// The header shown on every page.
#[component]
pub fn Nav(session: SessionView) -> impl IntoView {
    let links = match session.user {
        Some(user) => view! {
            <A href="/dashboard">"Dashboard"</A>
            <A href="/settings">"Settings"</A>
            <span class="signed-in-as" data-testid="nav-email">{user.email}</span>
            <LogoutForm csrf_token=session.csrf_token/>
        }
        .into_any(),
        None => view! {
            <A href="/login">"Log in"</A>
            <A href="/signup">"Sign up"</A>
        }
        .into_any(),
    };
    view! {
        <header class="site-header">
            <nav aria-label="Main">
                <A href="/" attr:class="brand">"Gatehouse"</A>
                <span class="spacer"></span>
                {links}
            </nav>
        </header>
    }
}

/// Logging out is a POST with the CSRF token, never a GET link.
#[component]
fn LogoutForm(csrf_token: String) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let pending = logout.pending();
    let error = action_error(logout);
    view! {
        <ActionForm action=logout attr:class="logout-form">
            <CsrfField token=csrf_token/>
            <button type="submit" class="link-button" disabled=move || pending.get()>
                "Log out"
            </button>
        </ActionForm>
        <FormAlert error/>
    }
}
