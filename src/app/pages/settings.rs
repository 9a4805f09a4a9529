//! `/settings`: change password, change email, delete the account. Each
//! needs the current password.

use leptos::prelude::*;

use crate::routes::page;
use crate::{
    app::components::{
        action_error, on_server_answer, CsrfField, FieldMessage, FieldState, FormAlert,
        NewPasswordInputs, Page, SubmitButton,
    },
    auth::{
        api::{ChangeEmail, ChangePassword, DeleteAccount},
        Access, CurrentUser, SessionView,
    },
    error::{AppError, Field},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let change_password = ServerAction::<ChangePassword>::new();
    let change_email = ServerAction::<ChangeEmail>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    view! {
        <Page title="Settings" access=Access::SignedIn render=move |session: SessionView| {
            session.user.clone().map(|user| view! {
                <div class="stack">
                    <h1>"Settings"</h1>
                    <p><a href=page::SESSIONS>"Your devices"</a>": where you are signed in; sign out the ones you do not use."</p>
                    <p><a href=page::ACTIVITY>"Security activity"</a>": recent sign-ins and changes to your account."</p>
                    <PasswordSection action=change_password session=session.clone() user=user.clone()/>
                    <EmailSection action=change_email session=session.clone() user=user.clone()/>
                    <DeleteSection action=delete_account session=session.clone()/>
                </div>
            })
        }/>
    }
}

/// A password field whose `id` differs from its `name` (three forms on this
/// page each ask for the current password).
#[component]
fn CurrentPassword(id: &'static str, error: Signal<Option<AppError>>) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field(Field::CurrentPassword)));
    view! {
        <div class="field">
            <label for=id>"Current password"</label>
            <input id=id name="current_password" type="password" autocomplete="current-password" required
                aria-describedby=format!("{id}-error")/>
            <FieldMessage id message/>
        </div>
    }
}

#[component]
fn PasswordSection(
    action: ServerAction<ChangePassword>,
    session: SessionView,
    user: CurrentUser,
) -> impl IntoView {
    let password = FieldState::new();
    let confirm = FieldState::new();
    on_server_answer(action, vec![password, confirm]);
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="change-password-title">
            <h2 id="change-password-title">"Change password"</h2>
            <p class="hint">"Your other devices will be signed out."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField token=session.csrf_token/>
                <CurrentPassword id="password-current" error/>
                <NewPasswordInputs password confirm min_chars=session.password_min_length
                    email=user.email server_error=error/>
                <FormAlert error/>
                <SubmitButton label="Change password" busy_label="Saving…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn EmailSection(
    action: ServerAction<ChangeEmail>,
    session: SessionView,
    user: CurrentUser,
) -> impl IntoView {
    let error = action_error(action);
    let new_email_message =
        Signal::derive(move || error.get().and_then(|e| e.field(Field::NewEmail)));
    view! {
        <section class="card" aria-labelledby="change-email-title">
            <h2 id="change-email-title">"Change email"</h2>
            <p class="hint">"Now: " <strong>{user.email}</strong>". We will send a link to the new address; it takes effect when you open it."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField token=session.csrf_token/>
                <CurrentPassword id="email-current" error/>
                <div class="field">
                    <label for="new_email">"New email"</label>
                    <input id="new_email" name="new_email" type="email" autocomplete="email" required
                        aria-describedby="new_email-error"/>
                    <FieldMessage id="new_email" message=new_email_message/>
                </div>
                <FormAlert error/>
                <SubmitButton label="Change email" busy_label="Sending…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteSection(action: ServerAction<DeleteAccount>, session: SessionView) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card danger" aria-labelledby="delete-account-title">
            <h2 id="delete-account-title">"Delete account"</h2>
            <p class="hint">"This deletes your account and everything stored for it, at once. It cannot be undone."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <CsrfField token=session.csrf_token/>
                <CurrentPassword id="delete-current" error/>
                <FormAlert error/>
                <SubmitButton label="Delete account" busy_label="Deleting…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
