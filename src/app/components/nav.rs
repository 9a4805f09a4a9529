//! The site header: who is signed in, and the "Log out" button.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{action_error, CsrfField, FormAlert};
use crate::auth::{api::Logout, SessionView};
use crate::routes::page;

/// The header shown on every page. Its links are plain anchors: the router
/// still navigates them client-side, and `<A>` would cost a few reactive
/// nodes each on every server render.
#[component]
pub fn Nav(session: SessionView) -> impl IntoView {
    let links = match session.user {
        Some(user) => view! {
            <a href=page::DASHBOARD aria-current=current(page::DASHBOARD)>"Dashboard"</a>
            <a href=page::SETTINGS aria-current=current(page::SETTINGS)>"Settings"</a>
            <span class="signed-in-as" data-testid="nav-email">{user.email}</span>
            <LogoutForm csrf_token=session.csrf_token/>
        }
        .into_any(),
        None => view! {
            <a href=page::LOGIN aria-current=current(page::LOGIN)>"Log in"</a>
            <a href=page::SIGNUP aria-current=current(page::SIGNUP)>"Sign up"</a>
        }
        .into_any(),
    };
    view! {
        <header class="site-header">
            <nav aria-label="Main">
                <a href=page::HOME class="brand">"Gatehouse"</a>
                <span class="spacer"></span>
                {links}
            </nav>
        </header>
    }
}

/// `aria-current="page"` on the link to the section being shown (a page or
/// any page under it).
fn current(section: &'static str) -> impl Fn() -> Option<&'static str> + Send + Sync {
    let pathname = use_location().pathname;
    move || {
        pathname
            .with(|path| in_section(path, section))
            .then_some("page")
    }
}

fn in_section(path: &str, section: &str) -> bool {
    path.strip_prefix(section)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
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
