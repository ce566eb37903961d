//! Benchmark: discovery of 5,000 accounts × 3 roles from the loopback IAM Identity Center
//! stand-in, which throttles as the portal does: more than 20 ListAccounts +
//! ListAccountRoles calls in any one second are answered HTTP 429
//! `TooManyRequestsException`. It runs `rolecall sso roles --refresh`'s discovery once, in
//! real time (about four minutes), and prints the calls a second it achieved against the
//! quota's 20, and how many calls were throttled. It must finish with no error, at 90% of
//! the quota or more (docs/SSO.md has the figures).
//!
//! `cargo bench --bench sso_discovery`; `ROLECALL_BENCH_ACCOUNTS=500` for a shorter run.
//! The figure is bound by the quota, not by the CPU: a debug build gives the same one
//! (`cargo bench --bench sso_discovery --profile dev`).

#[path = "../tests/common/mod.rs"]
mod test_common;

use rolecall::clock::SystemClock;
use rolecall::sso::{DiscoveryProgress, Sso, SsoOptions, SsoSessionConfig, SsoToken};
use std::sync::Arc;
use std::time::Instant;
use test_common::sso_standin::{Behaviour, SsoStandin};

const ACCOUNTS: usize = 5_000;
const ROLES: [&str; 3] = ["Admin", "Developer", "ReadOnly"];
const QUOTA: usize = 20;

fn main() {
    let accounts = std::env::var("ROLECALL_BENCH_ACCOUNTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(ACCOUNTS);
    let standin = SsoStandin::start(
        Behaviour {
            calls_per_second: Some(QUOTA),
            ..Behaviour::default()
        }
        .with_accounts(accounts, &ROLES),
    );
    let token_value = "SSO-ACCESS-TOKEN-bench";
    standin.accept_token(token_value);
    let dir = tempfile::tempdir().unwrap();
    // The pacing rolecall ships with (the default, not ROLECALL_SSO_CALLS_PER_SECOND).
    let sso = Sso::new(SsoOptions {
        token_cache_dir: dir.path().join("sso-cache"),
        discovery_dir: dir.path().join("rolecall"),
        oidc_endpoint: Some(standin.url.clone()),
        portal_endpoint: Some(standin.url.clone()),
        http: None,
        clock: Arc::new(SystemClock),
    });
    let config = SsoSessionConfig {
        session_name: Some("bench".into()),
        legacy_profile: None,
        start_url: "https://bench.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    };
    let token = SsoToken {
        start_url: config.start_url.clone(),
        region: config.region.clone(),
        access_token: rolecall::secret::Secret::new(token_value),
        expires_at: chrono::Utc::now() + chrono::TimeDelta::hours(1),
        refresh_token: None,
        registration: None,
    };
    sso.token_cache().write(&config, &token).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let observe = |p: DiscoveryProgress<'_>| {
        if p.accounts_done > 0 && p.accounts_done.is_multiple_of(500) {
            rolecall::term_eprintln!(
                "  {} of {accounts} accounts after {:.0} s",
                p.accounts_done,
                start.elapsed().as_secs_f64()
            );
        }
    };
    let discovery = runtime
        .block_on(sso.discover_reporting(&config, true, &observe))
        .expect("discovery completes with no error");
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(discovery.roles.len(), accounts * ROLES.len());
    let throttled = standin.throttled();
    let answered = standin.requests_to("/assignment/accounts").len()
        + standin.requests_to("/assignment/roles").len()
        - throttled;
    let rate = answered as f64 / elapsed;
    let share = 100.0 * rate / QUOTA as f64;
    println!(
        "discovery of {accounts} accounts x {} roles against a portal allowing {QUOTA} calls/s: \
         {answered} calls answered in {elapsed:.1} s = {rate:.2} calls/s ({share:.1}% of the quota), \
         {throttled} throttled (429) and tried again, no error",
        ROLES.len(),
    );
    assert!(share >= 90.0, "below 90% of the quota: {share:.1}%");
}
