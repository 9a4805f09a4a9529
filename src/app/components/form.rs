//! Pieces every form uses.

use leptos::prelude::*;

use crate::error::AppError;

/// The hidden per-session CSRF token every form posts back.
#[component]
pub fn CsrfField(token: String) -> impl IntoView {
    view! { <input type="hidden" name="csrf_token" value=token/> }
}

/// The message under a field, announced to screen readers.
#[component]
pub fn FieldMessage(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|text| {
            view! { <p class="field-error" id=format!("{id}-error") role="alert">{text}</p> }
        })
    }
}

/// A message for the whole form (everything but per-field errors).
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.form_message()).map(|text| {
            view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> }
        })
    }
}

/// A submit button that shows the request in flight.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    pending: Memo<bool>,
) -> impl IntoView {
    view! {
        <button type="submit" class="primary" disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { busy_label } else { label }}
        </button>
    }
}
