//! `/confirm-password`: sudo mode asks for the password again before a
//! sensitive action, then finishes it (the server kept it) or returns to
//! `next`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::routes::page;
use crate::{
    app::components::{action_error, CsrfField, FieldMessage, FormAlert, Page, SubmitButton},
    auth::{api::ConfirmPassword, Access, SessionView},
    error::Field,
};

#[component]
pub fn ConfirmPasswordPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmPassword>::new();
    let query = use_query_map();
    view! {
        <Page title="Confirm your password" access=Access::SignedIn render=move |session: SessionView| {
            let next = query.read_untracked().get("next").unwrap_or_default();
            let cancel = local_path(&next).unwrap_or(page::SETTINGS).to_owned();
            let error = action_error(confirm);
            let message = Signal::derive(move || error.get().and_then(|e| e.field(Field::CurrentPassword)));
            let email = session.user.map(|u| u.email).unwrap_or_default();
            view! {
                <div class="card">
                    <h1>"Confirm your password"</h1>
                    <p class="hint">"For your security, enter your password again to continue. You will not be asked again for a few minutes."</p>
                    <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                        <CsrfField token=session.csrf_token/>
                        <input type="hidden" name="next" value=next/>
                        // Lets password managers pick the right entry.
                        <input type="hidden" name="username" autocomplete="username" value=email/>
                        <div class="field">
                            <label for="password">"Password"</label>
                            <input id="password" name="password" type="password" autocomplete="current-password"
                                required autofocus aria-describedby="password-error"/>
                            <FieldMessage id="password" message/>
                        </div>
                        <FormAlert error/>
                        <SubmitButton label="Confirm" busy_label="Checking…" pending=confirm.pending()/>
                    </ActionForm>
                    <p class="aside"><a href=cancel>"Cancel"</a></p>
                </div>
            }
        }/>
    }
}

/// `path` if it is a plain path on this site (the server checks `next`
/// thoroughly; this only keeps the Cancel link on the site). Plain means
/// letters, digits and `/-_.?=&` only: no escapes a browser could decode or
/// strip into `//host` (`/%09/host`), no dot segments.
fn local_path(path: &str) -> Option<&str> {
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.?=&".contains(c));
    (plain && path.starts_with('/') && !path.starts_with("//") && !path.contains(".."))
        .then_some(path)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn the_cancel_link_stays_on_the_site() {
        assert_eq!(local_path("/settings/sessions"), Some("/settings/sessions"));
        for bad in [
            "//evil.test",
            "/\\evil.test",
            "/%09/evil.test",
            "/\t/evil.test",
            "/..//evil.test",
            "https://evil.test",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
