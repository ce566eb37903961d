//! The JSON formats: plain credentials, and the `credential_process` contract.

use crate::credentials::Credentials;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// RFC 3339 in UTC with a `Z`, to the second: the form AWS tools print and parse.
fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The `json` shape; field order is the output order, and absent parts are `null`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Plain<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
    expiration: Option<String>,
}

/// The `credential_process` shape: absent parts are omitted, as the SDKs expect.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Process<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

/// Pretty JSON and a newline. Serialising these structs of strings cannot fail.
fn pretty(value: &impl Serialize) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

/// `{"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`, pretty-printed.
pub(super) fn json(creds: &Credentials) -> String {
    pretty(&Plain {
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.as_ref().map(|t| t.expose()),
        expiration: creds.expiration.map(rfc3339),
    })
}

/// `{"Version": 1, …}` as an AWS `credential_process` must print it.
pub(super) fn credential_process(creds: &Credentials) -> String {
    pretty(&Process {
        version: 1,
        access_key_id: &creds.access_key_id,
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.as_ref().map(|t| t.expose()),
        expiration: creds.expiration.map(rfc3339),
    })
}
