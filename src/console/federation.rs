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
mod tests {
    use super::*;

    fn session() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: Secret::new("se/cr+et"),
            session_token: Some(Secret::new("to&ken=")),
            expiration: None,
        }
    }

    #[test]
    fn endpoints_by_partition() {
        assert_eq!(
            endpoint_of("aws-cn"),
            Some("https://signin.amazonaws.cn/federation")
        );
        assert_eq!(
            endpoint_of("aws-us-gov"),
            Some("https://signin.amazonaws-us-gov.com/federation")
        );
        assert_eq!(endpoint_of("aws-iso"), None);
    }

    #[test]
    fn destinations_are_in_the_region() {
        assert_eq!(
            Destination::Home.url(Some("eu-west-1"), "aws").unwrap(),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            Destination::Service("ec2".into())
                .url(Some("cn-north-1"), "aws-cn")
                .unwrap(),
            "https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1"
        );
        assert_eq!(
            Destination::Service("s3".into()).url(None, "aws").unwrap(),
            "https://console.aws.amazon.com/s3/home"
        );
        assert_eq!(
            Destination::Url("https://x.example/y?z".into())
                .url(Some("eu-west-1"), "aws")
                .unwrap(),
            "https://x.example/y?z"
        );
        assert!(Destination::Home.url(None, "aws-iso").is_none());
    }

    #[test]
    fn service_names_are_plain() {
        assert!(is_service_name("cloudformation"));
        assert!(is_service_name("systems-manager"));
        for bad in ["", "ec2/../x", "s3?x=1", "EC2 x"] {
            assert!(!is_service_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_session_is_encoded_json() {
        let url = signin_token_request("https://h/federation", &session(), Some(3600));
        let url = url.expose();
        let (head, session) = url.split_once("&Session=").unwrap();
        assert_eq!(
            head,
            "https://h/federation?Action=getSigninToken&SessionDuration=3600"
        );
        let decoded = percent_encoding::percent_decode_str(session)
            .decode_utf8()
            .unwrap();
        let json: serde_json::Value = serde_json::from_str(&decoded).unwrap();
        assert_eq!(json["sessionId"], "ASIAEXAMPLE");
        assert_eq!(json["sessionKey"], "se/cr+et");
        assert_eq!(json["sessionToken"], "to&ken=");
        assert!(!session.contains('&') && !session.contains('+'));
    }

    #[test]
    fn the_token_is_read_and_placed() {
        let token = parse_signin_token(br#"{"SigninToken":"abc+/="}"#).unwrap();
        assert!(parse_signin_token(b"{}").is_none());
        assert!(parse_signin_token(br#"{"SigninToken":""}"#).is_none());
        assert!(parse_signin_token(b"<html>").is_none());
        let url = login_url(
            "https://h/federation",
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
            &token,
        );
        assert_eq!(
            url.expose(),
            "https://h/federation?Action=login&Issuer=rolecall&Destination=https%3A%2F%2Feu-west-1.\
             console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=abc%2B%2F%3D"
        );
    }
}
