//! The credentials a session holds, and the environment that hands them to a program.
//!
//! DESIGN.md fixes which variables a session sets; [`session_env`] is the one place that
//! builds them, so `exec`, the subshell, dotenv files and every export format agree.

use crate::secret::{mask, Secret};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// AWS credentials: an access key pair, the session token of temporary credentials, and when they expire.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub expiration: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &mask(&self.access_key_id))
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Variables a session removes from the environment so they cannot override it.
pub const REMOVED_VARS: &[&str] = &["AWS_PROFILE", "AWS_DEFAULT_PROFILE"];

/// The variables a session sets, in a stable order: keys, token (also as the old
/// `AWS_SECURITY_TOKEN`), expiration (RFC 3339), region when known, and `ROLECALL_PROFILE`.
pub fn session_env(
    creds: &Credentials,
    region: Option<&str>,
    profile: &str,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("AWS_ACCESS_KEY_ID".to_string(), creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            creds.secret_access_key.expose().to_string(),
        ),
    ];
    if let Some(token) = &creds.session_token {
        env.push(("AWS_SESSION_TOKEN".into(), token.expose().to_string()));
        env.push(("AWS_SECURITY_TOKEN".into(), token.expose().to_string()));
    }
    if let Some(exp) = creds.expiration {
        env.push((
            "AWS_CREDENTIAL_EXPIRATION".into(),
            exp.to_rfc3339_opts(SecondsFormat::Secs, true),
        ));
    }
    if let Some(region) = region {
        env.push(("AWS_REGION".into(), region.to_string()));
        env.push(("AWS_DEFAULT_REGION".into(), region.to_string()));
    }
    env.push(("ROLECALL_PROFILE".into(), profile.to_string()));
    env
}
