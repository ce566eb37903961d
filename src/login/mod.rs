//! `aws login` sessions: profiles with `login_session = <ARN>`, whose credentials the AWS
//! CLI keeps in its login cache and the sign-in service refreshes.
//!
//! `aws login` (AWS CLI 2.32 and later) signs a person in through the browser and files a
//! console session in `~/.aws/login/cache/<sha256 of the ARN>.json` (or
//! `$AWS_LOGIN_CACHE_DIRECTORY`): 15-minute credentials, a refresh token that lasts as long
//! as the console session (up to 12 hours), and the P-256 key the refresh is bound to. A
//! refresh is CreateOAuth2Token on the sign-in service's token endpoint (`/v1/token`) with
//! `grantType = refresh_token` and a DPoP proof (RFC 9449) signed with that key; the answer
//! rotates the refresh token.
//!
//! rolecall reads that cache ([`cache`]), refreshes through the token endpoint with the
//! proof the CLI sends ([`dpop`], [`token`]), and writes the new credentials and refresh
//! token back to the same file, in the CLI's format, atomically, 0600, never through a
//! symbolic link and under the directory's lock, so either tool's refresh serves the other.
//! aws-config's `LoginCredentialsProvider` does the same refresh but rewrites the file in
//! place (a crash in between loses the only refresh token), follows a symbolic link there,
//! reads only the process's environment, and ignores the cache's `signInRegion`:
//! docs/LOGIN.md has the comparison.

pub mod cache;
pub mod dpop;
pub mod sign_in;
mod token;

pub use cache::{cache_key, LoginCache, LoginToken};
pub use dpop::DpopKey;
pub use sign_in::{LoginSignIn, SignedIn};

use crate::call_failure::CallFailure;
use crate::credentials::Credentials;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use chrono::{DateTime, TimeDelta, Utc};
use std::path::PathBuf;

/// The credentials are refreshed when they have this little left (the AWS CLI's
/// `_REFRESH_THRESHOLD`, aws-config's `REFRESH_BUFFER_TIME`).
pub const LOGIN_REFRESH_WINDOW: TimeDelta = TimeDelta::minutes(5);

/// The region the sign-in service is called in when neither the cache (`signInRegion`)
/// nor the profile nor the environment names one.
pub const DEFAULT_SIGN_IN_REGION: &str = "us-east-1";

/// Why an `aws login` session gave no credentials. No variant holds a secret: only the
/// session's ARN, paths, the service's error code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// No cache file for the session: nobody ran `aws login` for it (on this machine).
    #[error("not signed in with `aws login` for {session}: no {path}; run `aws login --profile {profile}`")]
    NotSignedIn {
        session: String,
        profile: String,
        path: String,
    },
    /// The cache file is not the AWS CLI's login cache (what is wrong, never its values).
    #[error("the login cache {path} cannot be used: {problem}; run `aws login --profile {profile}` to write it again")]
    Unusable {
        path: String,
        profile: String,
        problem: String,
    },
    /// The sign-in service refused the refresh token (`TOKEN_EXPIRED`,
    /// `USER_CREDENTIALS_CHANGED`): the console session is over.
    #[error("the `aws login` session for {session} has ended ({code}: {message}); run `aws login --profile {profile}`")]
    Ended {
        session: String,
        profile: String,
        code: String,
        message: String,
    },
    /// Any other answer of the sign-in service: its error code and message.
    #[error("the sign-in service at {endpoint} refused the token request for {session}: {code}: {message}{}", hint(.code))]
    Refused {
        session: String,
        endpoint: String,
        code: String,
        message: String,
    },
    /// No answer, or one that is not the service's.
    #[error("cannot reach the sign-in service at {endpoint} for {session}: {detail} (check the network, the profile's region and AWS_ENDPOINT_URL_SIGNIN)")]
    Unreachable {
        session: String,
        endpoint: String,
        detail: String,
    },
    /// `rolecall login` did not get a session.
    #[error("`rolecall login --profile {profile}` failed: {why}")]
    SignInFailed { profile: String, why: String },
    /// A refresh succeeded but its new refresh token could not be written back.
    #[error("the sign-in service rotated the refresh token of {path}, but the new one could not be kept ({detail}); fix the file or its directory, then run `aws login --profile {profile}`")]
    NotKept {
        path: String,
        profile: String,
        detail: String,
    },
    /// The cache could not be read or written.
    #[error("cannot {action} the login cache {path}: {detail}")]
    Io {
        action: &'static str,
        path: String,
        detail: String,
    },
}

/// What to do about a refusal that is not the end of the session.
fn hint(code: &str) -> &'static str {
    match code {
        "TooManyRequestsError" | "rate_exceeded" => {
            "; the service is throttling: try again shortly"
        }
        "INSUFFICIENT_PERMISSIONS" => {
            "; the identity may lack signin:CreateOAuth2Token (ask your administrator)"
        }
        "invalid_request" | "ValidationException" => {
            "; the DPoP key or refresh token in the cache may be damaged: run `aws login` again"
        }
        _ => "",
    }
}

