//! What abuse resistance adds to a login: the per-account throttle (count
//! the attempt, then clear it after a success: two SQLite writes), the
//! per-address rate limiter, and the breached-password lookup (done at
//! signup and password change). Prints JSON with p50/p99 in microseconds.
//!
//! Run by bench/run.sh:
//!   cargo run --release --features ssr --example abuse_overhead

use std::{net::IpAddr, time::Instant};

use gatehouse::server::{
    config::settings::{PasswordSettings, Settings, SiteSettings},
    credentials::breached_passwords,
    http::serve::build_state,
    platform::clock::Clock,
    protection::login_throttle,
};

const ROUNDS: usize = 5_000;

fn percentiles(mut micros: Vec<f64>) -> (f64, f64) {
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() as f64 * q) as usize).min(micros.len() - 1)];
    (at(0.50), at(0.99))
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("gatehouse-overhead-{}", std::process::id()));
    let settings = Settings {
        site: SiteSettings {
            data_dir: dir.clone(),
            site_addr: "127.0.0.1:0".parse().unwrap(),
            ..SiteSettings::default()
        },
        passwords: PasswordSettings {
            bcrypt_cost: 4,
            ..PasswordSettings::default()
        },
        ..Settings::default()
    };
    let bound = settings.site.site_addr;
    let state = build_state(settings, Clock::default(), bound)
        .await
        .expect("state");
    let client: IpAddr = "203.0.113.7".parse().unwrap();

    let (mut throttle, mut limiter, mut breached, mut total) = (vec![], vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        let email = format!("user{}@example.com", round % 500);
        let start = Instant::now();
        let _ = state.rate_limits.check("/api/login", client);
        let after_limiter = Instant::now();
        let gate = login_throttle::admit(&state, &email).await.expect("admit");
        login_throttle::clear(&state, &email).await.expect("clear");
        let after_throttle = Instant::now();
        let candidate = format!("candidate password number {round}");
        std::hint::black_box(breached_passwords::is_breached(&candidate));
        let end = Instant::now();
        std::hint::black_box(gate);
        limiter.push((after_limiter - start).as_secs_f64() * 1e6);
        throttle.push((after_throttle - after_limiter).as_secs_f64() * 1e6);
        breached.push((end - after_throttle).as_secs_f64() * 1e6);
        total.push((end - start).as_secs_f64() * 1e6);
    }
    let json = |name: &str, v: Vec<f64>| {
        let (p50, p99) = percentiles(v);
        format!("\"{name}\": {{\"p50_us\": {p50:.2}, \"p99_us\": {p99:.2}}}")
    };
    println!(
        "{{{}, {}, {}, {}, \"breached_entries\": {}}}",
        json("rate_limiter", limiter),
        json("account_throttle", throttle),
        json("breached_lookup", breached),
        json("total", total),
        breached_passwords::entries()
    );
    let _ = std::fs::remove_dir_all(dir);
}
