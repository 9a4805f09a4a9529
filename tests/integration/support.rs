//! Test harness: a real server per test and a browser-like HTTP client.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

pub use gatehouse::auth::Access;
use gatehouse::server::{
    config::settings::{PasswordSettings, Settings, SiteSettings, ThrottleSettings},
    http::serve::Server,
    platform::clock::Clock,
    state::AppState,
};
use reqwest::{
    cookie::{CookieStore, Jar},
    header::{HeaderMap, HeaderValue, ACCEPT, ORIGIN, REFERER},
    redirect::Policy,
    Response,
};

/// A password that satisfies the default policy.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server with its own database.
pub struct TestApp {
    pub base: String,
    pub clock: Clock,
    pub data_dir: PathBuf,
    server: Server,
}

/// A unique, empty folder for one test's data.
pub fn fresh_data_dir() -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "it-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Test settings: port 0, a fresh data folder, bcrypt cost 4, and
/// per-address rate limits out of the way (every test client is 127.0.0.1;
/// the rate-limit tests set their own).
pub fn test_settings(data_dir: PathBuf) -> Settings {
    Settings {
        site: SiteSettings {
            site_addr: "127.0.0.1:0".parse().unwrap(),
            data_dir,
            ..SiteSettings::default()
        },
        passwords: PasswordSettings {
            bcrypt_cost: 4,
            ..PasswordSettings::default()
        },
        throttles: ThrottleSettings {
            rate_limit_login_per_minute: 10_000,
            rate_limit_signup_per_minute: 10_000,
            rate_limit_password_reset_per_minute: 10_000,
            rate_limit_resend_verification_per_minute: 10_000,
            rate_limit_password_check_per_minute: 10_000,
            rate_limit_new_sessions_per_minute: 10_000,
            ..ThrottleSettings::default()
        },
        ..Settings::default()
    }
}

/// Starts a server where signup signs in at once (verification optional).
pub async fn spawn_optional_verification() -> TestApp {
    spawn_with(|s| {
        s.verification.email_verification =
            gatehouse::server::config::settings::EmailVerification::Optional
    })
    .await
}

/// Starts a server with the default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_with(|_| {}).await
}

/// Starts a server after adjusting the test settings.
pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_test_log();
    let mut settings = test_settings(fresh_data_dir());
    configure(&mut settings);
    let data_dir = settings.site.data_dir.clone();
    let clock = Clock::frozen();
    let server = Server::start(settings, clock.clone())
        .await
        .expect("the server starts");
    TestApp {
        base: format!("http://{}", server.addr),
        clock,
        data_dir,
        server,
    }
}

impl TestApp {
    pub fn state(&self) -> &AppState {
        &self.server.state
    }

    /// A new browser: its own cookie jar, redirects not followed.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A new browser that names itself with `user_agent`.
    pub fn browser_as(&self, user_agent: &str) -> Browser {
        Browser::with_agent(&self.base, Some(user_agent))
    }

    /// A browser that has signed up `email`, confirmed the address from the
    /// outbox, and signed in.
    pub async fn signed_up(&self, email: &str) -> Browser {
        let browser = self.browser();
        let response = browser.signup(email, PASSWORD).await;
        assert_eq!(response.status(), 302, "signup should redirect");
        assert_eq!(location(&response), "/check-email");
        let canonical = gatehouse::auth::validation::canonical_email(email);
        let link = self.link_in_mail(&canonical, "verify_email").await;
        let response = browser.get(&link).await;
        assert_eq!(location(&response), "/login?notice=email_verified");
        let response = browser.login(email, PASSWORD).await;
        assert_eq!(
            location(&response),
            "/dashboard",
            "login after verification"
        );
        browser
    }

