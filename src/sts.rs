//! STS calls (AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken, GetFederationToken)
//! through aws-sdk-sts, with errors a person can act on.
//!
//! Every call is configured from what the caller resolved for that one call (an
//! [`StsTarget`]: the region, an endpoint override, FIPS and dual-stack), never from the
//! environment's `AWS_PROFILE`: settings of an unrelated profile must not decide where
//! long-term keys are sent. A call that carries an MFA code is never retried, so a
//! one-time code cannot be sent twice.

use crate::call_failure::{examine, CallFailure};
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Where one STS call goes and how: resolved from the profile the call is made for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StsTarget {
    pub region: String,
    /// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, or the profile's `services`/`endpoint_url`.
    pub endpoint_url: Option<String>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
}

impl StsTarget {
    /// The standard endpoint of `region`, without overrides.
    pub fn in_region(region: impl Into<String>) -> Self {
        StsTarget {
            region: region.into(),
            endpoint_url: None,
            use_fips: false,
            use_dual_stack: false,
        }
    }
}

impl std::fmt::Display for StsTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.endpoint_url {
            Some(url) => write!(f, "{url} ({})", self.region)?,
            None => write!(f, "{}", self.region)?,
        }
        if self.use_fips {
            f.write_str(", FIPS")?;
        }
        if self.use_dual_stack {
            f.write_str(", dual-stack")?;
        }
        Ok(())
    }
}

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

impl Drop for MfaCode {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
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
    #[error(
        "could not reach STS at {endpoint} ({cause}): {}",
        crate::demo::unreachable_advice(
            "check the endpoint (AWS_ENDPOINT_URL_STS, the profile's endpoint_url) and the network"
        )
    )]
    Unreachable { endpoint: String, cause: String },
    /// Something answered that is not STS: garbage, an answer cut short, an HTML error
    /// page, a body too large to be STS's.
    #[error("STS at {endpoint} answered {answer}; check the endpoint (AWS_ENDPOINT_URL_STS, the profile's endpoint_url), or try again later")]
    Unreadable { endpoint: String, answer: String },
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

/// Parameters of one AssumeRoleWithWebIdentity call (the token goes beside them: it is
/// read from its file for each call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentityRequest {
    pub role_arn: String,
    pub session_name: String,
}

/// Makes STS calls; cheap to clone. Nothing is loaded until the first call (or
/// [`Sts::prepare`]): a TUI must not spend its first frame on it.
#[derive(Clone, Debug, Default)]
pub struct Sts {
    prepared: Arc<AtomicBool>,
    /// The HTTP client to use instead of [`crate::http::client`] (fuzzing, tests).
    http: Option<SharedHttpClient>,
}

impl Sts {
    /// A client whose set-up happens on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// STS over `http` instead of the process's HTTPS client (a fake in tests and fuzzing).
    pub fn with_http_client(http: SharedHttpClient) -> Self {
        Sts {
            http: Some(http),
            ..Self::default()
        }
    }

    /// Whether [`Sts::prepare`] ran.
    #[cfg(test)]
    pub(crate) fn is_loaded(&self) -> bool {
        self.prepared.load(Ordering::Relaxed)
    }

    /// Builds the shared HTTPS client ahead of the first call.
    pub async fn prepare(&self) {
        drop(crate::http::client());
        self.prepared.store(true, Ordering::Relaxed);
    }

