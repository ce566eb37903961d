//! IAM Identity Center discovery in organisations with many accounts, against the loopback
//! stand-in throttling as the portal does (HTTP 429 `TooManyRequestsException`): paced,
//! never giving up while calls succeed, reporting progress, resuming after an interruption,
//! and serving the previous discovery until the new one is complete. The clock is a
//! `ManualClock`: every wait (the rate limiter's, the backoff's) moves it, none is slept.

mod common;

use chrono::{TimeDelta, Utc};
use common::sso_standin::{Behaviour, SsoStandin};
use rolecall::clock::{Clock, ManualClock};
use rolecall::secret::Secret;
use rolecall::sso::{
    DiscoveryProgress, Sso, SsoError, SsoOptions, SsoSessionConfig, SsoToken, PAGE_SIZE,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "SSO-ACCESS-TOKEN-discovery";

fn corp() -> SsoSessionConfig {
    SsoSessionConfig {
        session_name: Some("corp".into()),
        legacy_profile: None,
        start_url: "https://corp.awsapps.com/start".into(),
        region: "eu-west-1".into(),
        registration_scopes: None,
    }
}

/// The library on the stand-in with a manual clock, signed in to `corp`.
fn signed_in(standin: &SsoStandin, dir: &Path) -> (Sso, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let sso = Sso::new(SsoOptions {
        token_cache_dir: dir.join("sso-cache"),
        discovery_dir: dir.join("rolecall"),
        oidc_endpoint: Some(standin.url.clone()),
        portal_endpoint: Some(standin.url.clone()),
        http: None,
        clock: clock.clone(),
    });
    standin.accept_token(TOKEN);
    let token = SsoToken {
        start_url: corp().start_url,
        region: corp().region,
        access_token: Secret::new(TOKEN),
        expires_at: clock.now() + TimeDelta::hours(8),
        refresh_token: None,
        registration: None,
    };
    sso.token_cache().write(&corp(), &token).unwrap();
    (sso, clock)
}

/// What the observer saw: `(listed, total, done, roles arrived)` per step.
type Steps = Mutex<Vec<(usize, Option<usize>, usize, usize)>>;

fn record(steps: &Steps, p: &DiscoveryProgress<'_>) {
    steps.lock().unwrap().push((
        p.accounts_listed,
        p.accounts_total,
        p.accounts_done,
        p.arrived.len(),
    ));
}

fn partial_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir.join("rolecall"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".partial.json"))
}

/// The account ids whose ListAccountRoles the stand-in has answered (or refused) so far.
fn role_calls(standin: &SsoStandin) -> Vec<String> {
    standin
        .requests_to("/assignment/roles")
        .iter()
        .map(|r| r.query["account_id"].clone())
        .collect()
}

