//! What can go wrong with IAM Identity Center, in words a person can act on.
//!
//! Every message says which SSO session (or account and role) it concerns and what to do,
//! usually the exact `rolecall sso login …` command. No message ever carries an access
//! token, a refresh token, a client secret or a device code: the variants hold only names,
//! paths, endpoints and the services' error codes.

use crate::call_failure::CallFailure;
use std::path::Path;
use thiserror::Error;

/// An IAM Identity Center failure; see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SsoError {
    /// No token in the AWS CLI's cache for this session (or one that could not be read and
    /// was set aside).
    #[error("not signed in to IAM Identity Center ({session}){}: run `{command}`", note_suffix(.note))]
    NotSignedIn {
        session: String,
        command: String,
        /// Why, when there is more to say than "no token" (a corrupt file moved aside).
        note: Option<String>,
    },
    /// The cached token has expired (or the portal rejected it) and could not be refreshed.
    #[error("the IAM Identity Center sign-in for {session} has expired{}: run `{command}`", note_suffix(.note))]
    Expired {
        session: String,
        command: String,
        note: Option<String>,
    },
    /// The portal refused the account or role (ForbiddenException).
    #[error("no access to {what} through {session} (ForbiddenException: {message}); ask your administrator for the assignment, or pick a role `rolecall sso roles` lists")]
    Forbidden {
        session: String,
        /// `account 111122223333, role Admin` or `account 111122223333`.
        what: String,
        message: String,
    },
    /// The portal does not know the account or role (ResourceNotFoundException).
    #[error("{what} does not exist in {session} (ResourceNotFoundException: {message}); check sso_account_id and sso_role_name against `rolecall sso roles`")]
    NotFound {
        session: String,
        what: String,
        message: String,
    },
    /// The portal or the OIDC service could not be reached or did not answer in time.
    #[error(
        "cannot reach {service} at {endpoint}: {detail} ({})",
        crate::demo::unreachable_advice(
            "check the network, sso_region, and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC"
        )
    )]
    Unreachable {
        service: &'static str,
        endpoint: String,
        detail: String,
    },
    /// The OIDC service answered an OAuth error (`access_denied`, `expired_token`,
    /// `invalid_grant`, …) that ends the sign-in.
    #[error("IAM Identity Center sign-in for {session} failed in {operation}: {}; run `{command}` to try again", oidc_meaning(.error))]
    Oidc {
        session: String,
        command: String,
        operation: &'static str,
        /// The OAuth `error` code.
        error: String,
    },
    /// Something answered that is not the portal or the OIDC service: garbage, an answer
    /// cut short, an HTML error page, a body too large to be theirs.
    #[error("{service} at {endpoint} answered {answer} ({operation} for {session}); check sso_region and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, or try again later")]
    Unreadable {
        service: &'static str,
        endpoint: String,
        session: String,
        operation: &'static str,
        answer: String,
    },
    /// Nobody approved the sign-in before its code expired (the device authorization's `expiresIn`).
    #[error(
        "the sign-in code for {session} expired before it was approved; run `{command}` again"
    )]
    SignInTimedOut { session: String, command: String },
    /// The browser did not come back to rolecall's listener within the wait (the
    /// authorization code).
    #[error("the browser did not come back to rolecall within {minutes} minutes ({session}); run `{command}` again, or `{command} --use-device-code` to approve on any device")]
    BrowserTimedOut {
        session: String,
        command: String,
        minutes: u64,
    },
    /// The authorization-code sign-in could not start here (no loopback port, no random
    /// numbers).
    #[error(
        "cannot start the browser sign-in ({detail}); run `{command} --use-device-code` instead"
    )]
    AuthCodeSetup { detail: String, command: String },
    /// Any other answer from the portal or the OIDC service.
    #[error("IAM Identity Center {operation} failed for {session}: {code}: {message}")]
    Service {
        session: String,
        operation: &'static str,
        code: String,
        message: String,
    },
    /// Discovery stopped: no portal call succeeded for the pacing's stall limit, however
    /// long it waited and backed off. What it found so far is kept for the next run.
    #[error("discovery of the roles of {session} stopped: no call to the AWS access portal has succeeded for {seconds} s (the last answer: {last}); the accounts done so far are kept, so run `{command}` again in a few minutes to go on from there (set ROLECALL_SSO_CALLS_PER_SECOND below 20 when other tools share the quota)")]
    Stalled {
        session: String,
        seconds: u64,
        last: String,
        command: String,
    },
    /// Discovery stopped: a listing did not end as the portal's do (a page token repeated,
    /// or more pages or items than [`super::discovery`]'s ceilings).
    #[error("discovery of the roles of {session} stopped: {operation} {why}, which the AWS access portal does not do; check AWS_ENDPOINT_URL_SSO and any proxy in between, then run `{command}`")]
    Endless {
        session: String,
        operation: &'static str,
        why: String,
        command: String,
    },
    /// The configuration does not say enough to sign in (a missing `sso_region`, …).
    #[error("{0}")]
    Config(String),
    /// A cache file could not be written or removed.
    #[error("cannot {action} {path}: {detail}")]
    Io {
        action: &'static str,
        path: String,
        detail: String,
    },
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
}

