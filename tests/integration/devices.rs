//! What the tests of devices, signing out, sudo mode and renewal share: a
//! user signed in on three browsers, the devices page read back as rows, and
//! a browser's session as the store holds it.

use tower_sessions::{
    session::{Id, Record},
    SessionStore as _,
};

use crate::support::*;

/// A Firefox on Linux, the laptop.
pub const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
/// A Chrome on Windows, the desktop.
pub const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
     (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/// A Safari on an iPhone, the phone.
pub const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) \
     AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// The devices page's rows, as text, in page order.
pub fn rows(html: &str) -> Vec<String> {
    html.split("data-testid=\"session\"")
        .skip(1)
        .map(|row| row[..row.find("</li>").unwrap()].replace("<!>", ""))
        .collect()
}

/// `email` signed in on three browsers, one second apart: laptop, desktop, phone.
pub async fn three_devices(app: &TestApp, email: &str) -> (Browser, Browser, Browser) {
    let laptop = app.browser_as(FIREFOX_LINUX);
    laptop.signup(email, PASSWORD).await;
    let link = app.link_in_mail(email, "verify_email").await;
    laptop.get(&link).await;
    let mut devices = Vec::new();
    for (browser, _) in [
        (laptop, FIREFOX_LINUX),
        (app.browser_as(CHROME_WINDOWS), CHROME_WINDOWS),
        (app.browser_as(SAFARI_IPHONE), SAFARI_IPHONE),
    ] {
        app.clock.advance(1);
        let response = browser.login(email, PASSWORD).await;
        assert_eq!(location(&response), "/dashboard");
        devices.push(browser);
    }
    let phone = devices.pop().unwrap();
    let desktop = devices.pop().unwrap();
    let laptop = devices.pop().unwrap();
    (laptop, desktop, phone)
}

/// The id of a browser's session and the session as the store holds it, as a
/// request in flight would have read it.
pub async fn stored_session(app: &TestApp, browser: &Browser) -> (Id, Record) {
    let cookie = browser.session_cookie().unwrap();
    let id: Id = cookie.trim_start_matches("gatehouse=").parse().unwrap();
    let record = app.state().sessions.load(&id).await.unwrap().unwrap();
    (id, record)
}
