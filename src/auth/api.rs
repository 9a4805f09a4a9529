//! The server functions: stable endpoints under `/api/`, taking
//! `application/x-www-form-urlencoded` fields. Each one only checks the CSRF
//! token, validates, calls a service in `crate::server` and redirects; the
//! rules live in the services.

use leptos::prelude::*;

use super::{Access, SessionView};
use crate::error::AppError;

/// The current session as a page needs it (user, CSRF token, notice).
#[server(prefix = "/api", endpoint = "session")]
pub async fn get_session(access: Access) -> Result<SessionView, AppError> {
    use crate::server::{account::request::RequestCtx, account::session_view};

    let ctx = RequestCtx::current().await?;
    Ok(session_view::for_page(&ctx, access).await?)
}

/// Creates an account and signs it in; lands on the dashboard.
#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    email: String,
    password: String,
    confirm_password: String,
    csrf_token: String,
) -> Result<(), AppError> {
    use super::forms::{NewPasswordInput, SignupInput};
    use crate::routes::page;
    use crate::server::{
        account as accounts,
        account::request::RequestCtx,
        account::sign_in::{self, SignInKind},
        account::Registered,
        config::settings::EmailVerification,
    };

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let input = SignupInput {
        email,
        password: NewPasswordInput {
            password,
            confirmation: confirm_password,
        },
    }
    .validate(ctx.state.settings.passwords.password_min_length)
    .map_err(AppError::Invalid)?;
    let registered = accounts::register(&ctx, input).await?;
    match (
        registered,
        ctx.state.settings.verification.email_verification,
    ) {
        (Registered::New(user), EmailVerification::Optional) => {
            sign_in::start(&mut ctx, &user, SignInKind::Signup, false).await?;
            leptos_axum::redirect(page::DASHBOARD);
        }
        // Identical from the outside, whether or not the address was new.
        (registered, _) => {
            sign_in::log_signup(&ctx, &registered).await;
            leptos_axum::redirect(page::CHECK_EMAIL);
        }
    }
    Ok(())
}

/// Signs in; lands on `next` when it is a path on this site, else the
/// dashboard. `remember` (a checkbox: present means checked) makes the
/// session outlive the browser.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
    remember: Option<String>,
) -> Result<(), AppError> {
    use super::forms::LoginInput;
    use crate::server::{
        account::request::RequestCtx, account::sign_in, protection::next_path::safe_next,
    };

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let input = LoginInput { email, password };
    sign_in::log_in(&mut ctx, &input, remember.is_some()).await?;
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

/// Ends this session only; other devices stay signed in. The browser is also
/// told to drop what it cached or stored for this site.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout(csrf_token: String) -> Result<(), AppError> {
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{account::request::RequestCtx, account::sign_in};

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    sign_in::end(&mut ctx).await?;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            axum::http::HeaderName::from_static("clear-site-data"),
            axum::http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
    leptos_axum::redirect(&with_notice(page::LOGIN, Flash::LoggedOut));
    Ok(())
}

/// Mails a fresh confirmation link to the signed-in, unconfirmed account.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification(csrf_token: String) -> Result<(), AppError> {
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::request::RequestCtx, account::verification as email_verification,
    };

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let user = ctx.require_signed_in()?;
    email_verification::resend(&ctx, &user).await?;
    leptos_axum::redirect(&with_notice(page::VERIFY_EMAIL, Flash::VerificationSent));
    Ok(())
}

/// Sends a reset link if the address has an account; answers the same either way.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String, csrf_token: String) -> Result<(), AppError> {
    use super::forms::CanonicalEmail;
    use super::Flash;
    use crate::error::Field;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::password_reset, account::request::RequestCtx, error::ServerError,
    };

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let email = CanonicalEmail::parse_to_look_up(&email)
        .map_err(|message| ServerError::field(Field::Email, message))?;
    password_reset::request(&ctx, &email).await?;
    leptos_axum::redirect(&with_notice(page::FORGOT_PASSWORD, Flash::ResetSent));
    Ok(())
}

/// Sets a new password using the reset link this session followed.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    new_password: String,
    confirm_new_password: String,
    csrf_token: String,
) -> Result<(), AppError> {
    use super::forms::NewPasswordInput;
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::password_reset, account::request::RequestCtx, error::ServerError,
    };

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let input = NewPasswordInput {
        password: new_password,
        confirmation: confirm_new_password,
    };
    match password_reset::reset(&ctx, &input).await {
        Ok(_) => leptos_axum::redirect(&with_notice(page::LOGIN, Flash::PasswordReset)),
        Err(ServerError::LinkInvalid) => {
            leptos_axum::redirect(&with_notice(page::FORGOT_PASSWORD, Flash::LinkInvalid))
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

/// Changes the password; every other session of the account ends.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_new_password: String,
    csrf_token: String,
) -> Result<(), AppError> {
    use super::forms::NewPasswordInput;
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::changes as account_settings, account::request::RequestCtx, account::sign_in,
    };

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let user = ctx.require_user()?;
    let input = NewPasswordInput {
        password: new_password,
        confirmation: confirm_new_password,
    };
    let updated = account_settings::change_password(&ctx, &user, &current_password, &input).await?;
    sign_in::renew(&mut ctx, &updated).await?;
    leptos_axum::redirect(&with_notice(page::SETTINGS, Flash::PasswordChanged));
    Ok(())
}

