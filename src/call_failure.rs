//! What a failed AWS SDK call tells a person: the service's own error, an endpoint that
//! could not be reached (and the cause at the bottom of the chain), or an answer that is
//! not the service's (garbage, cut short, an HTML error page, too large).
//!
//! The SDK's `DisplayErrorContext` ends with the error's `Debug` form, and an answer the
//! SDK cannot parse leaves no code and no message: neither says what to do. STS, the
//! access portal and the OIDC service all go through [`examine`], so each says the same
//! thing the same way. An answer is quoted only when it is an error status (an error
//! carries no credentials), at most [`EXCERPT_CHARS`] characters, with control
//! characters made visible.

use crate::error_chain::root_cause;
use crate::http::{too_large, MAX_ANSWER_BYTES};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::error::Error;

/// How many characters of an unreadable answer a message quotes.
pub const EXCERPT_CHARS: usize = 60;

/// How a call failed, in the terms its message needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallFailure {
    /// The service answered an error it named: its code and message.
    Service { code: String, message: String },
    /// No answer: the cause at the bottom of the chain (`Connection refused (os error 111)`,
    /// a timeout).
    Unreachable(String),
    /// An answer that is not the service's: what it was (`HTTP 503 with a body that is not
    /// an error of the service (first bytes: "…")`).
    Unreadable(String),
    /// The request was never sent (a bad endpoint URL, …): the cause.
    NotSent(String),
}

/// Sorts an SDK error; `service` names the service in the description of an unreadable
/// answer ("STS", "the access portal").
pub fn examine<E>(err: &SdkError<E, HttpResponse>, service: &str) -> CallFailure
where
    E: ProvideErrorMetadata + Error + 'static,
{
    match err {
        SdkError::ServiceError(e) => match e.err().code() {
            Some(code) => CallFailure::Service {
                code: code.to_string(),
                message: e.err().message().unwrap_or("").to_string(),
            },
            None => CallFailure::Unreadable(describe_answer(e.raw(), None, service)),
        },
        SdkError::ResponseError(e) => {
            CallFailure::Unreadable(describe_answer(e.raw(), Some(err), service))
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            CallFailure::Unreachable(root_cause(err))
        }
        _ => CallFailure::NotSent(root_cause(err)),
    }
}

/// What an answer the SDK could not read was: its status, and a short, sanitised excerpt
/// of the body when the status is an error.
fn describe_answer(
    raw: &HttpResponse,
    cause: Option<&(dyn Error + 'static)>,
    service: &str,
) -> String {
    let status = raw.status().as_u16();
    if cause.is_some_and(too_large) {
        return format!(
            "HTTP {status} with a body larger than {} KiB, which is not an answer of {service}",
            MAX_ANSWER_BYTES >> 10
        );
    }
    let body = raw.body().bytes().unwrap_or_default();
    if (200..300).contains(&status) {
        // A success may hold credentials, even cut short: say what it is, never quote it.
        return format!(
            "HTTP {status} with {} bytes that are not a complete answer of {service} \
             (cut short, or not {service} at all)",
            body.len()
        );
    }
    if body.is_empty() {
        return format!("HTTP {status} with an empty body");
    }
    format!(
        "HTTP {status} with a body that is not an error of {service} (first bytes: \"{}\")",
        excerpt(body)
    )
}

/// The start of `body` as one line: at most [`EXCERPT_CHARS`] characters, whitespace runs
/// as one space, other control characters and quotes escaped, `…` when there is more.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_CHARS * 4)]);
    let mut out = String::new();
    let mut taken = 0;
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if taken == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else if c.is_control() || c == '"' || c == '\\' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        taken += 1;
    }
    if taken < EXCERPT_CHARS && body.len() > EXCERPT_CHARS * 4 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
