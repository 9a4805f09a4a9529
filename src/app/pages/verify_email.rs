//! `/verify-email`: what an account that has not confirmed its address sees
//! instead of the dashboard, with a way to get a new link.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::{action_error, CsrfField, FormAlert, Page, SubmitButton},
    auth::{api::ResendVerification, Access, SessionView},
};

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    view! {
        <Page title="Confirm your email" access=Access::Anyone render=move |session: SessionView| {
            let content = match session.user {
                Some(user) if !user.email_verified => view! {
                    <h1>"Confirm your email address"</h1>
                    <p>"We sent a confirmation link to " <strong>{user.email}</strong> ". Open it to continue."</p>
                    <ActionForm action=resend attr:class="form">
                        <CsrfField token=session.csrf_token/>
                        <FormAlert error=action_error(resend)/>
                        <SubmitButton label="Resend verification email" busy_label="Sending…" pending=resend.pending()/>
                    </ActionForm>
                }
                    .into_any(),
                Some(_) => view! {
                    <h1>"Your email address is confirmed"</h1>
                    <p><a href=page::DASHBOARD>"Go to your dashboard"</a></p>
                }
                    .into_any(),
                None => view! {
                    <h1>"Confirm your email address"</h1>
                    <p><a href=page::LOGIN>"Log in"</a>" to see your account or to get a new link."</p>
                }
                    .into_any(),
            };
            view! { <div class="card">{content}</div> }
        }/>
    }
}