/// Mails a confirmation link to a new address.
#[server(prefix = "/api", endpoint = "change_email")]
pub async fn change_email(
    current_password: String,
    new_email: String,
    csrf_token: String,
) -> Result<(), AppError> {
    use super::forms::EmailChangeInput;
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::changes as account_settings, account::request::RequestCtx, account::sudo,
    };

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let user = ctx.require_user()?;
    let input = EmailChangeInput { new_email };
    account_settings::request_email_change(&ctx, &user, &current_password, &input).await?;
    sudo::mark_confirmed(&ctx).await?;
    leptos_axum::redirect(&with_notice(page::SETTINGS, Flash::EmailChangeSent));
    Ok(())
}

/// Deletes the account and everything stored for it.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(current_password: String, csrf_token: String) -> Result<(), AppError> {
    use super::Flash;
    use crate::routes::{page, with_notice};
    use crate::server::{
        account::changes as account_settings, account::request::RequestCtx, account::sign_in,
    };

    let mut ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let user = ctx.require_user()?;
    account_settings::delete_account(&ctx, &user, &current_password).await?;
    sign_in::close(&mut ctx).await?;
    leptos_axum::redirect(&with_notice(page::HOME, Flash::AccountDeleted));
    Ok(())
}

/// A page of the signed-in user's own security events.
#[server(prefix = "/api", endpoint = "activity")]
pub async fn get_activity(page: u32) -> Result<super::ActivityPage, AppError> {
    use crate::server::{account::request::RequestCtx, audit::activity, error::ServerError};

    let ctx = RequestCtx::current().await?;
    let user = ctx.require_user()?;
    Ok(activity::page(&ctx.state, user.id, page.min(10_000))
        .await
        .map_err(ServerError::from)?)
}

/// Whether a candidate password appears in the breached-password list. The
/// list is too big for the browser, so it asks; rate-limited per address.
#[server(prefix = "/api", endpoint = "check_password")]
pub async fn check_password(password: String) -> Result<bool, AppError> {
    use crate::server::credentials::breached_passwords;

    if password.chars().count() > super::validation::MAX_PASSWORD_CHARS {
        return Ok(false);
    }
    Ok(breached_passwords::is_breached(&super::validation::nfkc(
        &password,
    )))
}

/// The signed-in user's sessions, newest first.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn list_sessions() -> Result<Vec<super::DeviceItem>, AppError> {
    use crate::server::{account::devices, account::request::RequestCtx};

    let ctx = RequestCtx::current().await?;
    let user = ctx.require_user()?;
    Ok(devices::list(&ctx, &user).await?)
}

/// Signs out one other session (`handle` from the sessions list). Needs
/// sudo mode: without it, the password is asked for first.
#[server(prefix = "/api", endpoint = "revoke_session")]
pub async fn revoke_session(handle: String, csrf_token: String) -> Result<(), AppError> {
    use crate::server::account::sudo::Sensitive;

    run_sensitive(Sensitive::SignOutDevice { handle }, &csrf_token).await
}

/// Signs out every session of the user but this one. Needs sudo mode.
#[server(prefix = "/api", endpoint = "revoke_other_sessions")]
pub async fn revoke_other_sessions(csrf_token: String) -> Result<(), AppError> {
    use crate::server::account::sudo::Sensitive;

    run_sensitive(Sensitive::SignOutOtherDevices, &csrf_token).await
}

#[cfg(feature = "ssr")]
async fn run_sensitive(
    action: crate::server::account::sudo::Sensitive,
    csrf_token: &str,
) -> Result<(), AppError> {
    use crate::server::{account::request::RequestCtx, account::sudo};

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(csrf_token).await?;
    let user = ctx.require_user()?;
    let target = sudo::run_or_defer(&ctx, &user, action).await?;
    leptos_axum::redirect(&target);
    Ok(())
}

/// Confirms the password (sudo mode), then finishes what was waiting for it
/// or goes to `next`.
#[server(prefix = "/api", endpoint = "confirm_password")]
pub async fn confirm_password(
    password: String,
    csrf_token: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{account::request::RequestCtx, account::sudo};

    let ctx = RequestCtx::current().await?;
    ctx.require_csrf(&csrf_token).await?;
    let user = ctx.require_user()?;
    let target = sudo::confirm(&ctx, &user, &password, next.as_deref()).await?;
    leptos_axum::redirect(&target);
    Ok(())
}
