//! Signing in to IAM Identity Center (aws-sdk-ssooidc): the client registration both flows
//! share, the OAuth device authorization grant (RegisterClient, StartDeviceAuthorization,
//! then CreateToken polled until the person approves in a browser), and refreshing a token
//! with its refresh token. The authorization code with PKCE is in [`super::pkce`].
//!
//! The device code polls CreateToken at the server's interval (RFC 8628: `slow_down` adds 5
//! seconds) until a token comes, the request expires, or the person denies it.
//! [`super::sign_in`] wraps both flows in one [`super::PendingSignIn`].

use super::cache::{ClientRegistration, SsoToken, AUTH_CODE_GRANTS};
use super::callback::REGISTERED_REDIRECT_URI;
use super::flow::SignInFlow;
use super::{Sso, SsoError, SsoSessionConfig};
use crate::call_failure::{examine, CallFailure};
use crate::secret::Secret;
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssooidc::operation::create_token::CreateTokenOutput;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use std::time::Duration;

/// The device code grant's type (RFC 8628).
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8628's default polling interval, when the server names none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// What `slow_down` adds to the interval (RFC 8628, section 3.5).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// A device authorization waiting for approval.
#[derive(Debug)]
pub(super) struct DeviceWait {
    device_code: Secret,
    pub(super) user_code: String,
    pub(super) verification_uri: String,
    pub(super) verification_uri_complete: Option<String>,
    pub(super) expires_at: DateTime<Utc>,
    pub(super) interval: Duration,
}

impl DeviceWait {
    /// Polls CreateToken until the sign-in is approved; see [`super::PendingSignIn::finish`].
    pub(super) async fn poll(
        self,
        sso: &Sso,
        config: &SsoSessionConfig,
        registration: &ClientRegistration,
    ) -> Result<SsoToken, SsoError> {
        let client = sso.oidc_client(&config.region);
        let mut interval = self.interval;
        loop {
            if sso.now() >= self.expires_at {
                return Err(SsoError::SignInTimedOut {
                    session: config.describe(),
                    command: config.login_command(),
                });
            }
            let sent = client
                .create_token()
                .grant_type(DEVICE_CODE_GRANT)
                .client_id(&registration.client_id)
                .client_secret(registration.client_secret.expose())
                .device_code(self.device_code.expose())
                .send()
                .await;
            match sent {
                Ok(out) => {
                    let token = token_from(config, sso, out, None, registration)?;
                    sso.token_cache().write(config, &token)?;
                    return Ok(token);
                }
                Err(err) => match oauth_error(&err).as_deref() {
                    Some("authorization_pending") => {}
                    Some("slow_down") => interval += SLOW_DOWN_STEP,
                    _ => return Err(classify(sso, config, "CreateToken", err)),
                },
            }
            sso.sleep(interval).await;
        }
    }
}

impl Sso {
    /// Starts a device sign-in: reuses the device-code registration the AWS CLI or rolecall
    /// cached (or registers a new one and caches it), then starts the device authorization.
    pub(super) async fn start_device_sign_in(
        &self,
        config: &SsoSessionConfig,
    ) -> Result<(ClientRegistration, DeviceWait), SsoError> {
        let client = self.oidc_client(&config.region);
        let flow = SignInFlow::DeviceCode;
        let cached = self.token_cache().registration(config, self.now(), flow);
        let reused = cached.is_some();
        let mut registration = match cached {
            Some(r) => r,
            None => self.register(&client, config, flow).await?,
        };
        let mut attempt = self
            .start_device_authorization(&client, config, &registration)
            .await;
        // A cached registration the service no longer knows: register afresh, once.
        if reused
            && matches!(&attempt, Err(SsoError::Oidc { error, .. }) if error == "invalid_client")
        {
            self.token_cache().remove_registration(config);
            registration = self.register(&client, config, flow).await?;
            attempt = self
                .start_device_authorization(&client, config, &registration)
                .await;
        }
        let started = attempt?;
        let device_code = started
            .device_code()
            .ok_or_else(|| missing(config, "StartDeviceAuthorization", "deviceCode"))?;
        let user_code = started
            .user_code()
            .ok_or_else(|| missing(config, "StartDeviceAuthorization", "userCode"))?;
        let verification_uri = started
            .verification_uri()
            .ok_or_else(|| missing(config, "StartDeviceAuthorization", "verificationUri"))?;
        let interval = match started.interval() {
            n if n > 0 => Duration::from_secs(n as u64),
            _ => DEFAULT_INTERVAL,
        };
        let waiting = DeviceWait {
            device_code: Secret::new(device_code),
            user_code: user_code.to_string(),
            verification_uri: verification_uri.to_string(),
            verification_uri_complete: started.verification_uri_complete().map(str::to_string),
            expires_at: self.now() + TimeDelta::seconds(started.expires_in().max(0) as i64),
            interval,
        };
        Ok((registration, waiting))
    }

