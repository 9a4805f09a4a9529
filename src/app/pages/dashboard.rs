//! `/dashboard`: the signed-in user's own page.

use leptos::prelude::*;

use crate::{
    app::components::Page,
    auth::{Access, SessionView},
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Page title="Dashboard" access=Access::SignedIn render=|session: SessionView| {
            // `Page` only renders this for a signed-in session.
            session.user.map(|user| view! {
                <div class="card">
                    <h1>"Dashboard"</h1>
                    <p class="signed-in">"Signed in as " <strong data-testid="user-email">{user.email}</strong></p>
                    <dl class="facts">
                        <dt>"Account created"</dt>
                        <dd data-testid="account-created">{user.account_created}</dd>
                        <dt>"This session started"</dt>
                        <dd data-testid="session-started">{user.session_started}</dd>
                        <dt>"Previous sign-in"</dt>
                        <dd data-testid="previous-sign-in">
                            {user.previous_sign_in.unwrap_or_else(|| "This is your first sign-in.".into())}
                        </dd>
                    </dl>
                </div>
            })
        }/>
    }
}
