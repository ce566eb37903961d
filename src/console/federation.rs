//! The console's federation endpoint: where it is in each partition, the
//! `getSigninToken` request that trades a session for a sign-in token, and the
//! `Action=login` URL that spends the token.
//!
//! The request's query holds the session's keys and the login URL holds the sign-in token,
//! so both are built as [`Secret`]s and no error here repeats either.

use crate::credentials::Credentials;
use crate::secret::Secret;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

/// Overrides the federation endpoint (a full URL ending in `/federation`); the tests point
/// it at a loopback stand-in.
pub const FEDERATION_ENDPOINT_VAR: &str = "ROLECALL_FEDERATION_ENDPOINT";

/// The `Issuer` of the login URL: who sent the user to the console.
pub const ISSUER: &str = "rolecall";

/// Characters a query value keeps as they are (RFC 3986's unreserved ones).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The federation endpoint of a partition; `None` where there is no public console.
pub fn endpoint_of(partition: &str) -> Option<&'static str> {
    match partition {
        "aws" => Some("https://signin.aws.amazon.com/federation"),
        "aws-cn" => Some("https://signin.amazonaws.cn/federation"),
        "aws-us-gov" => Some("https://signin.amazonaws-us-gov.com/federation"),
        _ => None,
    }
}

/// The console's domain in a partition.
fn console_domain(partition: &str) -> Option<&'static str> {
    match partition {
        "aws" => Some("console.aws.amazon.com"),
        "aws-cn" => Some("console.amazonaws.cn"),
        "aws-us-gov" => Some("console.amazonaws-us-gov.com"),
        _ => None,
    }
}

/// Where the console opens after sign-in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Destination {
    /// The console's home page.
    #[default]
    Home,
    /// A service's home page (`ec2`, `s3`, `cloudformation`…).
    Service(String),
    /// A console URL, taken as given.
    Url(String),
}

impl Destination {
    /// The destination URL, in `region` when known: `https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1`.
    /// `None` for a partition without a public console.
    pub fn url(&self, region: Option<&str>, partition: &str) -> Option<String> {
        let path = match self {
            Destination::Url(url) => return Some(url.clone()),
            Destination::Home => "console",
            Destination::Service(service) => service.trim_matches('/'),
        };
        let domain = console_domain(partition)?;
        Some(match region {
            Some(region) => format!("https://{region}.{domain}/{path}/home?region={region}"),
            None => format!("https://{domain}/{path}/home"),
        })
    }
}

/// A service name as `--service` accepts it: letters, digits and `-` (what console paths
/// use), so it cannot reshape the URL it goes into.
pub fn is_service_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The session as the federation endpoint reads it.
#[derive(Serialize)]
struct SessionJson<'a> {
    #[serde(rename = "sessionId")]
    session_id: &'a str,
    #[serde(rename = "sessionKey")]
    session_key: &'a str,
    #[serde(rename = "sessionToken")]
    session_token: &'a str,
}

/// The `getSigninToken` URL for a session: `ENDPOINT?Action=getSigninToken[&SessionDuration=N]&Session=…`.
/// The credentials must be temporary (they carry a session token).
pub fn signin_token_request(
    endpoint: &str,
    creds: &Credentials,
    session_duration: Option<u32>,
) -> Secret {
    let session = zeroize::Zeroizing::new(
        serde_json::to_string(&SessionJson {
            session_id: &creds.access_key_id,
            session_key: creds.secret_access_key.expose(),
            session_token: creds.session_token.as_ref().map_or("", |t| t.expose()),
        })
        .expect("three strings serialise"),
    );
    let mut url = format!("{endpoint}?Action=getSigninToken");
    if let Some(seconds) = session_duration {
        url.push_str(&format!("&SessionDuration={seconds}"));
    }
    url.push_str("&Session=");
    url.extend(utf8_percent_encode(&session, QUERY_VALUE));
    Secret::new(url)
}

/// The endpoint's answer to `getSigninToken`.
#[derive(Deserialize)]
struct SigninTokenJson {
    #[serde(rename = "SigninToken")]
    signin_token: Secret,
}

/// The sign-in token of a `getSigninToken` answer; `None` when the body has none.
pub fn parse_signin_token(body: &[u8]) -> Option<Secret> {
    serde_json::from_slice::<SigninTokenJson>(body)
        .ok()
        .map(|j| j.signin_token)
        .filter(|t| !t.expose().is_empty())
}

/// The URL that signs the browser in: `ENDPOINT?Action=login&Issuer=…&Destination=…&SigninToken=…`.
pub fn login_url(endpoint: &str, destination: &str, token: &Secret) -> Secret {
    let encode = |v: &str| utf8_percent_encode(v, QUERY_VALUE).to_string();
    Secret::new(format!(
        "{endpoint}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        encode(ISSUER),
        encode(destination),
        encode(token.expose())
    ))
}

#[cfg(test)]
mod tests;
