//! Pieces every form uses.

use leptos::prelude::*;

use crate::error::{AppError, Field};

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

/// A submit button that shows the request in flight. `secondary` for the
/// lesser actions of a page (one per row of a list).
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] secondary: bool,
) -> impl IntoView {
    let class = if secondary { "secondary" } else { "primary" };
    view! {
        <button type="submit" class=class disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
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
    /// Called with the value when the field is left.
    #[prop(optional)]
    on_blur: Option<Callback<String>>,
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
                on:blur=move |_| {
                    state.touched.set(true);
                    if let Some(on_blur) = on_blur {
                        on_blur.run(state.value.get_untracked());
                    }
                }/>
            {children.map(|children| children())}
            <FieldMessage id message/>
        </div>
    }
}

/// The message a live-validated field shows: the browser's own check once
/// the user has edited and left the field, otherwise the server's last
/// answer for `field` (until the user edits it again).
pub fn field_message(
    state: FieldState,
    field: Field,
    server_error: Signal<Option<AppError>>,
    check: impl Fn() -> Result<(), String> + Send + Sync + 'static,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let live = (state.touched.get() && state.edited.get())
            .then(|| check().err())
            .flatten();
        live.or_else(|| {
            (!state.edited.get())
                .then(|| server_error.get().and_then(|e| e.field(field)))
                .flatten()
        })
    })
}

/// Makes the server's messages current again whenever it answers `action`.
pub fn on_server_answer<S>(action: ServerAction<S>, fields: Vec<FieldState>)
where
    S: leptos::server_fn::ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.version().get() == 0 {
            return;
        }
        for field in &fields {
            field.edited.set(false);
            field.touched.set(true);
        }
    });
}

/// The error of the last answer to `action`, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Send + Sync + Clone + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}
