//! The frame of every page: loads the session once (on the server before the
//! first byte, from the serialized state when hydrating, with one request on
//! client-side navigation), applies the page's access rule, and renders the
//! nav, any notice and the content.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Redirect, hooks::use_location, NavigateOptions};

use super::{CsrfField, Nav};
use crate::auth::{
    api::{get_session, ResendVerification},
    Access, Flash, SessionView,
};

/// What a page renders once its session is known. Boxed, so the frame below
/// is compiled once rather than once per page (it keeps the bundle small).
#[derive(Clone)]
pub struct RenderFn(Arc<dyn Fn(SessionView) -> AnyView + Send + Sync>);

impl<F, V> From<F> for RenderFn
where
    F: Fn(SessionView) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    fn from(render: F) -> RenderFn {
        RenderFn(Arc::new(move |session| render(session).into_any()))
    }
}

/// A page that needs the session. `render` receives it once the access rule
/// (`Access`) has passed; otherwise the visitor is redirected, with a real
/// 302 on a full page load and a client-side navigation after hydration.
#[component]
pub fn Page(title: &'static str, access: Access, #[prop(into)] render: RenderFn) -> impl IntoView {
    let session = Resource::new_blocking(|| (), move |_| get_session(access));
    let location = use_location();
    let render = render.0;
    view! {
        <Title text=title/>
        <Suspense fallback=|| view! { <main class="page" aria-busy="true"></main> }>
            {move || {
                let render = Arc::clone(&render);
                Suspend::new(async move {
                    match session.await {
                        Ok(view) => {
                            let here = current_path(
                                location.pathname.get_untracked(),
                                location.search.get_untracked(),
                            );
                            if let Some(target) = view.redirect_for(access, &here) {
                                let options = NavigateOptions {
                                    replace: true,
                                    ..Default::default()
                                };
                                return view! { <Redirect path=target options/> }.into_any();
                            }
                            // The session's notice, or the one the URL names; the
                            // URL's can change without this page re-mounting
                            // (a form on it redirects to it with `?notice=`).
                            let session_flash = view.flash;
                            let flash = move || {
                                session_flash
                                    .or_else(|| {
                                        location
                                            .query
                                            .read()
                                            .get("notice")
                                            .and_then(|n| Flash::from_param(&n))
                                    })
                                    .map(|f| f.message())
                            };
                            let unconfirmed = view
                                .user
                                .as_ref()
                                .filter(|u| !u.email_verified && !view.email_verification_required)
                                .map(|u| u.email.clone());
                            view! {
                                <Nav session=view.clone()/>
                                {unconfirmed.map(|email| view! {
                                    <ConfirmBanner email csrf_token=view.csrf_token.clone()/>
                                })}
                                <main class="page">
                                    {move || flash().map(|message| view! {
                                        <p class="notice" role="status" data-testid="flash">{message}</p>
                                    })}
                                    {render(view)}
                                </main>
                            }
                                .into_any()
                        }
                        Err(error) => view! {
                            <main class="page">
                                <p class="form-error" role="alert">{error.to_string()}</p>
                            </main>
                        }
                            .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn current_path(pathname: String, search: String) -> String {
    if search.is_empty() {
        pathname
    } else {
        format!("{pathname}?{search}")
    }
}

/// Asks an account with an unconfirmed address to confirm it (when
/// confirmation is optional; otherwise such accounts see only the
/// confirmation page).
#[component]
fn ConfirmBanner(email: String, csrf_token: String) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    view! {
        <div class="banner" role="status">
            <span>"Please confirm your email address: we sent a link to " <strong>{email}</strong> "."</span>
            <ActionForm action=resend attr:class="inline-form">
                <CsrfField token=csrf_token/>
                <button type="submit" class="link-button" disabled=move || resend.pending().get()>
                    "Resend verification email"
                </button>
            </ActionForm>
        </div>
    }
}
