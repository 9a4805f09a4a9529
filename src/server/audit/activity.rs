//! The activity page's words for the security log.

use crate::auth::{ActivityItem, ActivityPage};
use crate::server::{
    audit::user_agent,
    audit::{self, EventKind, StoredEvent},
    platform::clock::format_utc,
    platform::core::Core,
};

/// Events per page.
pub const PER_PAGE: u32 = 20;

/// One page of a user's own events, newest first, in plain words.
pub async fn page(state: &Core, user_id: i64, page: u32) -> Result<ActivityPage, sqlx::Error> {
    let (events, has_more) = audit::for_user(state, user_id, page, PER_PAGE).await?;
    let now = state.clock.unix();
    Ok(ActivityPage {
        items: events.iter().map(|e| item(e, now)).collect(),
        page,
        has_more,
    })
}

fn item(event: &StoredEvent, now: i64) -> ActivityItem {
    let what = EventKind::parse(&event.kind).map_or("Something happened", sentence);
    let mut text = what.to_owned();
    let agent = event.user_agent.as_deref().map(user_agent::describe);
    match (agent, event.client.as_deref()) {
        (Some(agent), Some(client)) => text.push_str(&format!(" from {agent}, {client}")),
        (None, Some(client)) => text.push_str(&format!(" from {client}")),
        (Some(agent), None) => text.push_str(&format!(" from {agent}")),
        (None, None) => {}
    }
    ActivityItem {
        text,
        when: relative(now - event.at),
        at: format_utc(event.at),
    }
}

fn sentence(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Signup => "Created the account",
        EventKind::SignupExistingAddress => "Someone tried to sign up again with this address",
        EventKind::EmailVerified => "Confirmed the email address",
        EventKind::VerificationSent => "Asked for a new confirmation link",
        EventKind::LoginSucceeded => "Signed in",
        EventKind::LoginFailed => "Failed sign-in attempt",
        EventKind::LoginThrottled => "Sign-in attempt refused after too many failures",
        EventKind::RateLimited => "Too many requests",
        EventKind::Logout => "Signed out",
        EventKind::SessionExpired => "Session expired",
        EventKind::PasswordChanged => "Changed the password",
        EventKind::PasswordResetRequested => "Asked for a password reset link",
        EventKind::PasswordReset => "Reset the password",
        EventKind::EmailChangeRequested => "Asked to change the email address",
        EventKind::EmailChanged => "Changed the email address",
        EventKind::AccountDeleted => "Deleted the account",
        EventKind::PasswordConfirmed => "Confirmed the password",
        EventKind::SessionRevoked => "Signed out another device",
        EventKind::OtherSessionsRevoked => "Signed out all other devices",
    }
}

/// "just now", "3 minutes ago", "2 hours ago", "5 days ago".
pub fn relative(secs: i64) -> String {
    let (value, unit) = match secs {
        ..=59 => return "just now".into(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86399 => (secs / 3600, "hour"),
        _ => (secs / 86400, "day"),
    };
    format!("{value} {unit}{} ago", if value == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative(5), "just now");
        assert_eq!(relative(180), "3 minutes ago");
        assert_eq!(relative(3600), "1 hour ago");
        assert_eq!(relative(3 * 86400), "3 days ago");
    }
}
