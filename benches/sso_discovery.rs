//! Benchmark: discovery of 1,000 accounts × 3 roles from the loopback IAM Identity Center
//! stand-in (`cargo bench --bench sso_discovery`): ListAccounts in pages of 100, then
//! ListAccountRoles for every account, as `rolecall sso roles --refresh` does.
//! Prints the median of several runs; the figures go in docs/BENCHMARKS.md.

#[path = "../tests/common/mod.rs"]
mod test_common;

use rolecall::clock::SystemClock;
use rolecall::sso::{Sso, SsoOptions, SsoSessionConfig, SsoToken};
use std::sync::Arc;
use std::time::{Duration, Instant};
use test_common::sso_standin::{Behaviour, SsoStandin};

const ACCOUNTS: usize = 1_000;
const ROLES: [&str; 3] = ["Admin", "Developer", "ReadOnly"];
const RUNS: usize = 11;

fn main() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(ACCOUNTS, &ROLES));
    let token_value = "SSO-ACCESS-TOKEN-bench";
    standin.accept_token(token_value);
    let dir = tempfile::tempdir().unwrap();
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runs: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        let roles = runtime
            .block_on(sso.discover_with(&config, &token))
            .unwrap();
        runs.push(start.elapsed());
        assert_eq!(roles.len(), ACCOUNTS * ROLES.len());
    }
    let requests = standin.requests().len() / RUNS;
    runs.sort();
    println!(
        "discovery of {ACCOUNTS} accounts x {} roles ({requests} requests a run): median {:.1} ms (min {:.1}, max {:.1}) over {RUNS} runs",
        ROLES.len(),
        runs[RUNS / 2].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[RUNS - 1].as_secs_f64() * 1e3,
    );
}
