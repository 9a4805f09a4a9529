//! The "New password" and "Confirm new password" pair, checked live with
//! the same rules as the server, with a strength hint.

use leptos::prelude::*;

use super::{field_message, BreachCheck, FieldState, LiveInput};
use crate::{
    auth::{
        forms::NewPasswordInput,
        validation::{estimate_strength, nfkc},
    },
    error::{AppError, Field},
};

/// The two fields; `email` is the account's address (a password may not
/// contain it).
#[component]
pub fn NewPasswordInputs(
    password: FieldState,
    confirm: FieldState,
    min_chars: usize,
    #[prop(into)] email: Signal<String>,
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let breach = BreachCheck::new();
    let typed = move || NewPasswordInput {
        password: password.value.get(),
        confirmation: confirm.value.get(),
    };
    let local = move || typed().password_message(&email.get(), min_chars);
    let password_message = field_message(password, Field::NewPassword, server_error, move || {
        local().and_then(|()| breach.verdict(&password.value.get()))
    });
    let ask = Callback::new(move |value: String| {
        if local().is_ok() {
            breach.ask(value);
        }
    });
    let confirm_message = field_message(
        confirm,
        Field::ConfirmNewPassword,
        server_error,
        move || typed().confirmation_message(),
    );
    view! {
        <LiveInput id="new_password" label="New password" input_type="password" autocomplete="new-password"
            state=password message=password_message on_blur=ask>
            <PasswordHint min_chars password/>
        </LiveInput>
        <LiveInput id="confirm_new_password" label="Confirm new password" input_type="password"
            autocomplete="new-password" state=confirm message=confirm_message/>
    }
}

/// The length rule and a live strength meter for a new password.
#[component]
pub fn PasswordHint(min_chars: usize, password: FieldState) -> impl IntoView {
    let strength = move || {
        let pw = password.value.get();
        (!pw.is_empty()).then(|| estimate_strength(&nfkc(&pw), min_chars))
    };
    view! {
        <p class="hint">
            {format!("At least {min_chars} characters. Spaces and any characters are welcome; a few unrelated words work well.")}
        </p>
        {move || strength().map(|s| view! {
            <p class="strength" data-level=s.level() aria-live="polite" data-testid="strength">
                <span class="meter" aria-hidden="true"><span></span></span>
                {format!("Strength: {}", s.label())}
            </p>
        })}
    }
}
