//! Signing in to the AWS console with a profile's session (the custom identity broker
//! flow): a temporary session is traded at the federation endpoint for a sign-in token,
//! and the token goes into a login URL that opens the console in the profile's region.
//!
//! Which session: the profile's role session as [`Resolver::obtain`] gives it (cached,
//! MFA and chains included). The console refuses long-term keys and GetSessionToken's
//! sessions, so a profile whose session would be one of those — static keys with no role —
//! signs in through GetFederationToken with the long-term keys instead (as aws-vault does),
//! with an allow-all inline session policy: the federated session then has exactly the IAM
//! user's own permissions, since a session policy can only narrow them.
//!
//! `SessionDuration` (how long the console session lasts) is sent only for a role assumed
//! directly with long-term keys: the endpoint refuses it for a role session made from
//! another session (role chaining, an MFA session, SSO or instance credentials). For a
//! federation token the requested duration becomes the token's own.
//!
//! The sign-in URL is a [`Secret`]: whoever has it is signed in, for the 15 minutes the
//! token is good for. Nothing here logs it or puts it into an error.

pub mod federation;

pub use federation::{Destination, FEDERATION_ENDPOINT_VAR};

use crate::credentials::Credentials;
use crate::resolve::plan::partition_of_region;
use crate::resolve::plan::{BaseSource, SourceSession};
use crate::resolve::{MfaMode, MfaPrompt, Plan, ResolveError, ResolveOptions, Resolver, Vars};
use crate::secret::Secret;
use crate::sts::{sanitize_session_name, StsError};
use std::time::Duration;

/// The inline session policy sent with GetFederationToken: allow everything, so the
/// session has the IAM user's own permissions (the intersection of the two).
pub const FEDERATION_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The console session lengths `SessionDuration` accepts (15 minutes to 12 hours).
pub const SESSION_DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=43200;

/// The durations GetFederationToken accepts (15 minutes to 36 hours).
pub const FEDERATION_DURATION_RANGE: std::ops::RangeInclusive<u32> = 900..=129600;

/// How long to wait for the federation endpoint.
const ENDPOINT_TIMEOUT: Duration = Duration::from_secs(20);

/// What to open and for how long.
#[derive(Clone, Debug, Default)]
pub struct ConsoleRequest {
    pub destination: Destination,
    /// The console session's length; `None` leaves it to AWS (the credentials' lifetime
    /// for a role session, twelve hours for a federation token).
    pub duration_seconds: Option<u32>,
}

/// A sign-in URL and what the user should be told about it.
#[derive(Debug)]
pub struct ConsoleLink {
    /// The login URL: a secret (see the module documentation).
    pub url: Secret,
    /// One line each: a duration not sent, a session not cached.
    pub notes: Vec<String>,
}

/// Why no sign-in URL could be made. No variant holds a key, token or URL with either.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error("profile '{profile}': {message}")]
    Config { profile: String, message: String },
    /// The cause is part of the message, not a `source`: a chain printer must not repeat it.
    #[error("profile '{profile}': GetFederationToken (the console needs a temporary session for long-term keys): {error}")]
    FederationToken { profile: String, error: StsError },
    #[error("profile '{profile}': the AWS console has no public sign-in in partition {partition}")]
    NoConsole { profile: String, partition: String },
    #[error(
        "cannot reach the console federation endpoint {endpoint} ({message}): {}",
        crate::demo::unreachable_advice(
            "check the network, and ROLECALL_FEDERATION_ENDPOINT when it is set"
        )
    )]
    Unreachable { endpoint: String, message: String },
    #[error("the console federation endpoint {endpoint} refused the session of '{profile}' (HTTP {status}){hint}")]
    Refused {
        profile: String,
        endpoint: String,
        status: u16,
        hint: &'static str,
    },
    /// `--demo`: the federation endpoint is not loopback (the demo never leaves the machine;
    /// [`crate::demo::prepare_environment`] refuses such an endpoint first, this is the
    /// last line).
    #[error("the demo signs in to its console stand-in on this machine only, and the federation endpoint {endpoint} is not loopback: unset ROLECALL_FEDERATION_ENDPOINT")]
    Demo { endpoint: String },
    #[error("the console federation endpoint {endpoint} answered without a sign-in token")]
    NoToken { endpoint: String },
}

