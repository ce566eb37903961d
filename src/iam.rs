//! The IAM calls `rolecall keys rotate` makes (CreateAccessKey, ListAccessKeys,
//! DeleteAccessKey) through aws-sdk-iam, with errors a person can act on.
//!
//! IAM is a global service: one endpoint per partition, signed for that partition's
//! first region (`us-east-1` in the `aws` partition). The caller says which, in an
//! [`IamTarget`], with the endpoint override the SDKs read (`AWS_ENDPOINT_URL_IAM`, then
//! `AWS_ENDPOINT_URL`; see [`crate::endpoint_url`]). CreateAccessKey is never retried: a
//! retry after an answer lost on the way back would make a second key.

use crate::call_failure::{examine, CallFailure};
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use chrono::{DateTime, Utc};

/// Where IAM calls go: the partition's signing region and an endpoint override.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamTarget {
    /// The region IAM is signed for (`us-east-1` in the `aws` partition).
    pub region: String,
    /// `AWS_ENDPOINT_URL_IAM` or `AWS_ENDPOINT_URL`.
    pub endpoint_url: Option<String>,
}

impl std::fmt::Display for IamTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.endpoint_url {
            Some(url) => write!(f, "{url} ({})", self.region),
            None => write!(f, "IAM ({})", self.region),
        }
    }
}

/// One access key of an IAM user, as ListAccessKeys describes it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKeyInfo {
    pub access_key_id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    pub created: Option<DateTime<Utc>>,
}

/// A key CreateAccessKey just made: the only time IAM tells its secret.
#[derive(Clone, Debug)]
pub struct CreatedKey {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub created: Option<DateTime<Utc>>,
}

/// What went wrong in an IAM call.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum IamError {
    /// IAM answered with an error (AccessDenied, LimitExceeded, NoSuchEntity, …).
    #[error("{code}: {message}")]
    Service { code: String, message: String },
    /// IAM could not be reached or did not answer in time.
    #[error("could not reach IAM at {endpoint} ({cause}): check the endpoint (AWS_ENDPOINT_URL_IAM) and the network")]
    Unreachable { endpoint: String, cause: String },
    /// Something answered that is not IAM.
    #[error("IAM at {endpoint} answered {answer}; check the endpoint (AWS_ENDPOINT_URL_IAM), or try again later")]
    Unreadable { endpoint: String, answer: String },
    /// Anything else the SDK reported.
    #[error("{0}")]
    Other(String),
}

impl IamError {
    /// IAM's error code, when IAM answered one.
    pub fn code(&self) -> Option<&str> {
        match self {
            IamError::Service { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Makes IAM calls over the process's HTTPS client ([`crate::http::client`]).
#[derive(Clone, Debug, Default)]
pub struct Iam;

impl Iam {
    pub fn new() -> Self {
        Iam
    }

    fn client(&self, creds: &Credentials, target: &IamTarget, retry: bool) -> aws_sdk_iam::Client {
        let provider = crate::sts::sdk_credentials(creds);
        let retry = crate::sts::call_retries(retry);
        let mut conf = aws_sdk_iam::Config::builder();
        conf.set_endpoint_url(target.endpoint_url.clone());
        let conf = conf
            .credentials_provider(provider)
            .behavior_version(BehaviorVersion::latest())
            .http_client(crate::http::client())
            .region(Region::new(target.region.clone()))
            .retry_config(retry)
            .timeout_config(crate::sts::call_timeouts())
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    /// The access keys of `user` (`None`: of the caller), signed with `creds`.
    pub async fn list_access_keys(
        &self,
        creds: &Credentials,
        target: &IamTarget,
        user: Option<&str>,
    ) -> Result<Vec<AccessKeyInfo>, IamError> {
        let out = self
            .client(creds, target, true)
            .list_access_keys()
            .set_user_name(user.map(str::to_string))
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        Ok(out
            .access_key_metadata()
            .iter()
            .filter_map(|k| {
                Some(AccessKeyInfo {
                    access_key_id: k.access_key_id()?.to_string(),
                    status: k
                        .status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    created: k.create_date().and_then(to_chrono),
                })
            })
            .collect())
    }

    /// A new access key for `user` (`None`: for the caller). Never retried.
    pub async fn create_access_key(
        &self,
        creds: &Credentials,
        target: &IamTarget,
        user: Option<&str>,
    ) -> Result<CreatedKey, IamError> {
        let out = self
            .client(creds, target, false)
            .create_access_key()
            .set_user_name(user.map(str::to_string))
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        let key = out
            .access_key()
            .ok_or_else(|| IamError::Other("CreateAccessKey returned no key".to_string()))?;
        Ok(CreatedKey {
            access_key_id: key.access_key_id().to_string(),
            secret_access_key: Secret::new(key.secret_access_key()),
            created: key.create_date().and_then(to_chrono),
        })
    }

    /// Deletes the access key `id` of `user` (`None`: of the caller).
    pub async fn delete_access_key(
        &self,
        creds: &Credentials,
        target: &IamTarget,
        user: Option<&str>,
        id: &str,
    ) -> Result<(), IamError> {
        self.client(creds, target, true)
            .delete_access_key()
            .set_user_name(user.map(str::to_string))
            .access_key_id(id)
            .send()
            .await
            .map_err(|e| classify(e, target))?;
        Ok(())
    }
}

fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Sorts an SDK error into what a person can act on. IAM messages name no secret.
fn classify<E>(err: SdkError<E, HttpResponse>, target: &IamTarget) -> IamError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let endpoint = target.to_string();
    match examine(&err, "IAM") {
        CallFailure::Service { code, message } => IamError::Service { code, message },
        CallFailure::Unreachable(cause) => IamError::Unreachable { endpoint, cause },
        CallFailure::Unreadable(answer) => IamError::Unreadable { endpoint, answer },
        CallFailure::NotSent(cause) => IamError::Other(format!(
            "the request to IAM at {endpoint} was not sent: {cause}"
        )),
    }
}

/// The name of the IAM user an ARN from GetCallerIdentity names
/// (`arn:aws:iam::123456789012:user/division/jane` → `jane`); `None` for anything else
/// (the account's root user, a role session), whose calls then act on the caller.
pub fn user_name_of(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some("iam"), Some(_), Some(_), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let path = resource.strip_prefix("user/")?;
    path.rsplit('/').next().filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests;
