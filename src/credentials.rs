//! The credentials a session holds, and the environment that hands them to a program.
//!
//! DESIGN.md fixes which variables a session sets; [`session_env`] is the one place that
//! builds them, so `exec`, the subshell, dotenv files and every export format agree.

use crate::secret::{mask, Secret};
use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// AWS credentials: an access key pair, the session token of temporary credentials, and when they expire.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    #[serde(default, deserialize_with = "deserialize_expiration")]
    pub expiration: Option<DateTime<Utc>>,
}

/// Reads an expiration as sources and the session file give it: RFC 3339 with any offset,
/// for a time whose UTC year has four digits. Only such a time can be handed on: every
/// format rolecall prints (`AWS_CREDENTIAL_EXPIRATION`, `credential-process`, `json`)
/// writes it in RFC 3339, in UTC, and `9999-12-31T23:59:59-23:59` would come out as
/// `+10000-01-01T23:58:59Z`, which no AWS tool reads.
pub fn parse_expiration(text: &str) -> Option<DateTime<Utc>> {
    let time = DateTime::parse_from_rfc3339(text).ok()?.to_utc();
    (0..=9999).contains(&time.year()).then_some(time)
}

/// serde's reading of an optional expiration, by [`parse_expiration`]. The error names
/// no value (the session file it reads holds secrets).
pub fn deserialize_expiration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text: Option<std::borrow::Cow<'de, str>> = Option::deserialize(deserializer)?;
    text.map(|text| {
        parse_expiration(&text).ok_or_else(|| {
            serde::de::Error::custom(
                "an expiration is not an RFC 3339 time with a four-digit year in UTC",
            )
        })
    })
    .transpose()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expirations_are_rfc_3339_with_a_four_digit_utc_year() {
        let at = |s: &str| parse_expiration(s).map(|t| t.to_rfc3339());
        assert_eq!(
            at("2030-01-02T03:04:05Z").as_deref(),
            Some("2030-01-02T03:04:05+00:00")
        );
        assert_eq!(
            at("2030-01-02T05:04:05.5+02:00").as_deref(),
            Some("2030-01-02T03:04:05.500+00:00")
        );
        assert!(at("9999-12-31T23:59:59Z").is_some());
        // Found by fuzzing (fuzz/session_store): in UTC these are the years 10000 and -1,
        // which RFC 3339 cannot write, so no export format could hand them on.
        assert_eq!(at("9999-12-31T23:59:59-23:59"), None);
        assert_eq!(at("0000-01-01T00:00:00+00:01"), None);
        assert_eq!(at("+10000-01-01T00:00:00Z"), None);
        assert_eq!(at("soon"), None);
    }
}