    /// A client for one call to `target`, signing with `creds` (`None`: an unsigned call,
    /// as AssumeRoleWithWebIdentity is).
    fn client(
        &self,
        creds: Option<&Credentials>,
        target: &StsTarget,
        retry: bool,
    ) -> aws_sdk_sts::Client {
        let provider = creds.map(sdk_credentials);
        let retry = call_retries(retry);
        let mut conf = aws_sdk_sts::Config::builder();
        conf.set_endpoint_url(target.endpoint_url.clone());
        conf.set_credentials_provider(
            provider.map(aws_credential_types::provider::SharedCredentialsProvider::new),
        );
        let conf = conf
            .behavior_version(BehaviorVersion::latest())
            .http_client(self.http.clone().unwrap_or_else(crate::http::client))
            .region(Region::new(target.region.clone()))
            .use_fips(target.use_fips)
            .use_dual_stack(target.use_dual_stack)
            .retry_config(retry)
            .timeout_config(call_timeouts())
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    /// AssumeRole with `source` credentials.
    pub async fn assume_role(
        &self,
        source: &Credentials,
        target: &StsTarget,
        req: &AssumeRoleRequest,
    ) -> Result<Credentials, StsError> {
        let mut call = self
            .client(Some(source), target, req.mfa.is_none())
            .assume_role()
            .role_arn(&req.role_arn)
            .role_session_name(&req.session_name)
            .set_duration_seconds(req.duration_seconds.map(|d| d as i32))
            .set_external_id(req.external_id.clone());
        if let Some((serial, code)) = &req.mfa {
            call = call.serial_number(serial).token_code(code.as_str());
        }
        let out = call.send().await.map_err(|e| classify(e, target))?;
        returned(out.credentials(), "AssumeRole")
    }

    /// AssumeRoleWithWebIdentity: `role_arn` assumed with an OIDC `token` (an EKS service
    /// account's, a CI job's). The call is unsigned: the token is the credential.
    pub async fn assume_role_with_web_identity(
        &self,
        target: &StsTarget,
        req: &WebIdentityRequest,
        token: &Secret,
    ) -> Result<Credentials, StsError> {
        let out = self
            .client(None, target, true)
            .assume_role_with_web_identity()
            .role_arn(&req.role_arn)
            .role_session_name(&req.session_name)
            .web_identity_token(token.expose())
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        returned(out.credentials(), "AssumeRoleWithWebIdentity")
    }

    /// GetSessionToken on long-term keys: the MFA-authenticated source session when `mfa`
    /// gives the device and its code (never retried then: the code is good once), else a
    /// session of the keys with no MFA (what rolecall hands out for a stored key).
    pub async fn get_session_token(
        &self,
        source: &Credentials,
        target: &StsTarget,
        mfa: Option<(&str, &MfaCode)>,
        duration_seconds: Option<u32>,
    ) -> Result<Credentials, StsError> {
        let out = self
            .client(Some(source), target, mfa.is_none())
            .get_session_token()
            .set_serial_number(mfa.map(|(serial, _)| serial.to_string()))
            .set_token_code(mfa.map(|(_, code)| code.as_str().to_string()))
            .set_duration_seconds(duration_seconds.map(|d| d as i32))
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        returned(out.credentials(), "GetSessionToken")
    }

    /// GetFederationToken with long-term keys: a federated user session named `name`
    /// whose permissions are the keys' user's intersected with `policy` (an inline session
    /// policy; without one the session could do nothing). The AWS console accepts this
    /// session, where it refuses long-term keys and GetSessionToken's.
    pub async fn get_federation_token(
        &self,
        keys: &Credentials,
        target: &StsTarget,
        name: &str,
        policy: &str,
        duration_seconds: Option<u32>,
    ) -> Result<Credentials, StsError> {
        let out = self
            .client(Some(keys), target, true)
            .get_federation_token()
            .name(name)
            .policy(policy)
            .set_duration_seconds(duration_seconds.map(|d| d as i32))
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        returned(out.credentials(), "GetFederationToken")
    }
}

/// Who a set of credentials belongs to, as GetCallerIdentity says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

impl Sts {
    /// GetCallerIdentity with `creds`: whether they work, and whose they are. Not retried:
    /// `keys rotate` retries it on its own schedule while a new key becomes usable.
    pub async fn get_caller_identity(
        &self,
        creds: &Credentials,
        target: &StsTarget,
    ) -> Result<CallerIdentity, StsError> {
        let out = self
            .client(Some(creds), target, false)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
            user_id: out.user_id().unwrap_or_default().to_string(),
        })
    }
}

/// The credentials an STS answer holds; an answer without any is an error.
fn returned(
    creds: Option<&aws_sdk_sts::types::Credentials>,
    action: &str,
) -> Result<Credentials, StsError> {
    creds
        .map(from_sts)
        .ok_or_else(|| StsError::Other(format!("{action} returned no credentials")))
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
fn classify<E>(err: SdkError<E, HttpResponse>, target: &StsTarget) -> StsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let endpoint = target.to_string();
    match examine(&err, "STS") {
        CallFailure::Service { code, message } => {
            if message.contains("MultiFactorAuthentication") {
                StsError::WrongMfa(message)
            } else if code == "ExpiredToken" || code == "ExpiredTokenException" {
                StsError::Expired(message)
            } else {
                StsError::Service { code, message }
            }
        }
        CallFailure::Unreachable(cause) => StsError::Unreachable { endpoint, cause },
        CallFailure::Unreadable(answer) => StsError::Unreadable { endpoint, answer },
        CallFailure::NotSent(cause) => StsError::Other(format!(
            "the request to STS at {endpoint} was not sent: {cause}"
        )),
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

/// `creds` as the SDK clients' credentials (STS's and IAM's).
pub fn sdk_credentials(creds: &Credentials) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.expose().to_string(),
        creds.session_token.as_ref().map(|t| t.expose().to_string()),
        None,
        "rolecall",
    )
}

/// The retries of an STS or IAM call: one more attempt when `retry`, none for a call that
/// must not run twice (CreateAccessKey: a lost answer would make a second key).
pub fn call_retries(retry: bool) -> RetryConfig {
    if retry {
        RetryConfig::standard().with_max_attempts(2)
    } else {
        RetryConfig::disabled()
    }
}

/// The timeouts of an STS or IAM call: 3 s to connect, 10 s per attempt, 20 s in all.
pub fn call_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(20))
        .build()
}

#[cfg(test)]
mod tests;