#[tokio::test]
async fn a_throttling_portal_is_waited_out_and_every_account_arrives() {
    // Pages of two roles, so the third role of each account is behind a page token; a
    // burst of 12 throttled calls to begin with (more than any SDK's fixed attempts), an
    // account failing three times, and another burst halfway.
    let standin = SsoStandin::start(
        Behaviour {
            page_size: 2,
            throttle_next: 12,
            failing_accounts: [("000000000005".to_string(), 3)].into(),
            ..Behaviour::default()
        }
        .with_accounts(30, &["Admin", "Dev", "ReadOnly"]),
    );
    let dir = tempfile::tempdir().unwrap();
    let (sso, clock) = signed_in(&standin, dir.path());
    let start = clock.now();
    let steps = Steps::default();
    let observe = |p: DiscoveryProgress<'_>| {
        record(&steps, &p);
        if p.accounts_done == 15 {
            standin.behaviour(|b| b.throttle_next = 9);
        }
    };
    let discovery = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap();

    assert_eq!(discovery.roles.len(), 90);
    let accounts: BTreeSet<&str> = discovery
        .roles
        .iter()
        .map(|r| r.account_id.as_str())
        .collect();
    assert_eq!(accounts.len(), 30);
    assert_eq!(standin.throttled(), 21);
    // Every role page was asked for with the page size, the second with the token.
    let calls = standin.requests_to("/assignment/roles");
    assert!(calls
        .iter()
        .all(|c| c.query["max_result"] == PAGE_SIZE.to_string()));
    let tokens = calls.iter().filter(|c| c.query.contains_key("next_token"));
    assert!(tokens.count() >= 30);
    // Account 5 failed three times (HTTP 500), then gave its two pages (a burst may have
    // throttled some of its calls too).
    let fifth = role_calls(&standin)
        .iter()
        .filter(|a| *a == "000000000005")
        .count();
    assert!(fifth >= 3 + 2, "{fifth}");
    let roles_of_fifth = discovery
        .roles
        .iter()
        .filter(|r| r.account_id == "000000000005");
    assert_eq!(roles_of_fifth.count(), 3);

    // Paced: no two calls closer than 50 ms on the clock, whatever the backoffs added.
    let answered = standin.requests_to("/assignment/accounts").len() + calls.len();
    let elapsed = (clock.now() - start).to_std().unwrap();
    assert!(
        elapsed >= Duration::from_millis(50) * (answered as u32 - 1),
        "{answered} calls in {elapsed:?}"
    );
    // Backed off: after each throttled attempt a wait of at least half the first backoff.
    let backoffs = clock
        .sleeps()
        .iter()
        .filter(|d| **d >= Duration::from_millis(125))
        .count();
    assert!(backoffs >= 3, "{:?}", clock.sleeps());

    // Progress: the listing page by page (two accounts a page), then each account once, in
    // order, with its three roles.
    let steps = steps.into_inner().unwrap();
    let listing: Vec<_> = (1..=15)
        .map(|i| (2 * i, (i == 15).then_some(30), 0, 0))
        .collect();
    assert_eq!(steps[..15], listing);
    let done: Vec<usize> = steps[15..].iter().map(|s| s.2).collect();
    assert_eq!(done, (1..=30).collect::<Vec<_>>());
    assert!(steps[15..].iter().all(|s| s.1 == Some(30) && s.3 == 3));
    // Complete: cached, and no progress file left.
    assert_eq!(
        sso.cached_discovery(&corp()).unwrap().roles,
        discovery.roles
    );
    assert_eq!(partial_file(dir.path()), None);
}

#[tokio::test]
async fn accounts_are_listed_page_by_page_at_most_100_at_a_time() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(250, &["Admin"]));
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let steps = Steps::default();
    let observe = |p: DiscoveryProgress<'_>| record(&steps, &p);
    let discovery = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap();
    assert_eq!(discovery.roles.len(), 250);
    let pages = standin.requests_to("/assignment/accounts");
    let asked: Vec<&str> = pages
        .iter()
        .map(|p| p.query["max_result"].as_str())
        .collect();
    assert_eq!(asked, ["100", "100", "100"]);
    let steps = steps.into_inner().unwrap();
    assert_eq!(
        steps[..3],
        [(100, None, 0, 0), (200, None, 0, 0), (250, Some(250), 0, 0)]
    );
}

#[tokio::test]
async fn an_interrupted_discovery_resumes_where_it_stopped() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(200, &["Admin", "Dev"]));
    let dir = tempfile::tempdir().unwrap();
    let (sso, clock) = signed_in(&standin, dir.path());
    let started = clock.now();

    // Ctrl-C (or the TUI quitting) once 55 accounts are done: the future is dropped.
    let interrupt = tokio::sync::Notify::new();
    let fired = AtomicBool::new(false);
    let observe = |p: DiscoveryProgress<'_>| {
        if p.accounts_done >= 55 && !fired.swap(true, Ordering::SeqCst) {
            interrupt.notify_one();
        }
    };
    let config = corp();
    tokio::select! {
        biased;
        () = interrupt.notified() => {}
        result = sso.discover_reporting(&config, true, &observe) => panic!("not interrupted: {result:?}"),
    }
    let path = partial_file(dir.path()).expect("a progress file");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let kept = saved["done"].as_object().unwrap().len();
    assert!(kept >= 50, "{kept}");
    assert_eq!(sso.cached_discovery(&corp()), None);

    // The next run lists no accounts again and asks only for the accounts not kept.
    let before = role_calls(&standin).len();
    let steps = Steps::default();
    clock.advance(TimeDelta::minutes(5));
    let observe = |p: DiscoveryProgress<'_>| record(&steps, &p);
    let discovery = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap();
    assert_eq!(discovery.roles.len(), 400);
    assert_eq!(standin.requests_to("/assignment/accounts").len(), 2);
    // (Calls the first run had in flight may reach the stand-in late: at most 16.)
    let asked_again = &role_calls(&standin)[before..];
    assert!(
        asked_again.len() <= 200 - kept + 16,
        "{}",
        asked_again.len()
    );
    let kept_ids: BTreeSet<&String> = saved["done"].as_object().unwrap().keys().collect();
    let asked_ids: BTreeSet<&String> = asked_again.iter().collect();
    assert!(kept_ids.is_disjoint(&asked_ids));
    assert_eq!(kept_ids.len() + asked_ids.len(), 200);
    // It says at once how far the first run got, with the roles it had found.
    let steps = steps.into_inner().unwrap();
    assert_eq!(steps[0], (200, Some(200), kept, 2 * kept));
    assert_eq!(steps.last().unwrap().2, 200);
    // The roles date from the first run's start; the progress file is gone.
    assert_eq!(discovery.discovered_at, started);
    assert_eq!(partial_file(dir.path()), None);
}

