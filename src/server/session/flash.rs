//! One-time notices carried in the session to the next page.

use tower_sessions::Session;

use crate::auth::Flash;

const FLASH_KEY: &str = "gh.flash";

/// Leaves a notice for the next page.
pub async fn set(session: &Session, flash: Flash) -> Result<(), tower_sessions::session::Error> {
    session.insert(FLASH_KEY, flash).await
}

/// Takes the pending notice, if any. Reading alone never marks the session
/// modified, so pages without a notice cost no session write.
pub async fn take(session: &Session) -> Result<Option<Flash>, tower_sessions::session::Error> {
    let flash = session.get::<Flash>(FLASH_KEY).await?;
    if flash.is_some() {
        session.remove_value(FLASH_KEY).await?;
    }
    Ok(flash)
}
