//! `/settings/sessions`: where the account is signed in, and signing out
//! other devices. Signing out needs a recent password (sudo mode); without
//! one the server sends the browser to `/confirm-password` first.

use leptos::prelude::*;

use crate::{
    app::components::{action_error, CsrfField, FormAlert, Page, SubmitButton},
    auth::{
        api::{list_sessions, RevokeOtherSessions, RevokeSession},
        Access, DeviceItem, SessionView,
    },
};

#[component]
pub fn SessionsPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let revoke_others = ServerAction::<RevokeOtherSessions>::new();
    // Reload the list after each sign-out done in place.
    let sessions = Resource::new_blocking(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_sessions(),
    );
    view! {
        <Page title="Your devices" access=Access::SignedIn render=move |session: SessionView| {
            let csrf = session.csrf_token;
            view! {
                <div class="card wide">
                    <h1>"Your devices"</h1>
                    <p class="hint">"Where your account is signed in now, newest first. Do not recognise one? Sign it out, then change your password."</p>
                    <FormAlert error=action_error(revoke)/>
                    <FormAlert error=action_error(revoke_others)/>
                    <Suspense fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                        {
                            let csrf = csrf.clone();
                            move || {
                                let csrf = csrf.clone();
                                Suspend::new(async move {
                                    match sessions.await {
                                        Ok(items) => view! {
                                            <DeviceList items revoke revoke_others csrf/>
                                        }.into_any(),
                                        Err(error) => view! {
                                            <p class="form-error" role="alert">{error.to_string()}</p>
                                        }.into_any(),
                                    }
                                })
                            }
                        }
                    </Suspense>
                </div>
            }
        }/>
    }
}

#[component]
fn DeviceList(
    items: Vec<DeviceItem>,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
    csrf: String,
) -> impl IntoView {
    let others = items.iter().any(|item| !item.current);
    let rows = items
        .into_iter()
        .map(|item| view! { <DeviceRow item revoke csrf=csrf.clone()/> })
        .collect_view();
    view! {
        <ul class="devices" data-testid="sessions">{rows}</ul>
        {others.then(|| view! {
            <ActionForm action=revoke_others attr:class="form">
                <CsrfField token=csrf/>
                <SubmitButton label="Sign out of all other devices" busy_label="Signing out…"
                    pending=revoke_others.pending()/>
            </ActionForm>
        })}
    }
}

#[component]
fn DeviceRow(item: DeviceItem, revoke: ServerAction<RevokeSession>, csrf: String) -> impl IntoView {
    let where_from = item.client.unwrap_or_else(|| "unknown address".into());
    let remembered = item.remembered.then_some(" · remembered");
    let handle = item.handle.clone();
    let pending = Signal::derive(move || {
        revoke.pending().get()
            && revoke
                .input()
                .with(|input| input.as_ref().is_some_and(|i| i.handle == handle))
    });
    view! {
        <li data-testid="session" data-current=item.current.to_string()>
            <div class="device">
                <strong>{item.device}{item.current.then(|| view! { <span class="badge">"This device"</span> })}</strong>
                <span class="facts-line">
                    {where_from}" · signed in "<time title=item.signed_in_at>{item.signed_in}</time>
                    " · last active "{item.last_seen}{remembered}
                </span>
            </div>
            {(!item.current).then(|| view! {
                <ActionForm action=revoke>
                    <CsrfField token=csrf/>
                    <input type="hidden" name="handle" value=item.handle/>
                    <SubmitButton label="Sign out" busy_label="Signing out…" pending secondary=true/>
                </ActionForm>
            })}
        </li>
    }
}
