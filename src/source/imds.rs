//! EC2 instance metadata credentials: IMDSv2 with a session token, and IMDSv1 when the
//! token request fails the way botocore falls back (the AWS CLI's behaviour; aws-config
//! speaks IMDSv2 only).
//!
//! botocore 1.44 (`utils.py`, `IMDSFetcher._fetch_metadata_token` and `_get_request`):
//! - the token is `PUT latest/api/token` with `x-aws-ec2-metadata-token-ttl-seconds: 21600`;
//! - 200 → the token; 403, 404, 405 → IMDSv1 at once; 400 → an error (no credentials);
//! - a read timeout → IMDSv1 at once; a connection error (refused, closed, connect
//!   timeout) or any other status → the next attempt, and IMDSv1 after the last one;
//! - with `ec2_metadata_v1_disabled` set, "IMDSv1 after all" becomes an error and no
//!   IMDSv1 request is made; `AWS_EC2_METADATA_DISABLED=true` makes no request at all.
//!
//! rolecall does the same, with one timeout bounding a whole request (it cannot tell a
//! connect timeout from a read timeout, and treats both as botocore's read timeout). The
//! reads after the token are retried on 5xx and transport errors, as aws-config retries
//! (botocore also retries any non-200 and empty bodies); 404 on the role listing means
//! the instance has no role.

mod client;
mod config;

use super::{BaseCredentials, CredentialOrigin, SourceError};
use crate::credentials::Credentials;
use crate::secret::Secret;
use client::{HttpError, MetadataClient, Reply};
use hyper::Method;
use serde::Deserialize;

pub use config::{
    ImdsEndpoint, MetadataConfig, ProfileMetadataSettings, DEFAULT_METADATA_TIMEOUT, IPV4_ENDPOINT,
    IPV6_ENDPOINT,
};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ImdsCredentials {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::credentials::deserialize_expiration"
    )]
    expiration: Option<chrono::DateTime<chrono::Utc>>,
}