/// A sign-in URL for `profile`: its session (or a federation token of its long-term keys),
/// traded at the federation endpoint. `mfa` and `options` are as for [`Resolver::obtain`].
pub async fn link(
    resolver: &Resolver<'_>,
    profile: &str,
    mfa: &dyn MfaPrompt,
    options: &ResolveOptions,
    request: &ConsoleRequest,
) -> Result<ConsoleLink, ConsoleError> {
    let plan = resolver.plan(profile, options.mfa_mode)?;
    let config = |message: String| ConsoleError::Config {
        profile: profile.to_string(),
        message,
    };
    let partition = partition_of(&plan);
    let endpoint = endpoint(resolver, profile, partition)?;
    let destination = request
        .destination
        .url(plan.region.as_deref(), partition)
        .ok_or_else(|| ConsoleError::NoConsole {
            profile: profile.to_string(),
            partition: partition.to_string(),
        })?;
    let mut notes = Vec::new();

    // The session to sign in with, and the `SessionDuration` to send with it (never for a
    // GetFederationToken session: its duration was set when it was made).
    let (credentials, session_duration) = if signs_in_with_long_term_keys(&plan) {
        let keys = resolver
            .long_term_key(&plan)
            .map_err(|e| config(e.to_string()))?;
        let session =
            federation_token(resolver, profile, &plan, &keys, request, &mut notes).await?;
        (session, None)
    } else {
        let obtained = resolver.obtain(profile, mfa, options).await?;
        notes.extend(obtained.warnings);
        let creds = obtained.session.credentials;
        if creds.session_token.is_none() {
            let session =
                federation_token(resolver, profile, &plan, &creds, request, &mut notes).await?;
            (session, None)
        } else if plan.hops.is_empty() && plan.mfa_session.is_some() {
            return Err(config(
                "its session is an MFA session (GetSessionToken), which the console does not \
                 accept; sign in with a profile that assumes a role"
                    .into(),
            ));
        } else {
            (creds, session_duration(&plan, request, &mut notes)?)
        }
    };

    let token = signin_token(profile, &endpoint, &credentials, session_duration).await?;
    Ok(ConsoleLink {
        url: federation::login_url(&endpoint, &destination, &token),
        notes,
    })
}

/// The partition of the profile's region, else of its role, else `aws`.
fn partition_of(plan: &Plan) -> &'static str {
    if let Some(region) = &plan.region {
        return partition_of_region(region);
    }
    plan.hops
        .last()
        .map_or("aws", |hop| partition_of_region(&hop.sts.region))
}

/// `ROLECALL_FEDERATION_ENDPOINT`, else the partition's endpoint. The demo takes only a
/// loopback one (its stand-in, `assets/demo/sign_in.py`): its session must not leave the
/// machine.
fn endpoint(
    resolver: &Resolver<'_>,
    profile: &str,
    partition: &str,
) -> Result<String, ConsoleError> {
    let url = match resolver.vars.get(FEDERATION_ENDPOINT_VAR) {
        Some(url) => url.trim().to_string(),
        None => federation::endpoint_of(partition)
            .map(str::to_string)
            .ok_or_else(|| ConsoleError::NoConsole {
                profile: profile.to_string(),
                partition: partition.to_string(),
            })?,
    };
    if crate::demo::is_active() && !crate::demo::is_loopback_url(&url) {
        return Err(ConsoleError::Demo { endpoint: url });
    }
    Ok(url)
}

/// Whether the profile's session would be its base's long-term keys (or an MFA session of
/// them), which the console refuses: then the keys go through GetFederationToken. A key in
/// rolecall's key store is such a key too (its session would be GetSessionToken's).
fn signs_in_with_long_term_keys(plan: &Plan) -> bool {
    plan.hops.is_empty()
        && matches!(
            plan.source,
            BaseSource::StaticKeys { temporary: false } | BaseSource::Keyring { .. }
        )
}

