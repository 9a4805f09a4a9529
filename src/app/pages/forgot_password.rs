//! `/forgot-password`: ask for a reset link. The answer never says whether
//! the address has an account.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::{action_error, CsrfField, FieldMessage, FormAlert, Page, SubmitButton},
    auth::{api::RequestPasswordReset, Access, SessionView},
    error::Field,
};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Page title="Forgot password" access=Access::Anyone render=move |session: SessionView| {
            let error = action_error(request);
            let email_message = Signal::derive(move || error.get().and_then(|e| e.field(Field::Email)));
            view! {
                <div class="card">
                    <h1>"Reset your password"</h1>
                    <p>"Enter the address of your account and we will email you a link to choose a new password."</p>
                    <ActionForm action=request attr:class="form" attr:novalidate=true>
                        <CsrfField token=session.csrf_token/>
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required
                                aria-describedby="email-error"/>
                            <FieldMessage id="email" message=email_message/>
                        </div>
                        <FormAlert error/>
                        <SubmitButton label="Send reset link" busy_label="Sending…" pending=request.pending()/>
                    </ActionForm>
                    <p class="aside">"Remembered it? "<a href=page::LOGIN>"Log in"</a></p>
                </div>
            }
        }/>
    }
}
