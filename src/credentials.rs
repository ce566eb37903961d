//! The credentials a session holds. The environment that hands them to a program is
//! built in `session::child_env`.

use crate::secret::{mask, Secret};
use chrono::{DateTime, Datelike, Timelike, Utc};
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

impl Credentials {
    /// Whether these are temporary credentials, with a session token and an expiration:
    /// the only kind the container credentials protocol (the local endpoint) can serve.
    pub fn is_temporary(&self) -> bool {
        self.session_token.is_some() && self.expiration.is_some()
    }
}

/// Reads an expiration as sources, the session file and the SSO token cache give it:
/// RFC 3339 with any offset, for a time whose UTC year has four digits. Only such a time
/// can be handed on: every format rolecall prints (`AWS_CREDENTIAL_EXPIRATION`,
/// `credential-process`, `json`) writes it in RFC 3339, in UTC, and
/// `9999-12-31T23:59:59-23:59` would come out as `+10000-01-01T23:58:59Z`, which no AWS
/// tool reads. A leap second (`23:59:60`) is read as the second before it, which ends no
/// later: Python's datetime, and so botocore and the AWS CLI, refuse a second of 60.
pub fn parse_expiration(text: &str) -> Option<DateTime<Utc>> {
    let time = DateTime::parse_from_rfc3339(text).ok()?.to_utc();
    // chrono marks a leap second with a fraction of one second or more.
    let time = time.with_nanosecond(time.nanosecond() % 1_000_000_000)?;
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

#[cfg(test)]
mod tests;