#[tokio::test]
async fn a_portal_that_throttles_without_end_stops_discovery_which_then_resumes() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(120, &["Admin"]));
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let observe = |p: DiscoveryProgress<'_>| {
        if p.accounts_done == 70 {
            standin.behaviour(|b| b.throttle_next = usize::MAX);
        }
    };
    let err = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap_err();
    assert!(matches!(err, SsoError::Stalled { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains("run `rolecall sso roles --refresh --sso-session corp` again"),
        "{shown}"
    );
    assert!(shown.contains("TooManyRequestsException"), "{shown}");
    // Bounded: two minutes of backoffs make a few dozen calls, not thousands.
    assert!(standin.throttled() < 16 * 20, "{}", standin.throttled());

    // Saved when it stopped: every account done so far is kept.
    let before = role_calls(&standin).len();
    standin.behaviour(|b| b.throttle_next = 0);
    let discovery = sso.discover(&corp(), true).await.unwrap();
    assert_eq!(discovery.roles.len(), 120);
    let asked_again = role_calls(&standin).len() - before;
    assert!(asked_again <= 120 - 70, "{asked_again}");
}

#[tokio::test]
async fn the_previous_discovery_serves_until_the_new_one_is_complete() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(3, &["Admin"]));
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let first = sso.discover(&corp(), false).await.unwrap();
    assert_eq!(first.roles.len(), 3);

    standin.behaviour(|b| {
        *b = Behaviour::default().with_accounts(8, &["Admin"]);
    });
    // While the refresh runs, the cache (and so the profile list, `sso roles` without
    // --refresh, completion) is still the first discovery.
    let seen = Mutex::new(Vec::new());
    let observe = |_: DiscoveryProgress<'_>| {
        let cached = sso.cached_discovery(&corp()).unwrap();
        seen.lock().unwrap().push(cached.roles.len());
    };
    let second = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap();
    assert_eq!(second.roles.len(), 8);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 1 + 8);
    assert!(seen.iter().all(|n| *n == 3), "{seen:?}");
    assert_eq!(sso.cached_discovery(&corp()).unwrap().roles.len(), 8);

    // A refresh that fails halfway (the token is refused) leaves the cache as it was.
    standin.behaviour(|b| *b = Behaviour::default().with_accounts(100, &["Admin"]));
    let observe = |p: DiscoveryProgress<'_>| {
        if p.accounts_done == 10 {
            standin.behaviour(|b| b.reject_all_tokens = true);
        }
    };
    let err = sso
        .discover_reporting(&corp(), true, &observe)
        .await
        .unwrap_err();
    assert!(err.needs_sign_in(), "{err:?}");
    assert_eq!(sso.cached_discovery(&corp()).unwrap().roles.len(), 8);
}

// ---- The command line, as a person runs it ----

const CONFIG: &str = "\
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
";

/// An environment signed in to `corp` on `standin` (a token as `aws sso login` files it).
fn cli_env(standin: &SsoStandin) -> common::Env {
    let mut env = common::Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_SSO", &standin.url)
        .set("AWS_ENDPOINT_URL_SSO_OIDC", &standin.url);
    standin.accept_token(TOKEN);
    let cache = rolecall::sso::TokenCache::new(env.home().join(".aws/sso/cache"));
    let token = SsoToken {
        start_url: corp().start_url,
        region: corp().region,
        access_token: Secret::new(TOKEN),
        expires_at: Utc::now() + TimeDelta::hours(8),
        refresh_token: None,
        registration: None,
    };
    cache.write(&corp(), &token).unwrap();
    env
}

