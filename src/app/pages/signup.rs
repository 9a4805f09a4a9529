//! `/signup`, with the same validation messages as the server, live as the
//! user types (once a field has been left), and a strength hint.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::{
        action_error, field_message, on_server_answer, BreachCheck, CsrfField, FieldState,
        FormAlert, LiveInput, Page, PasswordHint, SubmitButton,
    },
    auth::{
        api::Signup,
        forms::{CanonicalEmail, NewPasswordInput},
        validation::canonical_email,
        Access, SessionView,
    },
    error::Field,
};

#[component]
pub fn SignupPage() -> impl IntoView {
    let signup = ServerAction::<Signup>::new();
    view! {
        <Page title="Sign up" access=Access::GuestOnly render=move |session: SessionView| {
            view! { <SignupForm action=signup session/> }
        }/>
    }
}

#[component]
fn SignupForm(action: ServerAction<Signup>, session: SessionView) -> impl IntoView {
    let min_chars = session.password_min_length;
    let email = FieldState::new();
    let password = FieldState::new();
    let confirm = FieldState::new();
    let server_error = action_error(action);
    on_server_answer(action, vec![email, password, confirm]);
    let canonical = move || canonical_email(&email.value.get());
    let email_message = field_message(email, Field::Email, server_error, move || {
        CanonicalEmail::parse(&email.value.get()).map(drop)
    });
    let typed = move || NewPasswordInput {
        password: password.value.get(),
        confirmation: confirm.value.get(),
    };
    let breach = BreachCheck::new();
    let local = move || typed().password_message(&canonical(), min_chars);
    let password_message = field_message(password, Field::Password, server_error, move || {
        local().and_then(|()| breach.verdict(&password.value.get()))
    });
    let ask = Callback::new(move |value: String| {
        if local().is_ok() {
            breach.ask(value);
        }
    });
    let confirm_message = field_message(confirm, Field::ConfirmPassword, server_error, move || {
        typed().confirmation_message()
    });
    view! {
        <div class="card">
            <h1>"Create your account"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField token=session.csrf_token/>
                <LiveInput id="email" label="Email" input_type="email" autocomplete="email"
                    state=email message=email_message/>
                <LiveInput id="password" label="Password" input_type="password" autocomplete="new-password"
                    state=password message=password_message on_blur=ask>
                    <PasswordHint min_chars password/>
                </LiveInput>
                <LiveInput id="confirm_password" label="Confirm password" input_type="password"
                    autocomplete="new-password" state=confirm message=confirm_message/>
                <FormAlert error=server_error/>
                <SubmitButton label="Create account" busy_label="Creating account…" pending=action.pending()/>
            </ActionForm>
            <p class="aside">"Already have an account? " <a href=page::LOGIN>"Log in"</a></p>
        </div>
    }
}
