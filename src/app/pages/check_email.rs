//! `/check-email`: where every signup lands while verification is required.
//! It says the same thing whether or not the address already had an account.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::Page,
    auth::{Access, SessionView},
};

#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <Page title="Check your inbox" access=Access::Anyone render=|_session: SessionView| view! {
            <div class="card">
                <h1>"Check your inbox"</h1>
                <p>
                    "We sent a message to the address you gave. Open the link in it to confirm the "
                    "address and finish creating your account; the link works for a day."
                </p>
                <p class="aside">
                    "Nothing arrived? Check the spam folder, or "<a href=page::SIGNUP>"sign up again"</a>
                    ". Already confirmed? "<a href=page::LOGIN>"Log in"</a>"."
                </p>
            </div>
        }/>
    }
}
