//! EC2 instance metadata credentials: IMDSv2 with a session token, IMDSv1 when the token
//! request is refused — the AWS CLI's behaviour.

use super::http::{request, HttpError};
use super::{BaseCredentials, Origin, SourceError, DEFAULT_METADATA_TIMEOUT};
use crate::credentials::Credentials;
use crate::secret::Secret;
use serde::Deserialize;
use std::time::Duration;

/// Where the metadata services are and how long to wait for them.
#[derive(Debug, Clone)]
pub struct MetadataConfig {
    /// The IMDS base URL, ending in `/`.
    pub imds_endpoint: String,
    /// Bound on each request.
    pub timeout: Duration,
    /// Attempts per request.
    pub attempts: u32,
}

impl MetadataConfig {
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, `AWS_METADATA_SERVICE_TIMEOUT` (seconds) and
    /// `AWS_METADATA_SERVICE_NUM_ATTEMPTS`, with the AWS CLI's defaults.
    pub fn from_env() -> Self {
        let mut endpoint = std::env::var("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .unwrap_or_else(|_| "http://169.254.169.254/".into());
        if !endpoint.ends_with('/') {
            endpoint.push('/');
        }
        let timeout = std::env::var("AWS_METADATA_SERVICE_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0 && *s < 600.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_METADATA_TIMEOUT);
        let attempts = std::env::var("AWS_METADATA_SERVICE_NUM_ATTEMPTS")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|n| (1..=10).contains(n))
            .unwrap_or(1);
        MetadataConfig {
            imds_endpoint: endpoint,
            timeout,
            attempts,
        }
    }
}

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

const TOKEN_HEADER: &str = "X-aws-ec2-metadata-token";

async fn get(
    config: &MetadataConfig,
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
) -> Result<super::http::Response, HttpError> {
    let mut last = None;
    for _ in 0..config.attempts {
        match request(method, url, headers, config.timeout).await {
            Ok(r) if r.status >= 500 => last = Some(Ok(r)),
            Ok(r) => return Ok(r),
            Err(e) => last = Some(Err(e)),
        }
    }
    last.expect("at least one attempt")
}

/// The IMDSv2 token, or `None` when IMDS answers that tokens are not in use (v1 fallback).
async fn token(config: &MetadataConfig) -> Result<Option<String>, SourceError> {
    let url = format!("{}latest/api/token", config.imds_endpoint);
    match get(
        config,
        &url,
        "PUT",
        &[("X-aws-ec2-metadata-token-ttl-seconds", "21600")],
    )
    .await
    {
        Ok(r) if r.status == 200 => Ok(Some(r.body.trim().to_string())),
        Ok(r) if (403..=405).contains(&r.status) => Ok(None),
        Ok(r) => Err(SourceError::Imds(format!(
            "token request to {url} answered HTTP {}",
            r.status
        ))),
        Err(HttpError::Timeout { .. }) => Ok(None),
        Err(e) => Err(SourceError::Imds(e.to_string())),
    }
}

/// Credentials of the instance profile role.
pub async fn imds_credentials(config: &MetadataConfig) -> Result<BaseCredentials, SourceError> {
    let token = token(config).await?;
    let headers: Vec<(&str, &str)> = token.iter().map(|t| (TOKEN_HEADER, t.as_str())).collect();
    let base = format!(
        "{}latest/meta-data/iam/security-credentials/",
        config.imds_endpoint
    );
    let fetch = |url: String| {
        let headers = headers.clone();
        async move {
            match get(config, &url, "GET", &headers).await {
                Ok(r) if r.status == 200 => Ok(r.body),
                Ok(r) if r.status == 404 => Err(SourceError::Imds(format!(
                    "{url} answered 404: this instance has no IAM role attached"
                ))),
                Ok(r) => Err(SourceError::Imds(format!(
                    "{url} answered HTTP {}",
                    r.status
                ))),
                Err(e) => Err(SourceError::Imds(e.to_string())),
            }
        }
    };
    let listing = fetch(base.clone()).await?;
    let role = listing
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| SourceError::Imds(format!("{base} lists no role")))?
        .to_string();
    let body = fetch(format!("{base}{role}")).await?;
    let credentials = parse_credentials(body.as_bytes()).map_err(|e| {
        SourceError::Imds(format!("credentials for role '{role}' are not usable: {e}"))
    })?;
    Ok(BaseCredentials {
        credentials,
        origin: Origin {
            kind: "iam-role",
            location: format!("{}{}", base, role),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_credentials_document() {
        let c = parse_credentials(
            br#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAX","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-02T03:04:05Z"}"#,
        )
        .unwrap();
        assert_eq!(c.access_key_id, "ASIAX");
        assert_eq!(c.session_token.unwrap().expose(), "t");
        assert_eq!(
            c.expiration.unwrap().to_rfc3339(),
            "2030-01-02T03:04:05+00:00"
        );
    }

    #[test]
    fn an_expiration_rfc_3339_cannot_write_is_refused_without_quoting() {
        // Found by fuzzing (fuzz/session_store, the same reading): year -1 in UTC.
        let err = parse_credentials(
            br#"{"AccessKeyId":"A","SecretAccessKey":"SECRETSECRET","Expiration":"0000-01-01T00:00:00+00:01"}"#,
        )
        .unwrap_err();
        assert!(err.contains("Data error"), "{err}");
        assert!(!err.contains("SECRETSECRET"), "{err}");
    }
}
