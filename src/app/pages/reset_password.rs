//! `/reset-password`: choose a new password after following a reset link.
//! The link's token is already in the session (never in this page's URL).

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::{
        action_error, on_server_answer, CsrfField, FieldState, FormAlert, NewPasswordInputs, Page,
        SubmitButton,
    },
    auth::{api::ResetPassword, Access, SessionView},
};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <Page title="Choose a new password" access=Access::Anyone render=move |session: SessionView| {
            if !session.reset_pending {
                return view! {
                    <div class="card">
                        <h1>"Reset your password"</h1>
                        <p>"This link is invalid, has expired or was already used."</p>
                        <p><a href=page::FORGOT_PASSWORD>"Request a new link"</a></p>
                    </div>
                }
                    .into_any();
            }
            let password = FieldState::new();
            let confirm = FieldState::new();
            on_server_answer(reset, vec![password, confirm]);
            let error = action_error(reset);
            view! {
                <div class="card">
                    <h1>"Choose a new password"</h1>
                    <ActionForm action=reset attr:class="form" attr:novalidate=true>
                        <CsrfField token=session.csrf_token/>
                        <NewPasswordInputs password confirm min_chars=session.password_min_length
                            email=String::new() server_error=error/>
                        <FormAlert error/>
                        <SubmitButton label="Reset password" busy_label="Saving…" pending=reset.pending()/>
                    </ActionForm>
                </div>
            }
                .into_any()
        }/>
    }
}