/// Parses the credentials document IMDS serves for a role. The error never quotes the
/// body, which holds secrets.
pub fn parse_credentials(body: &[u8]) -> Result<Credentials, String> {
    let parsed: ImdsCredentials = serde_json::from_slice(body).map_err(|e| {
        format!(
            "not the expected JSON ({:?} error at line {} column {})",
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    Ok(Credentials {
        access_key_id: parsed.access_key_id,
        secret_access_key: Secret::new(parsed.secret_access_key),
        session_token: parsed.token.map(Secret::new),
        expiration: parsed.expiration,
    })
}

const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";

/// A GET, retried on 5xx and transport errors up to the configured attempts.
async fn get(
    client: &MetadataClient,
    config: &MetadataConfig,
    url: &str,
    headers: &[(&'static str, &str)],
) -> Result<Reply, HttpError> {
    let mut last = None;
    for _ in 0..config.attempts {
        match client.send(Method::GET, url, headers).await {
            Ok(r) if r.status >= 500 => last = Some(Ok(r)),
            Ok(r) => return Ok(r),
            Err(e) => last = Some(Err(e)),
        }
    }
    last.expect("at least one attempt")
}

/// The IMDSv2 token, or `None` to fall back to IMDSv1 (botocore's rule, above).
async fn token(
    client: &MetadataClient,
    config: &MetadataConfig,
    endpoint: &ImdsEndpoint,
) -> Result<Option<Secret>, SourceError> {
    let url = format!("{}latest/api/token", endpoint.url);
    let fallback = |why: String| match &endpoint.v1_disabled_by {
        None => Ok(None),
        Some(by) => Err(SourceError::Imds(format!(
            "the IMDSv2 token request failed ({why}) and the IMDSv1 fallback is disabled by \
             {by}: check that IMDS is reachable, or allow IMDSv1"
        ))),
    };
    let mut last = String::new();
    for _ in 0..config.attempts {
        match client
            .send(Method::PUT, &url, &[(TOKEN_TTL_HEADER, "21600")])
            .await
        {
            Ok(r) if r.status == 200 => {
                let token = String::from_utf8_lossy(&r.body).trim().to_string();
                return Ok(Some(Secret::new(token)));
            }
            Ok(r) if (403..=405).contains(&r.status) => {
                return fallback(format!("{url} answered HTTP {}", r.status))
            }
            Ok(r) if r.status == 400 => {
                return Err(SourceError::Imds(format!(
                    "token request to {url} answered HTTP 400 (bad request)"
                )))
            }
            Ok(r) => last = format!("{url} answered HTTP {}", r.status),
            Err(e @ HttpError::Timeout { .. }) => return fallback(e.to_string()),
            Err(e) => last = e.to_string(),
        }
    }
    fallback(last)
}

/// One conversation with IMDS: the endpoint, and the IMDSv2 token every read carries
/// (none after the IMDSv1 fallback).
struct ImdsReader<'c> {
    client: MetadataClient,
    config: &'c MetadataConfig,
    endpoint: &'c ImdsEndpoint,
    token: Option<Secret>,
}

impl<'c> ImdsReader<'c> {
    /// Asks for a token (or falls back to IMDSv1 as botocore does).
    async fn open(config: &'c MetadataConfig) -> Result<Self, SourceError> {
        let endpoint = config
            .imds
            .as_ref()
            .map_err(|e| SourceError::Imds(e.clone()))?;
        let client = MetadataClient::new(config.timeout);
        let token = token(&client, config, endpoint).await?;
        Ok(ImdsReader {
            client,
            config,
            endpoint,
            token,
        })
    }

    /// The URL of `path` under the endpoint.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint.url)
    }

    /// The body at `url`; `on_404` says what a 404 there means.
    async fn read(&self, url: &str, on_404: &str) -> Result<bytes::Bytes, SourceError> {
        let headers: Vec<(&'static str, &str)> = self
            .token
            .iter()
            .map(|t| (TOKEN_HEADER, t.expose()))
            .collect();
        match get(&self.client, self.config, url, &headers).await {
            Ok(r) if r.status == 200 => Ok(r.body),
            Ok(r) if r.status == 404 => {
                Err(SourceError::Imds(format!("{url} answered 404: {on_404}")))
            }
            Ok(r) => Err(SourceError::Imds(format!(
                "{url} answered HTTP {}",
                r.status
            ))),
            Err(e) => Err(SourceError::Imds(e.to_string())),
        }
    }
}

/// Credentials of the instance profile role.
pub async fn imds_credentials(config: &MetadataConfig) -> Result<BaseCredentials, SourceError> {
    let imds = ImdsReader::open(config).await?;
    let base = imds.url("latest/meta-data/iam/security-credentials/");
    let no_role = "this instance has no IAM role attached";
    let listing = imds.read(&base, no_role).await?;
    let role = String::from_utf8_lossy(&listing)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| SourceError::Imds(format!("{base} lists no role")))?
        .to_string();
    let body = imds.read(&format!("{base}{role}"), no_role).await?;
    let credentials = parse_credentials(&body).map_err(|e| {
        SourceError::Imds(format!("credentials for role '{role}' are not usable: {e}"))
    })?;
    Ok(BaseCredentials {
        credentials,
        origin: CredentialOrigin {
            kind: "iam-role",
            location: format!("{base}{role}"),
        },
    })
}

/// The instance's region (`placement/region`), as aws-config's default region chain
/// reads it when nothing configures one.
pub async fn imds_region(config: &MetadataConfig) -> Result<String, SourceError> {
    let imds = ImdsReader::open(config).await?;
    let url = imds.url("latest/meta-data/placement/region");
    let body = imds
        .read(&url, "this instance metadata service has no region")
        .await?;
    let region = String::from_utf8_lossy(&body).trim().to_string();
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(region)
    } else {
        Err(SourceError::Imds(format!(
            "{url} answered something that is not a region name"
        )))
    }
}

#[cfg(test)]
mod tests;