#[test]
fn sso_roles_refresh_draws_a_progress_bar_on_a_terminal_only() {
    use common::tmux::Tmux;
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let standin = SsoStandin::start(Behaviour::default().with_accounts(60, &["Admin", "Dev"]));
    let env = cli_env(&standin);

    // On a pipe: the summary alone, no bar, no carriage return.
    let piped = env.rolecall(&["sso", "roles", "--refresh", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(piped.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "rolecall: 120 roles in 60 accounts through sso-session corp\n"
    );

    // On a terminal, at 10 calls a second (six seconds): the bar while it runs, erased
    // before the summary.
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([("ROLECALL_SSO_CALLS_PER_SECOND", "10")])
        .collect();
    let t = Tmux::start("discovery-bar", 120, 10, env.dir.path(), &vars);
    t.run(&format!(
        "{} sso roles --refresh > roles.txt",
        env!("CARGO_BIN_EXE_rolecall")
    ));
    let wait = Duration::from_secs(30);
    let bar = t.wait_until("the bar", wait, |screen| {
        screen.contains("rolecall: sso-session corp [#") && screen.contains(" of 60 accounts")
    });
    assert_eq!(bar.matches("of 60 accounts").count(), 1, "one line:\n{bar}");
    let end = t.wait_until("the summary", wait, |screen| {
        screen.contains("rolecall: 120 roles in 60 accounts through sso-session corp")
    });
    assert!(!end.contains("of 60 accounts"), "the bar stays:\n{end}");
    let table = std::fs::read_to_string(env.dir.path().join("roles.txt")).unwrap();
    assert_eq!(table.lines().count(), 1 + 120);
}

#[test]
fn a_calls_per_second_that_is_not_a_rate_is_named_before_the_portal_is_asked() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(2, &["Admin"]));
    let mut env = cli_env(&standin);
    env.set("ROLECALL_SSO_CALLS_PER_SECOND", "fast");
    let out = env.rolecall(&["sso", "roles", "--refresh"]);
    let err = common::failed(&out);
    assert!(
        err.contains("ROLECALL_SSO_CALLS_PER_SECOND=fast is not a number of calls per second"),
        "{err}"
    );
    assert!(standin.requests_to("/assignment/accounts").is_empty());
}

#[test]
fn sso_roles_outlasts_a_burst_of_throttling_longer_than_the_sdk_s_attempts() {
    // The SDK's standard retry gives up after three attempts: a burst of four throttled
    // answers to the first ListAccounts call used to end `sso roles` with
    // TooManyRequestsException.
    let standin = SsoStandin::start(Behaviour {
        throttle_next: 4,
        ..Behaviour::default().with_accounts(3, &["Admin"])
    });
    let env = cli_env(&standin);
    let out = env.rolecall(&["sso", "roles", "--refresh", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&common::ok(&out)).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(standin.throttled(), 4);
}

/// `Profiles N/M` in the TUI's title: N.
fn profiles_listed(screen: &str) -> Option<usize> {
    let rest = &screen[screen.find("Profiles ")? + "Profiles ".len()..];
    rest.split('/').next()?.parse().ok()
}

#[test]
fn the_tui_lists_accounts_as_they_arrive_and_says_how_far_discovery_is() {
    use common::tmux::Tmux;
    assert!(Tmux::available(), "tmux is needed: run `bash .ci/setup`");
    let standin = SsoStandin::start(Behaviour::default().with_accounts(60, &["Admin"]));
    let mut env = cli_env(&standin);
    std::fs::write(
        env.home().join(".aws/config"),
        format!(
            "{CONFIG}\n[profile dev]\nsso_session = corp\nsso_account_id = 000000000001\n\
             sso_role_name = Admin\nregion = eu-west-1\n"
        ),
    )
    .unwrap();
    // Ten calls a second: six seconds to discover, time to watch the list grow.
    env.set("ROLECALL_SSO_CALLS_PER_SECOND", "10");
    let vars: Vec<(&str, &str)> = env
        .vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let t = Tmux::start("discovery-tui", 140, 40, env.dir.path(), &vars);
    t.run(env!("CARGO_BIN_EXE_rolecall"));
    let wait = Duration::from_secs(30);
    let growing = t.wait_until("accounts arriving", wait, |screen| {
        screen.contains("· sso-session corp: ")
            && screen.contains(" of 60 accounts")
            && profiles_listed(screen).is_some_and(|n| n > 1 && n < 60)
    });
    assert!(growing.contains("sso·new"), "{growing}");
    let done = t.wait_until("discovery complete", wait, |screen| {
        screen.contains("Profiles 60/60")
    });
    assert!(!done.contains("accounts"), "the progress stays:\n{done}");
    t.send_keys(&["q"]);
}

#[tokio::test]
async fn a_portal_that_repeats_a_page_token_ends_discovery_with_an_error() {
    // Each ListAccounts page says `nextToken: again`, which gives the same page again:
    // a loop that once ran until the stand-in tired of it.
    let standin = SsoStandin::start(Behaviour {
        repeating_pages: Some(("/assignment/accounts", 1_000)),
        ..Behaviour::default().with_accounts(3, &["Admin"])
    });
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let err = sso.discover(&corp(), true).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("ListAccounts"), "{text}");
    assert!(text.contains("repeated a page token"), "{text}");
    assert!(text.contains("sso-session corp"), "{text}");
    assert_eq!(standin.requests_to("/assignment/accounts").len(), 2);
    assert!(sso.cached_discovery(&corp()).is_none());
}