/// `SessionDuration` to send: the requested one when the endpoint allows it.
fn session_duration(
    plan: &Plan,
    request: &ConsoleRequest,
    notes: &mut Vec<String>,
) -> Result<Option<u32>, ConsoleError> {
    let Some(seconds) = request.duration_seconds else {
        return Ok(None);
    };
    if !SESSION_DURATION_RANGE.contains(&seconds) {
        return Err(ConsoleError::Config {
            profile: plan.profile.clone(),
            message: format!(
                "a console session lasts {} to {} seconds, not {seconds}",
                SESSION_DURATION_RANGE.start(),
                SESSION_DURATION_RANGE.end()
            ),
        });
    }
    if session_duration_allowed(plan) {
        Ok(Some(seconds))
    } else {
        notes.push(format!(
            "profile '{}': the console session length is not sent: the federation endpoint \
             refuses it for a role session made from another session (role chaining, an MFA \
             session, SSO or instance credentials); the console session lasts as long as the \
             role session",
            plan.profile
        ));
        Ok(None)
    }
}

/// Whether the session is a role assumed directly with long-term keys (no chaining, no MFA
/// session in between): the only session the endpoint takes `SessionDuration` for.
pub fn session_duration_allowed(plan: &Plan) -> bool {
    let mfa_session_first = plan.mfa_session.as_ref().is_some_and(|m| m.for_first_hop);
    matches!(plan.hops.as_slice(), [hop] if hop.source == SourceSession::LongTerm)
        && !mfa_session_first
}

/// A GetFederationToken session of `keys`, made at the base profile's STS endpoint.
async fn federation_token(
    resolver: &Resolver<'_>,
    profile: &str,
    plan: &Plan,
    keys: &Credentials,
    request: &ConsoleRequest,
    notes: &mut Vec<String>,
) -> Result<Credentials, ConsoleError> {
    let base = resolver
        .graph
        .get(&plan.base)
        .ok_or_else(|| ConsoleError::Config {
            profile: profile.to_string(),
            message: format!("source profile '{}' does not exist", plan.base),
        })?;
    let target = resolver
        .planner(MfaMode::default())
        .sts_target(base, partition_of(plan));
    let duration = match request.duration_seconds {
        Some(d) if !FEDERATION_DURATION_RANGE.contains(&d) => {
            return Err(ConsoleError::Config {
                profile: profile.to_string(),
                message: format!(
                    "a federation token lasts {} to {} seconds, not {d}",
                    FEDERATION_DURATION_RANGE.start(),
                    FEDERATION_DURATION_RANGE.end()
                ),
            })
        }
        other => other,
    };
    if plan.mfa_session.is_some() {
        notes.push(format!(
            "profile '{profile}': signed in with GetFederationToken, which takes no MFA code: \
             policies that require MFA do not apply to this console session"
        ));
    }
    resolver
        .sts
        .get_federation_token(
            keys,
            &target,
            &federation_user_name(resolver.vars),
            FEDERATION_POLICY,
            duration,
        )
        .await
        .map_err(|error| ConsoleError::FederationToken {
            profile: profile.to_string(),
            error,
        })
}

/// The federated user's name: the local user name (as role session names use it), cut
/// to GetFederationToken's 32 characters.
fn federation_user_name(vars: &Vars<'_>) -> String {
    let user = vars
        .get("USER")
        .or_else(|| vars.get("USERNAME"))
        .unwrap_or_default();
    sanitize_session_name(&user).chars().take(32).collect()
}

/// Trades `creds` for a sign-in token at `endpoint`.
async fn signin_token(
    profile: &str,
    endpoint: &str,
    creds: &Credentials,
    session_duration: Option<u32>,
) -> Result<Secret, ConsoleError> {
    let request = federation::signin_token_request(endpoint, creds, session_duration);
    let (status, body) = crate::http::get(request.expose(), ENDPOINT_TIMEOUT)
        .await
        .map_err(|e| ConsoleError::Unreachable {
            endpoint: endpoint.to_string(),
            message: e.to_string(),
        })?;
    if status != 200 {
        return Err(ConsoleError::Refused {
            profile: profile.to_string(),
            endpoint: endpoint.to_string(),
            status,
            hint: if session_duration.is_some() {
                "; the console refuses a session length for some role sessions: try without --duration"
            } else {
                "; the session may have expired (try --refresh)"
            },
        });
    }
    federation::parse_signin_token(&body).ok_or_else(|| ConsoleError::NoToken {
        endpoint: endpoint.to_string(),
    })
}

#[cfg(test)]
mod tests;
