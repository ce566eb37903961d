//! The TUI over the demo profiles with a fake backend: try the whole flow (assume, MFA,
//! sessions, subshell, dotenv) without AWS. The MFA code for `demo-admin-mfa` is `123456`.
//!
//! `cargo run --example tui_fake_backend`

use chrono::{Duration, Utc};
use futures::future::BoxFuture;
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::session::{Session, SessionKind};
use rolecall::tui::{AssumeFailure, Backend, RunOptions};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Fake {
    sessions: Mutex<Vec<Session>>,
}

fn fake_session(profile: &str) -> Session {
    Session {
        profile: profile.into(),
        kind: SessionKind::Profile,
        credentials: Credentials {
            access_key_id: "ASIAFAKEFAKEFAKE1234".into(),
            secret_access_key: Secret::new("fakeSecretKeyForTheTuiDemoOnly0000ABCD"),
            session_token: Some(Secret::new("fakeSessionTokenForTheTuiDemo9876")),
            expiration: Some(Utc::now() + Duration::minutes(20)),
        },
        source: "fake backend".into(),
        region: Some("eu-west-1".into()),
        obtained: Utc::now(),
    }
}

impl Backend for Fake {
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<String>,
    ) -> BoxFuture<'static, Result<Session, AssumeFailure>> {
        let result = match (profile.as_str(), mfa_code.as_deref()) {
            ("demo-admin-mfa", None) => Err(AssumeFailure::NeedsMfa {
                serial: "arn:aws:iam::111111111111:mfa/demo-user".into(),
            }),
            ("demo-admin-mfa", Some(code)) if code != "123456" => Err(AssumeFailure::WrongMfa {
                message: "invalid MFA one time pass code (try 123456)".into(),
            }),
            ("demo-instance", _) => Err(AssumeFailure::Failed {
                message: "no instance metadata endpoint here".into(),
            }),
            _ => Ok(fake_session(&profile)),
        };
        if let Ok(s) = &result {
            let mut all = self.sessions.lock().unwrap();
            all.retain(|x| x.profile != s.profile);
            all.push(s.clone());
        }
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            result
        })
    }

    fn sessions(&self) -> BoxFuture<'static, Result<Vec<Session>, String>> {
        let all = self.sessions.lock().unwrap().clone();
        Box::pin(async move { Ok(all) })
    }

    fn forget(&self, profile: String) -> BoxFuture<'static, Result<(), String>> {
        self.sessions
            .lock()
            .unwrap()
            .retain(|s| s.profile != profile);
        Box::pin(async { Ok(()) })
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = RunOptions {
        colors: std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()),
        loader: Arc::new(rolecall::demo::graph),
        watch: Vec::new(),
    };
    rolecall::tui::run(rolecall::demo::graph(), Arc::new(Fake::default()), opts).await
}
