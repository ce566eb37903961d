//! Web identity: the OIDC token a role is assumed with (AssumeRoleWithWebIdentity), read
//! from the file a profile's `web_identity_token_file` or `AWS_WEB_IDENTITY_TOKEN_FILE`
//! names. EKS rotates that file (the kubelet writes a new token before the old one
//! expires), so it is read again for every call and never kept.
//!
//! At most [`MAX_TOKEN_BYTES`] are read ([`super::token_file`]): STS accepts no longer
//! token.

use super::token_file::read_token_text;
use super::SourceError;
use crate::secret::Secret;
use std::path::Path;

/// The longest web identity token STS accepts (`WebIdentityToken`, 4 to 20,000
/// characters), in bytes.
pub const MAX_TOKEN_BYTES: u64 = 20_000;

/// The token in `file`, trimmed of surrounding whitespace (a file written with `echo`
/// ends in a newline). `named_by` says which setting named the file, for the error.
pub fn read_token(file: &Path, named_by: &str) -> Result<Secret, SourceError> {
    let text = read_token_text(file, MAX_TOKEN_BYTES, "the identity provider's JWT").map_err(
        |problem| {
            SourceError::WebIdentityToken(format!("{} ({named_by}) {problem}", file.display()))
        },
    )?;
    Ok(Secret::new(text.expose().trim()))
}

/// The session name AWS SDKs give a web identity session that names none:
/// `web-identity-token-profile-<ms>` for a profile's, `web-identity-token-<ms>` for the
/// environment's (aws-config's `default_session_name`), so CloudTrail shows the same
/// names whichever tool assumed the role.
pub fn default_session_name(from_environment: bool, now: chrono::DateTime<chrono::Utc>) -> String {
    let prefix = if from_environment {
        "web-identity-token"
    } else {
        "web-identity-token-profile"
    };
    format!("{prefix}-{}", now.timestamp_millis())
}

#[cfg(test)]
mod tests;
