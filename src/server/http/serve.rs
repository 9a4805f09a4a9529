//! Startup: settings to state, state to a listening server, and shutdown.

use std::{
    fs,
    io::IsTerminal,
    net::SocketAddr,
    os::unix::fs::{DirBuilderExt, PermissionsExt},
    process::ExitCode,
    sync::Arc,
    time::Duration,
};

use leptos::config::{Env, LeptosOptions};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt};

use crate::server::{
    account::password_reset,
    audit::{self, Actor, EventKind},
    config::secrets::{SecretError, SecretKey},
    config::settings::{Origin, Settings},
    credentials::hash_pool::HashPool,
    credentials::passwords::{HashError, Passwords},
    error::ServerError,
    http::router::router,
    mail::{
        transport::{sender, Transport, TransportError},
        worker, Mailer,
    },
    platform::clock::Clock,
    platform::core::Core,
    platform::db,
    protection::csrf::AllowedOrigins,
    protection::rate_limit::RateLimits,
    session::store::{SessionPolicy, SessionStore},
    state::{AppInner, AppState},
    users::Users,
};

/// How long a stopping server waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply database migrations: {0}")]
    Migrations(#[from] sqlx::migrate::MigrateError),
    #[error("cannot prepare password hashing: {0}")]
    Hashing(#[from] HashError),
    #[error("cannot set up mail: {0}")]
    Mail(#[from] TransportError),
    #[error("cannot update stored accounts: {0}")]
    Accounts(#[from] ServerError),
}

/// The binary's entry point: exit code 2 for bad settings, 1 for other
/// startup failures.
pub async fn run_from_environment() -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&settings.logging.log_level);
    let server = match Server::start(settings, Clock::default()).await {
        Ok(server) => server,
        Err(e) => {
            tracing::error!(error = %e, "startup failed");
            eprintln!("gatehouse: {e}");
            return ExitCode::from(1);
        }
    };
    tracing::info!(
        event = "started",
        addr = %server.addr,
        origin = %server.state.origin,
        "Gatehouse is serving http://{}",
        server.addr
    );
    shutdown_signal().await;
    tracing::info!(event = "stopping", "shutting down");
    server.stop().await;
    ExitCode::SUCCESS
}

fn init_tracing(filter: &str) {
    let mut targets: Targets = filter
        .parse()
        .unwrap_or_else(|_| Targets::new().with_default(tracing::Level::INFO));
    if !filter.contains("tower_sessions") {
        // tower-sessions warns of "possibly suspicious activity" whenever a
        // cookie names a session the store no longer has: every browser
        // returning after expiry, sign-out or logout. The security log
        // records those ends with their reason; the warning is only noise.
        targets = targets.with_target("tower_sessions_core::session", tracing::Level::ERROR);
    }
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_ansi(std::io::stdout().is_terminal()),
        )
        .with(targets)
        .try_init();
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate => {},
    }
}

/// A running server.
pub struct Server {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    pub state: AppState,
    stop: oneshot::Sender<()>,
    serving: JoinHandle<std::io::Result<()>>,
    cleanup: JoinHandle<()>,
    mail: JoinHandle<()>,
    stop_mail: oneshot::Sender<()>,
}

impl Server {
    /// Binds, prepares the state and starts serving in the background.
    pub async fn start(settings: Settings, clock: Clock) -> Result<Server, StartupError> {
        let listener = TcpListener::bind(settings.site.site_addr)
            .await
            .map_err(|source| StartupError::Bind {
                addr: settings.site.site_addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: settings.site.site_addr,
            source,
        })?;
        let state = build_state(settings, clock, addr).await?;
        let transport = Transport::from_settings(&state.settings)?;
        let from = sender(&state.settings, &state.origin.host)?;
        let (stop_mail, mail_stopped) = oneshot::channel();
        let mail = worker::spawn(state.mailer.clone(), transport, from, mail_stopped);
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        let cleanup = spawn_session_cleanup(state.clone());
        Ok(Server {
            addr,
            state,
            stop,
            serving,
            cleanup,
            mail,
            stop_mail,
        })
    }

