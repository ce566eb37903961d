//! Base credentials: where the first link of a profile's chain gets its keys.
//!
//! Each source reports what it is the way `aws configure list` does (a type such as
//! `shared-credentials-file` or `iam-role`, and a location), so the TUI and `sessions`
//! can say where a session came from.

pub mod imds;
pub mod pod_identity;
pub mod process;
pub mod token_file;
pub mod web_identity;

use crate::credentials::Credentials;
use crate::error_chain::root_cause;
use crate::profile::CredentialSource;
use crate::secret::Secret;
use aws_credential_types::provider::ProvideCredentials;

pub use imds::{
    imds_credentials, imds_region, ImdsEndpoint, MetadataConfig, ProfileMetadataSettings,
    DEFAULT_METADATA_TIMEOUT, IPV4_ENDPOINT, IPV6_ENDPOINT,
};
pub use process::{credential_process, mfa_code, ChildTerminal, MfaProcess, MfaProcessError};

/// Base credentials and where they came from.
#[derive(Debug, Clone)]
pub struct BaseCredentials {
    pub credentials: Credentials,
    pub origin: CredentialOrigin,
}

/// Where base credentials came from: the source's kind and location, in the terms of
/// `aws configure list`'s Type and Location columns (a session's `source` line is made of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialOrigin {
    /// `shared-credentials-file`, `env`, `iam-role`, `container-role`, `custom-process`.
    pub kind: &'static str,
    /// The file, endpoint or command it was read from.
    pub location: String,
}

impl std::fmt::Display for CredentialOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.kind, self.location)
    }
}

/// Why base credentials could not be obtained. Never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    Missing(String),
    #[error("instance metadata: {0}")]
    Imds(String),
    #[error("container credentials endpoint: {0}")]
    Container(String),
    /// `program` is the command's first word only: the rest may hold secrets.
    #[error("credential_process `{program}` failed: {message}")]
    Process { program: String, message: String },
    #[error("environment: {0}")]
    Environment(String),
    /// The file a web identity token is read from, the setting that named it, and what is
    /// wrong with it: `/var/run/token (AWS_WEB_IDENTITY_TOKEN_FILE) does not exist: …`.
    #[error("web identity token file {0}")]
    WebIdentityToken(String),
}

/// Long-term keys from the credentials or config file.
pub fn static_keys(credentials: &Credentials, file: &str) -> BaseCredentials {
    BaseCredentials {
        credentials: credentials.clone(),
        origin: CredentialOrigin {
            kind: "shared-credentials-file",
            location: file.to_string(),
        },
    }
}

/// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` from the environment.
pub async fn environment() -> Result<BaseCredentials, SourceError> {
    let provider = aws_config::environment::EnvironmentVariableCredentialsProvider::new();
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| SourceError::Environment(root_cause(&e)))?;
    Ok(BaseCredentials {
        credentials: from_sdk(&creds),
        origin: CredentialOrigin {
            kind: "env",
            location: "AWS_ACCESS_KEY_ID".into(),
        },
    })
}

/// The URL aws-config's ECS provider fetches container credentials from, for display
/// (`lookup` reads the environment; tests pass a map). `RELATIVE_URI` wins over
/// `FULL_URI` when both are set, in aws-config (`ecs.rs`, `Provider::uri`) and botocore
/// (`ContainerProvider`) alike.
pub fn container_endpoint(lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    lookup("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .map(|rel| format!("http://169.254.170.2{rel}"))
        .or_else(|| lookup("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
}

/// The container endpoint (ECS tasks, EKS Pod Identity, CloudShell):
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `AWS_CONTAINER_CREDENTIALS_FULL_URI` with
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at every call) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, through aws-config's provider, after
/// [`pod_identity`]'s checks.
pub async fn container(config: &MetadataConfig) -> Result<BaseCredentials, SourceError> {
    let lookup = |name: &str| std::env::var(name).ok();
    let location = container_endpoint(&lookup).ok_or_else(|| {
        SourceError::Container(
            "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set".into(),
        )
    })?;
    if lookup("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_none() {
        pod_identity::check_full_uri(&location)?;
    }
    if let Some(file) = lookup("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        pod_identity::check_authorization_token_file(file.as_ref())?;
    }
    let provider = aws_config::ecs::EcsCredentialsProvider::builder()
        .configure(
            &aws_config::provider_config::ProviderConfig::without_region()
                .with_http_client(crate::http::client()),
        )
        .connect_timeout(config.timeout)
        .read_timeout(config.timeout)
        .build();
    let attempt = provider.credentials();
    let creds = tokio::time::timeout(config.timeout * 3, attempt)
        .await
        .map_err(|_| {
            SourceError::Container(format!(
                "no answer from {location} within {:?}",
                config.timeout * 3
            ))
        })?
        .map_err(|e| SourceError::Container(format!("{location}: {}", root_cause(&e))))?;
    Ok(BaseCredentials {
        credentials: from_sdk(&creds),
        origin: CredentialOrigin {
            kind: "container-role",
            location,
        },
    })
}

/// The provider a `credential_source` names.
pub async fn for_credential_source(
    source: CredentialSource,
    config: &MetadataConfig,
) -> Result<BaseCredentials, SourceError> {
    match source {
        CredentialSource::Environment => environment().await,
        CredentialSource::Ec2InstanceMetadata => imds_credentials(config).await,
        CredentialSource::EcsContainer => container(config).await,
    }
}

/// Converts the SDK's credentials into rolecall's.
pub fn from_sdk(creds: &aws_credential_types::Credentials) -> Credentials {
    Credentials {
        access_key_id: creds.access_key_id().to_string(),
        secret_access_key: Secret::new(creds.secret_access_key()),
        session_token: creds.session_token().map(Secret::new),
        expiration: creds.expiry().map(chrono::DateTime::<chrono::Utc>::from),
    }
}
