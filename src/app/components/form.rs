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

/// What the browser knows about one field of a live-validated form.
#[derive(Clone, Copy)]
pub struct FieldState {
    pub value: RwSignal<String>,
    /// The user has left the field once.
    pub touched: RwSignal<bool>,
    /// Edited since the server last answered, so its message is stale.
    pub edited: RwSignal<bool>,
}

impl FieldState {
    pub fn new() -> FieldState {
        FieldState {
            value: RwSignal::new(String::new()),
            touched: RwSignal::new(false),
            edited: RwSignal::new(false),
        }
    }
}

impl Default for FieldState {
    fn default() -> FieldState {
        FieldState::new()
    }
}

/// A labelled input that feeds a [`FieldState`] and shows its message.
/// `children` go between the input and the message (hints, meters).
#[component]
pub fn LiveInput(
    id: &'static str,
    label: &'static str,
    input_type: &'static str,
    autocomplete: &'static str,
    state: FieldState,
    message: Signal<Option<String>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=id type=input_type autocomplete=autocomplete required
                aria-invalid=move || message.get().is_some().to_string()
                aria-describedby=format!("{id}-error {id}-hint")
                on:input=move |ev| {
                    state.value.set(event_target_value(&ev));
                    state.edited.set(true);
                }
                on:blur=move |_| state.touched.set(true)/>
            {children.map(|children| children())}
            <FieldMessage id message/>
        </div>
    }
}