    /// A new browser signed in to the account `email` with [`PASSWORD`]:
    /// another device of its owner.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let browser = self.browser();
        let response = browser.login(email, PASSWORD).await;
        assert_eq!(location(&response), "/dashboard", "login as {email}");
        browser
    }

    /// A browser that has signed up `email` and signed in without confirming
    /// the address.
    pub async fn unconfirmed(&self, email: &str) -> Browser {
        let browser = self.browser();
        let response = browser.signup(email, PASSWORD).await;
        assert_eq!(location(&response), "/check-email", "signup as {email}");
        let response = browser.login(email, PASSWORD).await;
        assert_eq!(location(&response), "/dashboard", "login as {email}");
        browser
    }

    /// Where a login from a new browser lands (its `Location`).
    pub async fn login_redirect(&self, email: &str, password: &str) -> String {
        location(&self.browser().login(email, password).await)
    }

    /// Asserts that `password` signs `email` in from a new browser: the
    /// login form redirects to the dashboard.
    pub async fn assert_can_log_in(&self, email: &str, password: &str) {
        let response = self.browser().login(email, password).await;
        assert_eq!(response.status(), 302, "login as {email}");
        assert_eq!(location(&response), "/dashboard", "login as {email}");
    }

    /// Asserts that a login as `email` from a new browser is refused: the
    /// form comes back with an error.
    pub async fn assert_cannot_log_in(&self, email: &str, password: &str) {
        let target = self.login_redirect(email, password).await;
        assert!(target.contains("__err"), "login as {email}: {target}");
    }

    /// A new browser running the app's JavaScript.
    pub fn browser_with_js(&self) -> Browser {
        self.browser().with_js()
    }

    /// The one value that `sql` selects.
    pub async fn scalar<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin + sqlx::Type<sqlx::Sqlite> + for<'r> sqlx::Decode<'r, sqlx::Sqlite>,
    {
        sqlx::query_scalar(sql)
            .fetch_one(&self.state().pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Every value of the one column that `sql` selects.
    pub async fn column<T>(&self, sql: &str) -> Vec<T>
    where
        T: Send + Unpin + sqlx::Type<sqlx::Sqlite> + for<'r> sqlx::Decode<'r, sqlx::Sqlite>,
    {
        sqlx::query_scalar(sql)
            .fetch_all(&self.state().pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Waits for a message of `kind` (e.g. `verify_email`) to `to` to be
    /// delivered to the outbox, and returns the newest such message.
    pub async fn mail(&self, to: &str, kind: &str) -> OutboxMail {
        self.nth_mail(to, kind, 1).await.pop().unwrap()
    }

    /// Waits until at least `n` messages of `kind` to `to` are in the outbox,
    /// and returns them all, oldest first.
    pub async fn nth_mail(&self, to: &str, kind: &str, n: usize) -> Vec<OutboxMail> {
        let mut deliveries = self.state().mailer.activity();
        loop {
            let found: Vec<OutboxMail> = self
                .outbox()
                .into_iter()
                .filter(|m| m.to == to && m.kind == kind)
                .collect();
            if found.len() >= n {
                return found;
            }
            tokio::time::timeout(std::time::Duration::from_secs(10), deliveries.changed())
                .await
                .unwrap_or_else(|_| panic!("no {kind} mail #{n} to {to} was delivered"))
                .unwrap();
        }
    }

    /// The path and query of the link in the newest `kind` mail to `to`.
    pub async fn link_in_mail(&self, to: &str, kind: &str) -> String {
        let mail = self.mail(to, kind).await;
        self.link_in(&mail)
    }

    /// The path and query of the link in a message.
    pub fn link_in(&self, mail: &OutboxMail) -> String {
        let start = mail
            .text
            .find(&self.base)
            .unwrap_or_else(|| panic!("no link to {} in {}", self.base, mail.text))
            + self.base.len();
        mail.text[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    /// Every delivered message, oldest first.
    pub fn outbox(&self) -> Vec<OutboxMail> {
        let Ok(entries) = std::fs::read_dir(self.data_dir.join("outbox")) else {
            return Vec::new();
        };
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        names.iter().map(|path| OutboxMail::read(path)).collect()
    }

    /// Number of accounts in the database.
    pub async fn user_count(&self) -> i64 {
        self.scalar("SELECT COUNT(*) FROM users").await
    }

    /// Number of server-side sessions belonging to signed-in users.
    pub async fn signed_in_session_count(&self) -> i64 {
        self.scalar("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .await
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

/// A delivered message, read back from its `.eml` file.
#[derive(Debug, Clone)]
pub struct OutboxMail {
    pub kind: String,
    pub to: String,
    pub subject: String,
    /// The whole message with quoted-printable soft breaks undone.
    pub text: String,
}

impl OutboxMail {
    fn read(path: &std::path::Path) -> OutboxMail {
        let raw = std::fs::read_to_string(path).unwrap();
        let text = raw.replace("=\r\n", "").replace("=3D", "=");
        let header = |name: &str| {
            raw.lines()
                .find_map(|line| line.strip_prefix(name))
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        OutboxMail {
            kind: stem
                .split_once('-')
                .map(|(_, kind)| kind.to_owned())
                .unwrap_or_default(),
            to: header("To: "),
            subject: header("Subject: "),
            text,
        }
    }
}

/// What a page load asks for.
const HTML: &str = "text/html,application/xhtml+xml";
/// What the hydrated app's server-function calls ask for.
const JSON: &str = "application/json";

/// A cookie-jar HTTP client that talks like a browser.
///
/// Its endpoint methods (`signup`, `login`, `change_password`, ...) submit
/// the form for one server function the way a browser without JavaScript
/// does: the page the form is on is loaded for its CSRF token, and the post
/// answers with a 302. [`Browser::with_js`] is the same browser running the
/// app, whose posts answer with a 200 and a `serverfnredirect` header.
/// [`Browser::with_csrf_token`] sends a token of the test's choosing, and
/// [`Browser::post_form`] / [`Browser::post_fetch`] send any body at all.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub jar: Arc<Jar>,
    pub base: String,
    /// The `Accept` header of the endpoint methods' posts.
    accept: &'static str,
    /// A token the endpoint methods send instead of their form's.
    csrf_token: Option<String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser::with_agent(base, None)
    }

    pub fn with_agent(base: &str, user_agent: Option<&str>) -> Browser {
        let jar = Arc::new(Jar::default());
        let mut builder = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .redirect(Policy::none());
        if let Some(agent) = user_agent {
            builder = builder.user_agent(agent);
        }
        let client = builder.build().unwrap();
        Browser {
            client,
            jar,
            base: base.to_owned(),
            accept: HTML,
            csrf_token: None,
        }
    }

    /// This browser (same cookies) running the app: the endpoint methods
    /// call the server functions as the hydrated app does.
    pub fn with_js(&self) -> Browser {
        Browser {
            accept: JSON,
            ..self.clone()
        }
    }

    /// This browser (same cookies), with the endpoint methods posting
    /// `token` as the CSRF token instead of the one in their form.
    pub fn with_csrf_token(&self, token: &str) -> Browser {
        Browser {
            csrf_token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A page load (`Accept: text/html`).
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .header(ACCEPT, HTML)
            .send()
            .await
            .unwrap()
    }

    /// The body of a page load that must succeed.
    pub async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// Where a page load of `path` redirects to (empty when it does not).
    pub async fn redirect_from(&self, path: &str) -> String {
        location(&self.get(path).await)
    }

    /// Asserts that the page at `path` loads and shows `text`.
    pub async fn assert_shows(&self, path: &str, text: &str) {
        let html = self.page(path).await;
        assert!(
            html.contains(text),
            "{path} does not show {text:?}:\n{html}"
        );
    }

    /// The CSRF token from the form on `path`.
    pub async fn csrf_token(&self, path: &str) -> String {
        csrf_token_in(&self.page(path).await)
    }

    fn same_origin_headers(&self, referer_path: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, HeaderValue::from_str(&self.base).unwrap());
        headers.insert(
            REFERER,
            HeaderValue::from_str(&self.url(referer_path)).unwrap(),
        );
        headers
    }

    async fn post(
        &self,
        path: &str,
        from_page: &str,
        accept: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.client
            .post(self.url(path))
            .headers(self.same_origin_headers(from_page))
            .header(ACCEPT, accept)
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_form(
        &self,
        path: &str,
        from_page: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.post(path, from_page, HTML, fields).await
    }

    /// A server-function call, as the hydrated app sends it.
    pub async fn post_fetch(
        &self,
        path: &str,
        from_page: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.post(path, from_page, JSON, fields).await
    }

    /// Calls `/api/{endpoint}` from `from_page` with `fields` and no token.
    async fn call(&self, endpoint: &str, from_page: &str, fields: &[(&str, &str)]) -> Response {
        self.post(&format!("/api/{endpoint}"), from_page, self.accept, fields)
            .await
    }

    /// Submits the form for `/api/{endpoint}` that is on `form_page`: the
    /// `fields` and the CSRF token from that page. For what the endpoint
    /// methods never send, such as a form with fields missing.
    pub async fn submit(
        &self,
        endpoint: &str,
        form_page: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.submit_from(endpoint, form_page, form_page, fields)
            .await
    }

    /// As [`Browser::submit`], for a form whose token is read from
    /// `token_page` and which posts from `from_page`.
    async fn submit_from(
        &self,
        endpoint: &str,
        token_page: &str,
        from_page: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let token = match &self.csrf_token {
            Some(token) => token.clone(),
            None => self.csrf_token(token_page).await,
        };
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.call(endpoint, from_page, &fields).await
    }

    /// Signs up, typing the password twice.
    pub async fn signup(&self, email: &str, password: &str) -> Response {
        self.signup_with_confirmation(email, password, password)
            .await
    }

    /// Signs up with a separate confirmation.
    pub async fn signup_with_confirmation(
        &self,
        email: &str,
        password: &str,
        confirm_password: &str,
    ) -> Response {
        self.submit(
            "signup",
            "/signup",
            &[
                ("email", email),
                ("password", password),
                ("confirm_password", confirm_password),
            ],
        )
        .await
    }

    /// Logs in (an empty `next`).
    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.login_with_next(email, password, "").await
    }

    /// Logs in from a login page that was asked to go on to `next`.
    pub async fn login_with_next(&self, email: &str, password: &str, next: &str) -> Response {
        self.submit(
            "login",
            "/login",
            &[("email", email), ("password", password), ("next", next)],
        )
        .await
    }

    /// Logs in with "Remember me" ticked.
    pub async fn login_remembered(&self, email: &str, password: &str) -> Response {
        self.submit(
            "login",
            "/login",
            &[("email", email), ("password", password), ("remember", "on")],
        )
        .await
    }

    /// Logs out through the nav's form.
    pub async fn logout(&self) -> Response {
        self.submit("logout", "/dashboard", &[]).await
    }

    /// "Resend verification email" on the confirmation page.
    pub async fn resend_verification(&self) -> Response {
        self.submit("resend_verification", "/verify-email", &[])
            .await
    }

    /// Asks for a reset link on the "Forgot password" page.
    pub async fn request_password_reset(&self, email: &str) -> Response {
        self.submit(
            "request_password_reset",
            "/forgot-password",
            &[("email", email)],
        )
        .await
    }

    /// Sets a new password (typed twice) with the reset link this browser
    /// followed. Any page's form carries the session's token; the reset form
    /// is only shown while the link works, so the token is read from the
    /// "Forgot password" page.
    pub async fn reset_password(&self, new_password: &str) -> Response {
        self.submit_from(
            "reset_password",
            "/forgot-password",
            "/reset-password",
            &[
                ("new_password", new_password),
                ("confirm_new_password", new_password),
            ],
        )
        .await
    }

    /// "Change password" in the settings, the new one typed twice.
    pub async fn change_password(&self, current_password: &str, new_password: &str) -> Response {
        self.submit(
            "change_password",
            "/settings",
            &[
                ("current_password", current_password),
                ("new_password", new_password),
                ("confirm_new_password", new_password),
            ],
        )
        .await
    }

    /// "Change email" in the settings.
    pub async fn change_email(&self, current_password: &str, new_email: &str) -> Response {
        self.submit(
            "change_email",
            "/settings",
            &[
                ("current_password", current_password),
                ("new_email", new_email),
            ],
        )
        .await
    }

    /// "Delete account" in the settings.
    pub async fn delete_account(&self, current_password: &str) -> Response {
        self.submit(
            "delete_account",
            "/settings",
            &[("current_password", current_password)],
        )
        .await
    }

    /// Reads a page of the security log (a read: no token).
    pub async fn activity(&self, page: u32) -> Response {
        let page = page.to_string();
        self.call("activity", "/settings/activity", &[("page", &page)])
            .await
    }

    /// Reads the list of signed-in devices (a read: no token).
    pub async fn sessions(&self) -> Response {
        self.call("sessions", "/settings/sessions", &[]).await
    }

    /// The handles of the other devices on the devices page, newest first.
    pub async fn other_device_handles(&self) -> Vec<String> {
        let html = self.page("/settings/sessions").await;
        let marker = "name=\"handle\" value=\"";
        html.split(marker)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
            .collect()
    }

    /// Signs out another device through the devices page's form.
    pub async fn revoke_session(&self, handle: &str) -> Response {
        self.submit(
            "revoke_session",
            "/settings/sessions",
            &[("handle", handle)],
        )
        .await
    }

    /// "Sign out of all other devices".
    pub async fn revoke_other_sessions(&self) -> Response {
        self.submit("revoke_other_sessions", "/settings/sessions", &[])
            .await
    }

    /// Submits the `/confirm-password` form.
    pub async fn confirm_password(&self, password: &str, next: &str) -> Response {
        let page = format!("/confirm-password?next={}", urlencode(next));
        self.submit(
            "confirm_password",
            &page,
            &[("password", password), ("next", next)],
        )
        .await
    }

    /// Asks whether `password` is in the breached list, as the signup form
    /// does while it is typed (a read: no token).
    pub async fn check_password(&self, password: &str) -> Response {
        self.call("check_password", "/signup", &[("password", password)])
            .await
    }

    /// Reads the session as a page with `access` does (a read: no token).
    pub async fn session(&self, access: Access) -> Response {
        let access = format!("{access:?}");
        self.call("session", "/", &[("access", &access)]).await
    }

    /// The current session cookie (`name=value`), if any.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.url("/").parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find(|c| c.starts_with("gatehouse="))
            .map(str::to_owned)
    }

    /// Whether this browser is signed in (the dashboard renders).
    pub async fn is_signed_in(&self) -> bool {
        self.get("/dashboard").await.status() == 200
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    gatehouse::routes::percent_encode_component(value)
}

/// The `csrf_token` hidden field's value in a page.
pub fn csrf_token_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// The `Location` header of a response.
pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The body of a response.
pub async fn body(response: Response) -> String {
    response.text().await.unwrap()
}

/// What someone watching a response learns from it, leaving out what
/// differs from one request to the next (cookie values).
#[derive(Debug, PartialEq, Eq)]
pub struct Observed {
    pub status: u16,
    pub location: String,
    pub retry_after: Option<String>,
    /// The names of the cookies it sets.
    pub cookies: Vec<String>,
    pub body: String,
}

/// Everything an observer sees of `response` (see [`Observed`]).
pub async fn observe(response: Response) -> Observed {
    Observed {
        status: response.status().as_u16(),
        location: location(&response),
        retry_after: response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned()),
        cookies: set_cookies(&response)
            .iter()
            .map(|c| c.split_once('=').unwrap().0.to_owned())
            .collect(),
        body: body(response).await,
    }
}

/// All `Set-Cookie` headers of a response.
pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// A request with only the given cookie, as an attacker replaying it would send.
pub async fn get_with_cookie(base: &str, path: &str, cookie: &str) -> Response {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}{path}"))
        .header(ACCEPT, "text/html")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

/// Follows a no-JS error redirect and returns the page it lands on.
pub async fn follow(browser: &Browser, response: Response) -> String {
    let target = location(&response);
    let path = target
        .strip_prefix(&browser.base)
        .unwrap_or(&target)
        .to_owned();
    browser.page(&path).await
}

/// With `GATEHOUSE_TEST_LOG=<filter>`, server logs go to stderr, tagged with
/// the test's thread name.
fn init_test_log() {
    use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("GATEHOUSE_TEST_LOG") {
            let targets: tracing_subscriber::filter::Targets = filter.parse().unwrap();
            let _ = tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_thread_names(true)
                        .with_ansi(false)
                        .with_writer(std::io::stderr),
                )
                .with(targets)
                .try_init();
        }
    });
}
