//! STS calls (AssumeRole, GetSessionToken) through aws-sdk-sts, with errors a person can act on.
//!
//! The SDK configuration is loaded once per process; it honours the endpoint overrides the
//! SDK knows (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, `endpoint_url` in the profile),
//! which is also how the tests reach a local emulator.

use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;

/// The region STS is called in when neither the profile nor the environment names one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// A six-digit MFA code. The type exists so a code is checked once, where it is typed.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(String);

impl MfaCode {
    /// Accepts exactly six ASCII digits (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(MfaCode(t.to_string()))
        } else {
            Err("an MFA code is six digits".to_string())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode(******)")
    }
}

/// What went wrong in an STS call, classified so callers can react (re-ask an MFA code…).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StsError {
    /// STS rejected the MFA code.
    #[error("wrong MFA code: {0}")]
    WrongMfa(String),
    /// The source credentials have expired.
    #[error("the source credentials have expired ({0})")]
    Expired(String),
    /// STS answered with an error (AccessDenied, ValidationError, Throttling, …).
    #[error("{code}: {message}")]
    Service { code: String, message: String },
    /// STS could not be reached or did not answer in time.
    #[error("cannot reach STS: {0}")]
    Unreachable(String),
    /// Anything else the SDK reported.
    #[error("{0}")]
    Other(String),
}

/// Parameters of one AssumeRole call.
#[derive(Debug, Clone)]
pub struct AssumeRoleRequest {
    pub role_arn: String,
    pub session_name: String,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<String>,
    /// `mfa_serial` and the code, when the call itself carries MFA.
    pub mfa: Option<(String, MfaCode)>,
}

/// An STS client factory: the SDK configuration, loaded once, on first use.
///
/// Loading it reads the AWS config files through aws-config (for endpoint overrides such as
/// `AWS_ENDPOINT_URL_STS`) and the TLS roots: tens of milliseconds that a TUI must not
/// spend before its first frame. [`Sts::prepare`] does it ahead of the first call.
#[derive(Clone, Debug, Default)]
pub struct Sts {
    sdk: Arc<OnceCell<SdkConfig>>,
}

impl Sts {
    /// A factory whose SDK configuration is loaded when first needed.
    pub fn new() -> Self {
        Self::default()
    }

    /// A factory with its SDK configuration already loaded.
    pub async fn load() -> Self {
        let sts = Self::new();
        sts.prepare().await;
        sts
    }

    /// Whether the SDK configuration has been loaded.
    #[cfg(test)]
    pub(crate) fn is_loaded(&self) -> bool {
        self.sdk.initialized()
    }

    /// Loads the SDK configuration now, if not done yet.
    pub async fn prepare(&self) {
        self.sdk().await;
    }

    /// The SDK configuration (endpoint overrides, retries), without probing for
    /// credentials or a region: rolecall supplies both for every call.
    async fn sdk(&self) -> &SdkConfig {
        self.sdk
            .get_or_init(|| async {
                aws_config::defaults(BehaviorVersion::latest())
                    .region(Region::new(DEFAULT_REGION))
                    .no_credentials()
                    .retry_config(RetryConfig::standard().with_max_attempts(2))
                    .timeout_config(
                        TimeoutConfig::builder()
                            .connect_timeout(Duration::from_secs(3))
                            .operation_attempt_timeout(Duration::from_secs(10))
                            .operation_timeout(Duration::from_secs(20))
                            .build(),
                    )
                    .load()
                    .await
            })
            .await
    }

    async fn client(&self, creds: &Credentials, region: &str) -> aws_sdk_sts::Client {
        let provider = aws_credential_types::Credentials::new(
            creds.access_key_id.clone(),
            creds.secret_access_key.expose().to_string(),
            creds.session_token.as_ref().map(|t| t.expose().to_string()),
            None,
            "rolecall",
        );
        let conf = aws_sdk_sts::config::Builder::from(self.sdk().await)
            .region(Region::new(region.to_string()))
            .credentials_provider(provider)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    /// AssumeRole with `source` credentials.
    pub async fn assume_role(
        &self,
        source: &Credentials,
        region: &str,
        req: &AssumeRoleRequest,
    ) -> Result<Credentials, StsError> {
        let mut call = self
            .client(source, region)
            .await
            .assume_role()
            .role_arn(&req.role_arn)
            .role_session_name(&req.session_name)
            .set_duration_seconds(req.duration_seconds.map(|d| d as i32))
            .set_external_id(req.external_id.clone());
        if let Some((serial, code)) = &req.mfa {
            call = call.serial_number(serial).token_code(code.as_str());
        }
        let out = call.send().await.map_err(classify)?;
        out.credentials()
            .map(from_sts)
            .ok_or_else(|| StsError::Other("AssumeRole returned no credentials".into()))
    }

    /// GetSessionToken with MFA on long-term keys: the MFA-authenticated source session.
    pub async fn get_session_token(
        &self,
        source: &Credentials,
        region: &str,
        serial: &str,
        code: &MfaCode,
        duration_seconds: Option<u32>,
    ) -> Result<Credentials, StsError> {
        let out = self
            .client(source, region)
            .await
            .get_session_token()
            .serial_number(serial)
            .token_code(code.as_str())
            .set_duration_seconds(duration_seconds.map(|d| d as i32))
            .send()
            .await
            .map_err(classify)?;
        out.credentials()
            .map(from_sts)
            .ok_or_else(|| StsError::Other("GetSessionToken returned no credentials".into()))
    }
}

fn from_sts(c: &aws_sdk_sts::types::Credentials) -> Credentials {
    let exp = c.expiration();
    Credentials {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Some(Secret::new(c.session_token())),
        expiration: chrono::DateTime::from_timestamp(exp.secs(), exp.subsec_nanos()),
    }
}

/// Sorts an SDK error into what a person can act on. STS messages name no secret.
fn classify<E, R>(err: SdkError<E, R>) -> StsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = e.message().unwrap_or("").to_string();
            if message.contains("MultiFactorAuthentication") {
                StsError::WrongMfa(message)
            } else if code == "ExpiredToken" || code == "ExpiredTokenException" {
                StsError::Expired(message)
            } else {
                StsError::Service { code, message }
            }
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            StsError::Unreachable(DisplayErrorContext(&err).to_string())
        }
        _ => StsError::Other(DisplayErrorContext(&err).to_string()),
    }
}

/// The default `RoleSessionName`: the local user name, cut to STS's allowed characters
/// (`[\w+=,.@-]`, 2 to 64 of them).
pub fn default_session_name() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    sanitize_session_name(&user)
}

/// Replaces characters STS rejects with `-` and pads or cuts to 2..=64 characters.
pub fn sanitize_session_name(raw: &str) -> String {
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    if name.len() < 2 {
        name = format!("rolecall{name}");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mfa_codes_are_six_digits() {
        assert!(MfaCode::parse(" 123456 ").is_ok());
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert!(MfaCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            format!("{:?}", MfaCode::parse("123456").unwrap()),
            "MfaCode(******)"
        );
    }

    #[test]
    fn session_names_are_sanitised() {
        assert_eq!(sanitize_session_name("jane.doe@corp"), "jane.doe@corp");
        assert_eq!(sanitize_session_name("Jane Doe/ü"), "Jane-Doe--");
        assert_eq!(sanitize_session_name(""), "rolecall");
        assert_eq!(sanitize_session_name("x"), "rolecallx");
        assert_eq!(sanitize_session_name(&"a".repeat(100)).len(), 64);
    }
}