    /// Registers a client for `flow` (the AWS CLI's grants, redirect URI and issuer for the
    /// authorization code) and caches the registration under the one key both flows share,
    /// marked with its grants so the other flow registers afresh instead of reusing it.
    pub(super) async fn register(
        &self,
        client: &aws_sdk_ssooidc::Client,
        config: &SsoSessionConfig,
        flow: SignInFlow,
    ) -> Result<ClientRegistration, SsoError> {
        let name = match &config.session_name {
            Some(session) => format!("rolecall-{session}"),
            None => "rolecall".to_string(),
        };
        let scopes = flow.scopes(config);
        let mut request = client
            .register_client()
            .client_name(name)
            .client_type("public")
            .set_scopes((!scopes.is_empty()).then_some(scopes));
        if flow == SignInFlow::AuthCode {
            request = request
                .set_grant_types(Some(AUTH_CODE_GRANTS.map(String::from).to_vec()))
                .redirect_uris(REGISTERED_REDIRECT_URI)
                .issuer_url(&config.start_url);
        }
        let out = request
            .send()
            .await
            .map_err(|e| classify(self, config, "RegisterClient", e))?;
        let registration = ClientRegistration {
            client_id: out
                .client_id()
                .ok_or_else(|| missing(config, "RegisterClient", "clientId"))?
                .to_string(),
            client_secret: Secret::new(
                out.client_secret()
                    .ok_or_else(|| missing(config, "RegisterClient", "clientSecret"))?,
            ),
            expires_at: DateTime::from_timestamp(out.client_secret_expires_at(), 0)
                .unwrap_or(DateTime::UNIX_EPOCH),
        };
        self.token_cache()
            .write_registration(config, &registration, flow)?;
        Ok(registration)
    }

    async fn start_device_authorization(
        &self,
        client: &aws_sdk_ssooidc::Client,
        config: &SsoSessionConfig,
        registration: &ClientRegistration,
    ) -> Result<
        aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationOutput,
        SsoError,
    > {
        client
            .start_device_authorization()
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .start_url(&config.start_url)
            .send()
            .await
            .map_err(|e| classify(self, config, "StartDeviceAuthorization", e))
    }

    /// Exchanges `token`'s refresh token for a new access token (CreateToken with
    /// `grant_type=refresh_token`) and writes it back to the cache. The refresh token is
    /// kept when the service returns no new one.
    pub(crate) async fn refresh(
        &self,
        config: &SsoSessionConfig,
        token: &SsoToken,
    ) -> Result<SsoToken, SsoError> {
        let (Some(refresh_token), Some(registration)) = (&token.refresh_token, &token.registration)
        else {
            return Err(missing(config, "CreateToken", "refreshToken"));
        };
        let out = self
            .oidc_client(&config.region)
            .create_token()
            .grant_type("refresh_token")
            .client_id(&registration.client_id)
            .client_secret(registration.client_secret.expose())
            .refresh_token(refresh_token.expose())
            .send()
            .await
            .map_err(|e| classify(self, config, "CreateToken", e))?;
        let refreshed = token_from(config, self, out, Some(refresh_token), registration)?;
        self.token_cache().write(config, &refreshed)?;
        Ok(refreshed)
    }
}

pub(super) fn token_from(
    config: &SsoSessionConfig,
    sso: &Sso,
    out: CreateTokenOutput,
    old_refresh_token: Option<&Secret>,
    registration: &ClientRegistration,
) -> Result<SsoToken, SsoError> {
    let access_token = out
        .access_token()
        .ok_or_else(|| missing(config, "CreateToken", "accessToken"))?;
    Ok(SsoToken {
        start_url: config.start_url.clone(),
        region: config.region.clone(),
        access_token: Secret::new(access_token),
        // Whole seconds, as the cache file keeps it: the token returned equals the one read back.
        expires_at: (sso.now() + TimeDelta::seconds(out.expires_in().max(0) as i64))
            .trunc_subsecs(0),
        refresh_token: out
            .refresh_token()
            .map(Secret::new)
            .or_else(|| old_refresh_token.cloned()),
        registration: Some(registration.clone()),
    })
}

fn missing(config: &SsoSessionConfig, operation: &'static str, field: &str) -> SsoError {
    SsoError::incomplete_answer(config.describe(), operation, field)
}

/// The OAuth `error` code of an OIDC service error, from the exception the service named
/// (`x-amzn-errortype`): each exception stands for exactly one code.
fn oauth_error<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<String> {
    let SdkError::ServiceError(service) = err else {
        return None;
    };
    let code = service.err().code()?;
    let oauth = match code {
        "AuthorizationPendingException" => "authorization_pending",
        "SlowDownException" => "slow_down",
        "ExpiredTokenException" => "expired_token",
        "AccessDeniedException" => "access_denied",
        "InvalidGrantException" => "invalid_grant",
        "InvalidClientException" => "invalid_client",
        "InvalidClientMetadataException" => "invalid_client_metadata",
        "InvalidRequestException" => "invalid_request",
        "InvalidRequestRegionException" => "invalid_request_region",
        "InvalidScopeException" => "invalid_scope",
        "InvalidRedirectUriException" => "invalid_redirect_uri",
        "UnauthorizedClientException" => "unauthorized_client",
        "UnsupportedGrantTypeException" => "unsupported_grant_type",
        "InternalServerException" => "server_error",
        other => other,
    };
    Some(oauth.to_string())
}

pub(super) fn classify<E>(
    sso: &Sso,
    config: &SsoSessionConfig,
    operation: &'static str,
    err: SdkError<E, HttpResponse>,
) -> SsoError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let service = "the IAM Identity Center OIDC service";
    match examine(&err, service) {
        CallFailure::Service { .. } => SsoError::Oidc {
            session: config.describe(),
            command: config.login_command(),
            operation,
            error: oauth_error(&err).unwrap_or_else(|| "unknown".into()),
        },
        failure => SsoError::without_answer(
            failure,
            service,
            sso.oidc_endpoint(&config.region),
            config.describe(),
            operation,
        ),
    }
}