    /// Stops accepting, gives requests in flight a few seconds to finish,
    /// stops background work.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let serving = self.serving;
        let abort = serving.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, serving).await.is_err() {
            tracing::warn!("requests still running after the grace period; closing them");
            abort.abort();
        }
        self.cleanup.abort();
        // Deliver what is due (a message may announce the last request's change).
        let _ = self.stop_mail.send(());
        let mail = self.mail;
        let abort = mail.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, mail).await.is_err() {
            tracing::warn!("mail delivery still running after the grace period; it stays queued");
            abort.abort();
        }
    }
}

/// Opens everything the server needs: data folder, secret, database, hasher.
pub async fn build_state(
    settings: Settings,
    clock: Clock,
    bound: SocketAddr,
) -> Result<AppState, StartupError> {
    create_private_dir(&settings)?;
    let secret = SecretKey::load_or_create(
        settings.site.secret_key.as_ref().map(|s| s.0.as_str()),
        &settings.site.data_dir,
    )?;
    let pool = db::connect_and_migrate(&settings.database_url()).await?;
    let passwords = Passwords::new(
        secret.derive("gatehouse/password-pepper/v1"),
        settings.passwords.bcrypt_cost,
        HashPool::per_core(),
    )
    .await?;
    let origin = settings
        .site
        .public_origin
        .clone()
        .unwrap_or_else(|| Origin::for_addr(bound));
    let sessions = SessionStore::new(
        pool.clone(),
        SessionPolicy {
            idle_secs: settings.sessions.session_idle_timeout_secs,
            absolute_secs: settings.sessions.session_absolute_timeout_secs,
            remember_secs: settings.sessions.session_remember_secs,
        },
        clock.clone(),
    );
    sessions.name_unnamed_sign_ins().await?;
    let mailer = Mailer::new(pool.clone(), clock.clone(), origin.to_string());
    let users = Users::new(pool.clone());
    users.canonicalize_emails().await?;
    Ok(AppState::new(AppInner {
        leptos_options: leptos_options(bound),
        allowed_origins: AllowedOrigins::for_origin(&origin),
        users,
        passwords,
        sessions,
        mailer,
        rate_limits: Arc::new(RateLimits::new(&settings)),
        core: Core {
            settings,
            origin,
            pool,
            clock,
        },
    }))
}

fn create_private_dir(settings: &Settings) -> Result<(), StartupError> {
    let path = &settings.site.data_dir;
    let error = |source| StartupError::DataDir {
        path: path.display().to_string(),
        source,
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(error)?;
    let mode = fs::metadata(path).map_err(error)?.permissions().mode();
    if mode & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(error)?;
    }
    Ok(())
}

/// Leptos's own options: where the built site is. cargo-leptos passes these
/// as `LEPTOS_*` variables; the defaults match `Cargo.toml`.
fn leptos_options(bound: SocketAddr) -> LeptosOptions {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "gatehouse"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .env(if var("LEPTOS_ENV", "DEV").eq_ignore_ascii_case("prod") {
            Env::PROD
        } else {
            Env::DEV
        })
        .site_addr(bound)
        .reload_port(var("LEPTOS_RELOAD_PORT", "3001").parse().unwrap_or(3001))
        .hash_files(var("LEPTOS_HASH_FILES", "false") == "true")
        .build()
}

fn spawn_session_cleanup(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let period = Duration::from_secs(state.settings.sessions.session_cleanup_interval_secs);
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            match state.sessions.delete_expired().await {
                Ok(users) => {
                    for user_id in users {
                        let detail = Some("ended while idle");
                        audit::record(
                            &state,
                            &Actor::system(),
                            EventKind::SessionExpired,
                            Some(user_id),
                            detail,
                        )
                        .await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not delete expired sessions"),
            }
            if let Err(e) = password_reset::prune_requests(&state).await {
                tracing::warn!(error = %e, "could not prune reset requests");
            }
            if let Err(e) = audit::prune(&state).await {
                tracing::warn!(error = %e, "could not prune the security log");
            }
            state.rate_limits.forget_idle(state.clock.unix());
        }
    })
}