/// Where the login cache is and how the sign-in service is reached; built once per use
/// from the environment (a lookup, so tests give their own).
#[derive(Clone)]
pub struct LoginSessions {
    pub cache: LoginCache,
    /// `AWS_ENDPOINT_URL_SIGNIN`, else `AWS_ENDPOINT_URL` (what the tests point at their
    /// stand-in).
    pub endpoint: Option<String>,
    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`: the region when the cache and the profile
    /// name none.
    pub env_region: Option<String>,
    pub http: SharedHttpClient,
    /// The sign-in client's timeouts: the SSO clients' ([`crate::sso::client_timeouts`]),
    /// so a service that takes the connection and never answers cannot hold a refresh.
    pub timeouts: aws_smithy_types::timeout::TimeoutConfig,
}

impl std::fmt::Debug for LoginSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginSessions")
            .field("cache", &self.cache)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Credentials of a login session, and the file they came from.
#[derive(Debug, Clone)]
pub struct LoginCredentials {
    pub credentials: Credentials,
    /// The cache file they came from (for the session's `source` line).
    pub path: PathBuf,
}

impl LoginSessions {
    /// The login cache and endpoints `var` names, with the process's HTTP client.
    pub fn from_lookup(var: &dyn Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        // No home directory leaves a relative path, which the cache refuses to use.
        let home = crate::home::home_dir(var("HOME").map(Into::into)).unwrap_or_default();
        let dir = var("AWS_LOGIN_CACHE_DIRECTORY")
            .map(|d| expand_home(&d, &home))
            .unwrap_or_else(|| home.join(".aws/login/cache"));
        LoginSessions {
            cache: LoginCache::new(dir),
            endpoint: crate::endpoint_url::from_lookup("SIGNIN", &var),
            env_region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
            http: crate::http::client(),
            timeouts: crate::sso::client_timeouts(),
        }
    }

    /// The credentials of `session` (the `login_session` ARN of `profile`): from the cache
    /// while they have more than [`LOGIN_REFRESH_WINDOW`] left at `now`, else refreshed
    /// through the sign-in service and written back. `region` is the profile's, used when
    /// the cache does not say where the person signed in.
    pub async fn credentials(
        &self,
        profile: &str,
        session: &str,
        region: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<LoginCredentials, LoginError> {
        let path = self.cache.path(session);
        let read = self.cache.read(profile, session)?;
        if read.token.expires_at() - LOGIN_REFRESH_WINDOW > now {
            return Ok(LoginCredentials {
                credentials: read.token.credentials(),
                path,
            });
        }
        let region = read
            .token
            .sign_in_region()
            .or(region)
            .or(self.env_region.as_deref())
            .unwrap_or(DEFAULT_SIGN_IN_REGION)
            .to_string();
        let call = token::TokenCall {
            sessions: self,
            profile,
            session,
            region: &region,
        };
        let refreshed = match call.refresh(&read.token, now).await {
            Ok(token) => token,
            Err(e @ LoginError::Ended { .. }) => {
                return self
                    .refreshed_meanwhile(profile, session, &read, now)
                    .ok_or(e)
            }
            Err(e) => return Err(e),
        };
        // The old refresh token is spent now: a new one that cannot be kept ends the
        // session at the next refresh, which the person must hear about now, not then.
        self.cache
            .write_back(session, &read, &refreshed)
            .map_err(|e| LoginError::NotKept {
                path: path.display().to_string(),
                profile: profile.to_string(),
                detail: e.to_string(),
            })?;
        Ok(LoginCredentials {
            credentials: refreshed.credentials(),
            path,
        })
    }

    /// The credentials another refresher (the AWS CLI, another rolecall) wrote while ours
    /// was under way: the service rotates the refresh token, so of two refreshes with the
    /// same token the later is refused as if the session had ended, although the file now
    /// holds good credentials. `None` when the file is unchanged or holds none.
    fn refreshed_meanwhile(
        &self,
        profile: &str,
        session: &str,
        read: &cache::CacheRead,
        now: DateTime<Utc>,
    ) -> Option<LoginCredentials> {
        let again = self.cache.read(profile, session).ok()?;
        let fresh = !again.same_bytes(read) && again.token.expires_at() > now;
        fresh.then(|| LoginCredentials {
            credentials: again.token.credentials(),
            path: self.cache.path(session),
        })
    }

    /// Where calls for `region` go, for messages.
    pub fn endpoint_for(&self, region: &str) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("https://{region}.signin.aws.amazon.com"))
    }
}

/// `~` and `$HOME` at the start of `dir`, as the AWS CLI expands them.
fn expand_home(dir: &str, home: &std::path::Path) -> PathBuf {
    for prefix in ["~/", "$HOME/", "${HOME}/"] {
        if let Some(rest) = dir.strip_prefix(prefix) {
            return home.join(rest);
        }
    }
    if dir == "~" {
        return home.to_path_buf();
    }
    PathBuf::from(dir)
}

impl LoginError {
    /// The error of a failed CreateOAuth2Token call.
    pub(crate) fn of_call(
        failure: CallFailure,
        error_code: Option<String>,
        call: &token::TokenCall<'_>,
    ) -> Self {
        let session = call.session.to_string();
        let endpoint = call.sessions.endpoint_for(call.region);
        match failure {
            CallFailure::Service { code, message } => {
                let code = error_code.unwrap_or(code);
                if matches!(code.as_str(), "TOKEN_EXPIRED" | "USER_CREDENTIALS_CHANGED") {
                    LoginError::Ended {
                        session,
                        profile: call.profile.to_string(),
                        code,
                        message,
                    }
                } else {
                    LoginError::Refused {
                        session,
                        endpoint,
                        code,
                        message,
                    }
                }
            }
            CallFailure::Unreachable(detail)
            | CallFailure::Unreadable(detail)
            | CallFailure::NotSent(detail) => LoginError::Unreachable {
                session,
                endpoint,
                detail,
            },
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, err: &std::io::Error) -> Self {
        LoginError::Io {
            action,
            path: path.display().to_string(),
            detail: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