#[tokio::test]
async fn a_role_listing_that_repeats_a_page_token_ends_discovery_with_an_error() {
    let standin = SsoStandin::start(Behaviour {
        page_size: 1,
        repeating_pages: Some(("/assignment/roles", 1_000)),
        ..Behaviour::default().with_accounts(1, &["Admin", "Dev"])
    });
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let err = sso.discover(&corp(), true).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("ListAccountRoles"), "{text}");
    assert!(text.contains("repeated a page token"), "{text}");
    assert_eq!(standin.requests_to("/assignment/roles").len(), 2);
}

#[tokio::test]
async fn a_role_the_portal_lists_twice_is_discovered_once() {
    let standin = SsoStandin::start(
        Behaviour {
            page_size: 1,
            ..Behaviour::default()
        }
        .with_accounts(2, &["Admin", "Dev", "Admin"]),
    );
    let dir = tempfile::tempdir().unwrap();
    let (sso, _clock) = signed_in(&standin, dir.path());
    let discovery = sso.discover(&corp(), true).await.unwrap();
    let roles: Vec<(&str, &str)> = discovery
        .roles
        .iter()
        .map(|r| (r.account_id.as_str(), r.role_name.as_str()))
        .collect();
    assert_eq!(
        roles,
        [
            ("000000000001", "Admin"),
            ("000000000001", "Dev"),
            ("000000000002", "Admin"),
            ("000000000002", "Dev"),
        ]
    );
}

#[tokio::test]
async fn a_progress_file_holding_what_the_portal_never_gives_is_ignored_with_a_warning() {
    let standin = SsoStandin::start(Behaviour::default().with_accounts(3, &["Admin"]));
    let dir = tempfile::tempdir().unwrap();
    let (sso, clock) = signed_in(&standin, dir.path());
    // Planted: account 2 "done" with a role that would become a config line, account 3
    // done with none; resumed, neither would be asked again.
    let partial = dir
        .path()
        .join("rolecall")
        .join(format!("sso-roles-{}.partial.json", corp().cache_key()));
    std::fs::create_dir_all(partial.parent().unwrap()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        partial.parent().unwrap(),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let planted = serde_json::json!({
        "version": 1,
        "start_url": corp().start_url,
        "started_at": clock.now(),
        "accounts": [["000000000001", "Account 1"], ["000000000002", "Account 2"],
                     ["000000000003", "Account 3"]],
        "done": {"000000000002": ["Admin\ncredential_process = evil"], "000000000003": []},
    });
    std::fs::write(&partial, planted.to_string()).unwrap();

    let discovery = sso.discover(&corp(), true).await.unwrap();
    assert_eq!(discovery.roles.len(), 3);
    assert!(discovery.roles.iter().all(|r| r.role_name == "Admin"));
    assert_eq!(role_calls(&standin).len(), 3);
    assert_eq!(discovery.warnings.len(), 1, "{:?}", discovery.warnings);
    let warning = &discovery.warnings[0];
    assert!(
        warning.contains("role name IAM does not allow"),
        "{warning}"
    );
    assert!(warning.contains("discovery starts over"), "{warning}");
}
