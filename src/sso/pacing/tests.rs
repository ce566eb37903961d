use super::*;
use crate::clock::ManualClock;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

fn manual() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc::now()))
}

fn throttled() -> CallError {
    CallError {
        error: SsoError::Service {
            session: "sso-session corp".into(),
            operation: "ListAccountRoles",
            code: "TooManyRequestsException".into(),
            message: "HTTP 429 Unknown Code".into(),
        },
        kind: FailureKind::Throttled,
    }
}

#[test]
fn the_rate_comes_from_the_environment_s_value_or_says_what_to_set() {
    assert_eq!(Pacing::with_rate(None).unwrap(), Pacing::default());
    assert_eq!(Pacing::with_rate(Some(" ")).unwrap(), Pacing::default());
    assert_eq!(Pacing::with_rate(Some("5")).unwrap().calls_per_second, 5.0);
    assert_eq!(
        Pacing::with_rate(Some("0.5")).unwrap().calls_per_second,
        0.5
    );
    for bad in ["0", "-3", "fast", "1e9", "NaN", "\u{1b}[2J"] {
        let e = Pacing::with_rate(Some(bad)).unwrap_err().to_string();
        assert!(e.starts_with("ROLECALL_SSO_CALLS_PER_SECOND="), "{e}");
        assert!(e.contains("set it to 20"), "{e}");
        assert!(!e.contains('\u{1b}'), "{e}");
    }
}

#[tokio::test]
async fn calls_are_spaced_by_the_rate_and_never_faster() {
    let clock = manual();
    let start = clock.now();
    let pacer = CallPacer::new(Pacing::default(), clock.clone());
    for _ in 0..41 {
        pacer.acquire().await;
    }
    // The first goes at once, each further one 50 ms after the one before: 2 s for 41.
    assert_eq!(clock.now() - start, chrono::TimeDelta::seconds(2));
    assert!(clock
        .sleeps()
        .iter()
        .all(|d| *d == Duration::from_millis(50)));
    // After a pause the bucket holds `burst` tokens, no more.
    clock.advance(chrono::TimeDelta::seconds(10));
    let before = clock.sleeps().len();
    pacer.acquire().await;
    pacer.acquire().await;
    assert_eq!(clock.sleeps().len(), before + 1);
}

#[test]
fn backoff_doubles_up_to_its_ceiling_with_jitter_in_its_upper_half() {
    let pacer = CallPacer::new(Pacing::default(), manual());
    for failures in 1..40 {
        let ceiling = (0.25 * 2f64.powi(failures as i32 - 1)).min(20.0);
        for _ in 0..20 {
            let wait = pacer.backoff(failures).as_secs_f64();
            assert!(
                wait >= ceiling / 2.0 && wait <= ceiling,
                "{failures}: {wait}"
            );
        }
    }
    let waits: HashSet<Duration> = (0..20).map(|_| pacer.backoff(3)).collect();
    assert!(waits.len() > 1, "no jitter: {waits:?}");
}

#[tokio::test]
async fn a_throttled_call_is_tried_again_past_any_fixed_count() {
    let clock = manual();
    let pacer = CallPacer::new(Pacing::default(), clock.clone());
    let run = PacedRun::new(&pacer, "sso-session corp".into(), "again".into());
    let attempts = AtomicUsize::new(0);
    let answer = run
        .call(|| async {
            match attempts.fetch_add(1, Ordering::SeqCst) {
                0..=11 => Err(throttled()),
                _ => Ok("roles"),
            }
        })
        .await
        .unwrap();
    assert_eq!(answer, "roles");
    assert_eq!(attempts.load(Ordering::SeqCst), 13);
}

#[tokio::test]
async fn a_run_that_succeeds_nowhere_for_the_stall_limit_stops_and_says_what_to_do() {
    let clock = manual();
    let start = clock.now();
    let pacer = CallPacer::new(Pacing::default(), clock.clone());
    let run = PacedRun::new(
        &pacer,
        "sso-session corp".into(),
        "rolecall sso roles --refresh --sso-session corp".into(),
    );
    let attempts = AtomicUsize::new(0);
    let err = run
        .call(|| async {
            attempts.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(throttled())
        })
        .await
        .unwrap_err();
    let waited = clock.now() - start;
    assert!(
        waited >= chrono::TimeDelta::seconds(120) && waited < chrono::TimeDelta::seconds(141),
        "{waited}"
    );
    // 0.25 s doubling to 20 s: about a dozen attempts in two minutes, not thousands.
    let n = attempts.load(Ordering::SeqCst);
    assert!((8..30).contains(&n), "{n}");
    assert!(matches!(err, SsoError::Stalled { .. }), "{err:?}");
    let shown = err.to_string();
    for part in [
        "sso-session corp",
        "TooManyRequestsException: HTTP 429 Unknown Code",
        "run `rolecall sso roles --refresh --sso-session corp` again",
        "ROLECALL_SSO_CALLS_PER_SECOND",
    ] {
        assert!(shown.contains(part), "{part}: {shown}");
    }
}

#[tokio::test]
async fn fatal_failures_stop_at_once_and_unreachable_only_before_any_success() {
    let pacer = CallPacer::new(Pacing::default(), manual());
    let run = PacedRun::new(&pacer, "s".into(), "again".into());
    let fail = |kind| {
        let attempts = AtomicUsize::new(0);
        let run = &run;
        async move {
            let result = run
                .call(|| async {
                    match attempts.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(CallError {
                            kind,
                            ..throttled()
                        }),
                        _ => Ok(()),
                    }
                })
                .await;
            (result.is_ok(), attempts.load(Ordering::SeqCst))
        }
    };
    assert_eq!(fail(FailureKind::Fatal).await, (false, 1));
    assert_eq!(fail(FailureKind::Unreachable).await, (false, 1));
    assert_eq!(fail(FailureKind::ServerError).await, (true, 2));
    // Now that a call has succeeded, a lost connection is worth another try.
    assert_eq!(fail(FailureKind::Unreachable).await, (true, 2));
}
