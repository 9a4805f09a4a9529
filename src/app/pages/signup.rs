//! `/signup`, with the same validation messages as the server, live as the
//! user types (once a field has been left), and a strength hint.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    app::components::{CsrfField, FieldState, FormAlert, LiveInput, Page, SubmitButton},
    auth::{
        api::Signup,
        validation::{
            canonical_email, check_confirmation, check_email, check_password, estimate_strength,
            nfkc,
        },
        Access, SessionView,
    },
    error::{AppError, Field},
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
    let server_error = Signal::derive(move || action.value().get().and_then(|r| r.err()));

    // A new answer from the server makes its messages current again.
    Effect::new(move |_| {
        if action.version().get() == 0 {
            return;
        }
        for field in [email, password, confirm] {
            field.edited.set(false);
            field.touched.set(true);
        }
    });

    let live = move |field: Field| -> Option<String> {
        let canonical = canonical_email(&email.value.get());
        let pw = nfkc(&password.value.get());
        let (state, result) = match field {
            Field::Email => (email, check_email(&canonical)),
            Field::Password => (password, check_password(&pw, &canonical, min_chars)),
            Field::ConfirmPassword => (
                confirm,
                check_confirmation(&pw, &nfkc(&confirm.value.get())),
            ),
        };
        (state.touched.get() && state.edited.get())
            .then(|| result.err())
            .flatten()
    };
    let message = move |field: Field, state: FieldState| {
        Signal::derive(move || {
            live(field).or_else(|| {
                (!state.edited.get())
                    .then(|| server_error.get().and_then(|e: AppError| e.field(field)))
                    .flatten()
            })
        })
    };
    let email_message = message(Field::Email, email);
    let password_message = message(Field::Password, password);
    let confirm_message = message(Field::ConfirmPassword, confirm);
    let strength = move || {
        let pw = password.value.get();
        (!pw.is_empty()).then(|| estimate_strength(&nfkc(&pw), min_chars))
    };

    view! {
        <div class="card">
            <h1>"Create your account"</h1>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField token=session.csrf_token/>
                <LiveInput id="email" label="Email" input_type="email" autocomplete="email"
                    state=email message=email_message/>
                <LiveInput id="password" label="Password" input_type="password" autocomplete="new-password"
                    state=password message=password_message>
                    <p class="hint" id="password-hint">
                        {format!("At least {min_chars} characters. Spaces and any characters are welcome; a few unrelated words work well.")}
                    </p>
                    {move || strength().map(|s| view! {
                        <p class="strength" data-level=s.level() aria-live="polite" data-testid="strength">
                            <span class="meter" aria-hidden="true"><span></span></span>
                            {format!("Strength: {}", s.label())}
                        </p>
                    })}
                </LiveInput>
                <LiveInput id="confirm_password" label="Confirm password" input_type="password"
                    autocomplete="new-password" state=confirm message=confirm_message/>
                <FormAlert error=server_error/>
                <SubmitButton label="Create account" busy_label="Creating account…" pending=action.pending()/>
            </ActionForm>
            <p class="aside">"Already have an account? " <A href="/login">"Log in"</A></p>
        </div>
    }
}
