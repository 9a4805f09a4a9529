//! `/settings/activity`: the signed-in user's own security events.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::routes::page;
use crate::{
    app::components::Page,
    auth::{api::get_activity, Access, ActivityPage, SessionView},
};

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let activity = Resource::new_blocking(page, get_activity);
    view! {
        <Page title="Security activity" access=Access::SignedIn render=move |_session: SessionView| view! {
            <div class="card wide">
                <h1>"Security activity"</h1>
                <p class="hint">"Sign-ins and changes to your account, newest first. Anything you do not recognise? "
                    <a href=page::SETTINGS>"Change your password"</a>"."</p>
                <Suspense fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match activity.await {
                            Ok(page) => view! { <ActivityList page/> }.into_any(),
                            Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        }/>
    }
}

#[component]
fn ActivityList(page: ActivityPage) -> impl IntoView {
    let newer = (page.page > 0).then(|| format!("{}?page={}", page::ACTIVITY, page.page - 1));
    let older = page
        .has_more
        .then(|| format!("{}?page={}", page::ACTIVITY, page.page + 1));
    let empty = page.items.is_empty();
    view! {
        <ol class="activity" data-testid="activity">
            {page.items.into_iter().map(|item| view! {
                <li>
                    <span class="what">{item.text}</span>
                    <time title=item.at>{item.when}</time>
                </li>
            }).collect_view()}
        </ol>
        {empty.then(|| view! { <p>"Nothing yet."</p> })}
        <nav class="pager" aria-label="Pages">
            {newer.map(|href| view! { <a href=href>"Newer"</a> })}
            {older.map(|href| view! { <a href=href>"Older"</a> })}
        </nav>
    }
}