/// What an OAuth error code of a sign-in means to the person signing in.
fn oidc_meaning(code: &str) -> String {
    let meaning = match code {
        "access_denied" => "the sign-in was denied in the browser",
        "expired_token" => "the sign-in request expired before it was approved",
        "invalid_grant" => "the service no longer accepts this sign-in or refresh token",
        "invalid_client" => "the client registration is no longer valid",
        "invalid_scope" => "sso_registration_scopes holds a scope the service does not accept",
        "unauthorized_client" => "this client may not use this sign-in",
        "invalid_redirect_uri" => "the service refused the loopback redirect URI",
        "unrecognised_error" => "the browser came back with an error rolecall does not show",
        "server_error" => "the service had an internal error",
        _ => "the service refused the request",
    };
    format!("{meaning} ({code})")
}

impl SsoError {
    /// A file operation on `path` that failed.
    pub(crate) fn io(action: &'static str, path: &Path, err: &std::io::Error) -> Self {
        SsoError::Io {
            action,
            path: path.display().to_string(),
            detail: err.to_string(),
        }
    }

    /// An answer from `operation` without `field`, which it must have.
    pub(crate) fn incomplete_answer(session: String, operation: &'static str, field: &str) -> Self {
        SsoError::Service {
            session,
            operation,
            code: "InvalidResponse".into(),
            message: format!("the answer has no {field}"),
        }
    }

    /// A failed call that is not one of the service's own errors (see [`CallFailure`]):
    /// unreachable, an answer that is not the service's, or a request never sent.
    pub(crate) fn without_answer(
        failure: CallFailure,
        service: &'static str,
        endpoint: String,
        session: String,
        operation: &'static str,
    ) -> Self {
        match failure {
            CallFailure::Unreachable(detail) => SsoError::Unreachable {
                service,
                endpoint,
                detail,
            },
            CallFailure::Unreadable(answer) => SsoError::Unreadable {
                service,
                endpoint,
                session,
                operation,
                answer,
            },
            CallFailure::Service { code, message } => SsoError::Service {
                session,
                operation,
                code,
                message,
            },
            CallFailure::NotSent(cause) => SsoError::Service {
                session,
                operation,
                code: "NotSent".into(),
                message: format!("the request to {service} at {endpoint} was not sent: {cause}"),
            },
        }
    }

    /// Whether signing in again is the way out (the TUI offers the sign-in window for these).
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            SsoError::NotSignedIn { .. } | SsoError::Expired { .. }
        )
    }
}

#[cfg(test)]
mod tests;
