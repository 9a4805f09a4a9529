//! `/`: what Gatehouse is, and the way in.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::Page,
    auth::{Access, SessionView},
};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Page title="Welcome" access=Access::Anyone render=|session: SessionView| {
            let actions = if session.user.is_some() {
                view! { <a href=page::DASHBOARD class="button primary">"Go to your dashboard"</a> }
                    .into_any()
            } else {
                view! {
                    <a href=page::SIGNUP class="button primary">"Create an account"</a>
                    <a href=page::LOGIN class="button">"Log in"</a>
                }
                    .into_any()
            };
            view! {
                <section class="hero">
                    <h1>"Gatehouse"</h1>
                    <p class="lede">
                        "Sign-up, sign-in and sessions for your app, done the way a security review expects: "
                        "server-side sessions, CSRF protection on every form, no account enumeration, "
                        "and passwords that are never truncated."
                    </p>
                    <div class="actions">{actions}</div>
                </section>
                <section class="features" aria-label="What you get">
                    <ul>
                        <li>"Works with and without JavaScript."</li>
                        <li>"Idle and absolute session timeouts, enforced on the server."</li>
                        <li>"Each device gets its own session; logging out ends only that one."</li>
                        <li>"SQLite by default: nothing else to run."</li>
                    </ul>
                </section>
            }
        }/>
    }
}
