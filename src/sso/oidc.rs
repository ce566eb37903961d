//! Signing in to IAM Identity Center (aws-sdk-ssooidc): the client registration both flows
//! share, the OAuth device authorization grant (RegisterClient, StartDeviceAuthorization,
//! then CreateToken polled until the person approves in a browser), and refreshing a token
//! with its refresh token. The authorization code with PKCE is in [`super::pkce`].
//!
//! Sign-in is two steps so the CLI and the TUI can each show the URL their own way:
//! [`Sso::start_sign_in`] returns a [`PendingSignIn`] holding the URL (and the device's
//! user code), and [`PendingSignIn::finish`] waits: for the device code it polls at the
//! server's interval (RFC 8628: `slow_down` adds 5 seconds) until a token comes, the request
//! expires, or the person denies it. Dropping the future cancels the sign-in.

use super::cache::{ClientRegistration, SsoToken, AUTH_CODE_GRANTS};
use super::callback::REGISTERED_REDIRECT_URI;
use super::flow::SignInFlow;
use super::pkce::BrowserWait;
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

/// A sign-in waiting for the person: in the browser on this machine (the authorization
/// code) or on any device (the device code).
///
/// Show [`PendingSignIn::url`] (and, for the device code, [`PendingSignIn::user_code`]),
/// then await [`PendingSignIn::finish`].
#[derive(Debug)]
pub struct PendingSignIn {
    pub(super) sso: Sso,
    pub(super) config: SsoSessionConfig,
    pub(super) registration: ClientRegistration,
    pub(super) waiting: Waiting,
}

/// What a sign-in waits for.
#[derive(Debug)]
pub(super) enum Waiting {
    Device(DeviceWait),
    Browser(BrowserWait),
}

/// A device authorization waiting for approval.
#[derive(Debug)]
pub(super) struct DeviceWait {
    device_code: Secret,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_at: DateTime<Utc>,
    interval: Duration,
}

impl PendingSignIn {
    /// Which grant this sign-in uses.
    pub fn flow(&self) -> SignInFlow {
        match &self.waiting {
            Waiting::Device(_) => SignInFlow::DeviceCode,
            Waiting::Browser(_) => SignInFlow::AuthCode,
        }
    }

    /// The page to open: the authorize URL, or the device page (with the code filled in
    /// when the service gives such a URL).
    pub fn url(&self) -> &str {
        match &self.waiting {
            Waiting::Device(d) => d
                .verification_uri_complete
                .as_deref()
                .unwrap_or(&d.verification_uri),
            Waiting::Browser(b) => &b.authorize_url,
        }
    }

    /// The device page where the person enters the user code (the authorize URL for the
    /// authorization code).
    pub fn verification_uri(&self) -> &str {
        match &self.waiting {
            Waiting::Device(d) => &d.verification_uri,
            Waiting::Browser(b) => &b.authorize_url,
        }
    }

    /// The device page with the code filled in, when the service gave one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(d) => d.verification_uri_complete.as_deref(),
            Waiting::Browser(_) => None,
        }
    }

    /// The code the person checks or types on the device page (not a secret); `None` for
    /// the authorization code.
    pub fn user_code(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(d) => Some(&d.user_code),
            Waiting::Browser(_) => None,
        }
    }

    /// Where the browser comes back to (`http://127.0.0.1:<port>/oauth/callback`), for the
    /// authorization code.
    pub fn redirect_uri(&self) -> Option<&str> {
        match &self.waiting {
            Waiting::Device(_) => None,
            Waiting::Browser(b) => Some(&b.redirect_uri),
        }
    }

    /// When the request stops being approvable (the device code's expiry, or the end of
    /// the wait for the browser).
    pub fn expires_at(&self) -> DateTime<Utc> {
        match &self.waiting {
            Waiting::Device(d) => d.expires_at,
            Waiting::Browser(b) => b.expires_at(),
        }
    }

    /// The polling interval the service asked for (device code only).
    pub fn interval(&self) -> Option<Duration> {
        match &self.waiting {
            Waiting::Device(d) => Some(d.interval),
            Waiting::Browser(_) => None,
        }
    }

    /// Waits at most `wait` for the browser instead of [`super::BROWSER_WAIT`] (no effect on
    /// a device code, whose expiry the service sets).
    pub fn with_browser_wait(mut self, wait: Duration) -> Self {
        if let Waiting::Browser(b) = &mut self.waiting {
            b.wait = wait;
        }
        self
    }

    /// The session being signed in.
    pub fn session(&self) -> &SsoSessionConfig {
        &self.config
    }

    /// Waits for the person, then writes the token to the AWS CLI's cache and returns it.
    /// The device code polls CreateToken (`authorization_pending` waits another interval,
    /// `slow_down` lengthens it by 5 s; the request's expiry, `expired_token` and
    /// `access_denied` end it); the authorization code waits for the browser (see
    /// [`super::pkce`]).
    pub async fn finish(self) -> Result<SsoToken, SsoError> {
        match self.waiting {
            Waiting::Device(device) => {
                device
                    .poll(&self.sso, &self.config, &self.registration)
                    .await
            }
            Waiting::Browser(browser) => {
                browser
                    .finish(&self.sso, &self.config, &self.registration)
                    .await
            }
        }
    }
}

impl DeviceWait {
    async fn poll(
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
    /// Starts a sign-in for `config` with `flow` (see [`super::choose_flow`] for which one
    /// fits): the authorization code ([`super::pkce`]) or the device code. Nothing is
    /// written to the token cache until [`PendingSignIn::finish`].
    pub async fn start_sign_in(
        &self,
        config: &SsoSessionConfig,
        flow: SignInFlow,
    ) -> Result<PendingSignIn, SsoError> {
        match flow {
            SignInFlow::AuthCode => self.start_auth_code_sign_in(config).await,
            SignInFlow::DeviceCode => self.start_device_sign_in(config).await,
        }
    }

    /// Starts a device sign-in: reuses the device-code registration the AWS CLI or rolecall
    /// cached (or registers a new one and caches it), then starts the device authorization.
    async fn start_device_sign_in(
        &self,
        config: &SsoSessionConfig,
    ) -> Result<PendingSignIn, SsoError> {
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
        let waiting = Waiting::Device(DeviceWait {
            device_code: Secret::new(device_code),
            user_code: user_code.to_string(),
            verification_uri: verification_uri.to_string(),
            verification_uri_complete: started.verification_uri_complete().map(str::to_string),
            expires_at: self.now() + TimeDelta::seconds(started.expires_in().max(0) as i64),
            interval,
        });
        Ok(PendingSignIn {
            sso: self.clone(),
            config: config.clone(),
            registration,
            waiting,
        })
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
        let scopes = config.scopes_to_request();
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
