//! `/login`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::routes::page;
use crate::{
    app::components::{action_error, CsrfField, FormAlert, Page, SubmitButton},
    auth::{api::Login, Access, SessionView},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    // Created here, inside the route, so an error from a no-JS post (carried
    // back in the URL) reaches this form.
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    view! {
        <Page title="Log in" access=Access::GuestOnly render=move |session: SessionView| {
            let next = query.read_untracked().get("next").unwrap_or_default();
            let error = action_error(login);
            view! {
                <div class="card">
                    <h1>"Log in"</h1>
                    <ActionForm action=login attr:class="form" attr:novalidate=true>
                        <CsrfField token=session.csrf_token/>
                        <input type="hidden" name="next" value=next/>
                        <div class="field">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="username" required/>
                        </div>
                        <div class="field">
                            <div class="label-row">
                                <label for="password">"Password"</label>
                                <a href=page::FORGOT_PASSWORD>"Forgot password?"</a>
                            </div>
                            <input id="password" name="password" type="password" autocomplete="current-password" required/>
                        </div>
                        <div class="field checkbox">
                            <input id="remember" name="remember" type="checkbox" value="on" aria-describedby="remember-hint"/>
                            <label for="remember">"Remember me"</label>
                            <p class="hint" id="remember-hint">"Stay signed in after closing the browser. Not on a shared computer."</p>
                        </div>
                        <FormAlert error/>
                        <SubmitButton label="Log in" busy_label="Logging in…" pending=login.pending()/>
                    </ActionForm>
                    <p class="aside">"New here? " <a href=page::SIGNUP>"Create an account"</a></p>
                </div>
            }
        }/>
    }
}
