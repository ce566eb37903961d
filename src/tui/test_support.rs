//! Builders shared by the TUI's state and view tests.

use super::app::{App, Msg};
use super::backend::{AssumeFailure, Assumed, SignInPrompt, SignInStatus};
use crate::credentials::Credentials;
use crate::profile::ProfileGraph;
use crate::secret::Secret;
use crate::session::{ListedSession, SessionKey};
use crate::session::{Session, SessionKind};
use crate::sts::MfaCode;
use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures::future::BoxFuture;
use std::sync::Arc;

/// A fixed clock, so countdowns are deterministic.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()
}

/// The demo graph's app, in colour.
pub fn demo_app() -> App {
    App::new(std::sync::Arc::new(crate::demo::graph()), t0(), true)
}

/// A session for `profile` expiring `secs` after [`t0`].
pub fn session(profile: &str, secs: i64) -> Session {
    Session {
        profile: profile.into(),
        kind: SessionKind::Profile,
        credentials: Credentials {
            access_key_id: "ASIAEXAMPLEKEYID1234".into(),
            secret_access_key: Secret::new("SECRETsecretSECRETsecret0000WXYZ"),
            session_token: Some(Secret::new("TOKENtokenTOKENtokenTOKEN9876")),
            expiration: Some(t0() + Duration::seconds(secs)),
        },
        source: "assume-role via demo-base".into(),
        region: Some("eu-west-1".into()),
        obtained: t0(),
        fingerprint: "fp".into(),
        mfa_serial: None,
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types `text` one key at a time.
pub fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(ch(c));
    }
}

/// Names of the filtered profiles, in order.
pub fn names(app: &App) -> Vec<&str> {
    app.filtered
        .iter()
        .map(|&i| app.profiles()[i].name.as_str())
        .collect()
}

/// A scripted [`Backend`](super::backend::Backend): answers assumes from a queue and records
/// every call, so tests can check what the runtime asked for.
#[derive(Default)]
pub struct FakeBackend {
    pub answers: std::sync::Mutex<std::collections::VecDeque<Result<Assumed, AssumeFailure>>>,
    pub calls: std::sync::Mutex<Vec<String>>,
    /// Assumes wait this long before answering (to test cancellation).
    pub delay: std::time::Duration,
}

impl FakeBackend {
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Queues the answer to the next assume.
    pub fn answer(&self, answer: Result<Session, AssumeFailure>) {
        self.answers
            .lock()
            .unwrap()
            .push_back(answer.map(|session| Assumed {
                session: Box::new(session),
                warnings: vec![],
            }));
    }

    fn next(&self, call: String) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        self.calls.lock().unwrap().push(call);
        let answer = self.answers.lock().unwrap().pop_front().unwrap_or_else(|| {
            Err(AssumeFailure::Failed {
                message: "no scripted answer".into(),
            })
        });
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            answer
        })
    }
}

impl super::backend::Backend for FakeBackend {
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        // The code itself is never recorded: the call says whether there was one.
        let code = if mfa_code.is_some() {
            " with a code"
        } else {
            ""
        };
        let refresh = if refresh { " (refresh)" } else { "" };
        self.next(format!("assume {profile}{code}{refresh}"))
    }

    fn renew_mfa(
        &self,
        profile: String,
        serial: String,
        _code: MfaCode,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        self.next(format!("renew {profile} {serial}"))
    }

    fn sessions(&self) -> BoxFuture<'static, Result<Vec<ListedSession>, String>> {
        self.calls.lock().unwrap().push("sessions".into());
        Box::pin(async { Ok(vec![listed(session("demo-ops", 600))]) })
    }

    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("forget {} {}", key.profile, key.kind.as_str()));
        Box::pin(async { Ok(()) })
    }

    fn sign_in(
        &self,
        profile: String,
        prompt: tokio::sync::oneshot::Sender<SignInPrompt>,
    ) -> BoxFuture<'static, Result<(), String>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("sign in {profile}"));
        let _ = prompt.send(SignInPrompt {
            session: "sso-session corp".into(),
            url: "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH".into(),
            user_code: "ABCD-EFGH".into(),
            expires_at: t0() + Duration::seconds(600),
            browser: "opened with true".into(),
        });
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            Ok(())
        })
    }

    fn serve(
        &self,
        profile: String,
    ) -> BoxFuture<'static, Result<crate::server::CredentialServer, String>> {
        self.calls.lock().unwrap().push(format!("serve {profile}"));
        Box::pin(async move {
            let feed: Arc<dyn crate::server::SessionFeed> =
                Arc::new(FixedFeed(session(&profile, 3600)));
            crate::server::start(feed, crate::server::ServerConfig::default())
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn console(&self, profile: String) -> BoxFuture<'static, Result<String, String>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("console {profile}"));
        Box::pin(async move { Ok(format!("opened the AWS console for {profile} with true")) })
    }

    fn sign_ins(&self) -> BoxFuture<'static, Vec<SignInStatus>> {
        Box::pin(async { Vec::new() })
    }

    fn reload(&self, rediscover: bool) -> BoxFuture<'static, Arc<ProfileGraph>> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("reload {rediscover}"));
        Box::pin(async { Arc::new(crate::demo::graph()) })
    }

    fn discover(&self) -> BoxFuture<'static, Option<Arc<ProfileGraph>>> {
        self.calls.lock().unwrap().push("discover".into());
        Box::pin(async { None })
    }
}

/// The demo's profiles plus one role IAM Identity Center discovery found:
/// `Payments-Prod.Admin` (account 777777777777, "Payments Prod").
pub fn demo_graph_with_a_discovered_role() -> Arc<ProfileGraph> {
    let graph = crate::demo::graph();
    let mut profiles = graph.profiles().to_vec();
    profiles.push(crate::profile::Profile::sso_role(
        "Payments-Prod.Admin".into(),
        Some("demo"),
        None,
        None,
        "777777777777",
        "Payments Prod",
        "Admin",
        Some("eu-west-2"),
    ));
    Arc::new(graph.with_profiles(profiles))
}

/// A backend's answer carrying `session` and no warnings.
pub fn assumed(session: Session) -> Assumed {
    Assumed {
        session: Box::new(session),
        warnings: vec![],
    }
}

/// A feed serving one session's credentials, always.
struct FixedFeed(Session);

impl crate::server::SessionFeed for FixedFeed {
    fn obtain(
        &self,
        _: bool,
    ) -> BoxFuture<'static, Result<crate::credentials::Credentials, crate::server::FeedError>> {
        let mut credentials = self.0.credentials.clone();
        // Served credentials must not be expired by the real clock.
        credentials.expiration = Some(Utc::now() + Duration::hours(1));
        Box::pin(async move { Ok(credentials) })
    }
}

/// A current (not stale) listing of `session`.
pub fn listed(session: Session) -> ListedSession {
    ListedSession {
        session,
        stale: false,
    }
}
