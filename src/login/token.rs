//! CreateOAuth2Token on the sign-in service (aws-sdk-signin, through rolecall's one HTTP
//! client), always with a DPoP proof for the very URL the request goes to: the refresh
//! (`grantType = refresh_token`, the cached `clientId` and refresh token) and a sign-in's
//! exchange of its authorization code (`authorization_code`, the code, the PKCE verifier
//! and the redirect URI).

use super::cache::LoginToken;
use super::dpop::DpopKey;
use super::{LoginError, LoginSessions};
use crate::call_failure::examine;
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_sdk_signin::operation::create_o_auth2_token::CreateOAuth2TokenError;
use aws_sdk_signin::types::{CreateOAuth2TokenRequestBody, CreateOAuth2TokenResponseBody};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;

/// One token call for one session; what its messages name.
pub(crate) struct TokenCall<'a> {
    pub sessions: &'a LoginSessions,
    pub profile: &'a str,
    pub session: &'a str,
    /// Where the sign-in service is called.
    pub region: &'a str,
}

impl TokenCall<'_> {
    /// `token` refreshed at `now`: the answer's credentials, expiring `expiresIn` seconds
    /// from now, and its new refresh token.
    pub async fn refresh(
        &self,
        token: &LoginToken,
        now: DateTime<Utc>,
    ) -> Result<LoginToken, LoginError> {
        let key = DpopKey::from_pem(token.dpop_key()).ok_or_else(|| {
            self.unusable("dpopKey is not a P-256 private key in PEM (BEGIN EC PRIVATE KEY)")
        })?;
        let body = CreateOAuth2TokenRequestBody::builder()
            .client_id(token.client_id())
            .grant_type("refresh_token")
            .refresh_token(token.refresh_token().expose())
            .build()
            .expect("clientId and grantType are set");
        let output = self.send(body, Arc::new(key)).await?;
        let (credentials, expires_at) = self.credentials_in(&output, now)?;
        Ok(token.refreshed(
            &credentials,
            Secret::new(output.refresh_token()),
            expires_at,
        ))
    }

    /// The answer's credentials, expiring `expiresIn` seconds after `now`; an answer
    /// without them or without a refresh token is an error.
    pub fn credentials_in(
        &self,
        output: &CreateOAuth2TokenResponseBody,
        now: DateTime<Utc>,
    ) -> Result<(Credentials, DateTime<Utc>), LoginError> {
        let access = output
            .access_token()
            .ok_or_else(|| self.incomplete("accessToken"))?;
        let expires_at = now + TimeDelta::seconds(i64::from(output.expires_in().max(0)));
        let credentials = Credentials {
            access_key_id: access.access_key_id().to_string(),
            secret_access_key: Secret::new(access.secret_access_key()),
            session_token: Some(Secret::new(access.session_token())),
            expiration: Some(expires_at),
        };
        if output.refresh_token().is_empty() || credentials.access_key_id.is_empty() {
            return Err(self.incomplete("refreshToken"));
        }
        Ok((credentials, expires_at))
    }

    /// Sends `body` with a proof signed by `key`; the answer's body.
    pub async fn send(
        &self,
        body: CreateOAuth2TokenRequestBody,
        key: Arc<DpopKey>,
    ) -> Result<CreateOAuth2TokenResponseBody, LoginError> {
        let answer = self
            .client()
            .create_o_auth2_token()
            .token_input(body)
            .customize()
            .mutate_request(move |request| {
                // Each attempt (retries included) gets its own proof, for its own URL.
                let proof = key.proof(request.uri(), Utc::now().timestamp());
                request.headers_mut().insert("DPoP", proof);
            })
            .send()
            .await
            .map_err(|e| {
                let oauth_code = e.as_service_error().and_then(oauth_error);
                LoginError::of_call(examine(&e, "the sign-in service"), oauth_code, self)
            })?;
        answer
            .token_output
            .ok_or_else(|| self.incomplete("tokenOutput"))
    }

    fn client(&self) -> aws_sdk_signin::Client {
        use aws_sdk_signin::config::{retry::RetryConfig, BehaviorVersion, Region};
        let mut conf = aws_sdk_signin::Config::builder();
        conf.set_endpoint_url(self.sessions.endpoint.clone());
        let conf = conf
            .behavior_version(BehaviorVersion::latest())
            .http_client(self.sessions.http.clone())
            .region(Region::new(self.region.to_string()))
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .retry_classifier(ThrottlingIsRetried)
            .timeout_config(self.sessions.timeouts.clone())
            .build();
        aws_sdk_signin::Client::from_conf(conf)
    }

    fn unusable(&self, problem: &str) -> LoginError {
        LoginError::Unusable {
            path: self.sessions.cache.path(self.session).display().to_string(),
            profile: self.profile.to_string(),
            problem: problem.to_string(),
        }
    }

    fn incomplete(&self, field: &str) -> LoginError {
        LoginError::Refused {
            session: self.session.to_string(),
            endpoint: self.sessions.endpoint_for(self.region),
            code: "IncompleteAnswer".into(),
            message: format!("CreateOAuth2Token answered without {field}"),
        }
    }
}

/// Retries a 429 (TooManyRequestsError, `rate_exceeded`) as throttling: the SDK's own
/// classifiers know neither the name nor the status, so without this a throttled refresh
/// would fail at once.
#[derive(Debug)]
struct ThrottlingIsRetried;

impl ClassifyRetry for ThrottlingIsRetried {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(answer) if answer.status().as_u16() == 429 => RetryAction::throttling_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "sign-in throttling"
    }
}

/// The OAuth error code an error carries (`TOKEN_EXPIRED`, `rate_exceeded`, …).
fn oauth_error(e: &CreateOAuth2TokenError) -> Option<String> {
    let code = match e {
        CreateOAuth2TokenError::AccessDeniedException(e) => e.error(),
        CreateOAuth2TokenError::TooManyRequestsError(e) => e.error(),
        CreateOAuth2TokenError::ValidationException(e) => e.error(),
        CreateOAuth2TokenError::InternalServerException(e) => e.error(),
        _ => return None,
    };
    Some(code.as_str().to_string())
}
