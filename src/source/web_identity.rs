//! Web identity: the OIDC token a role is assumed with (AssumeRoleWithWebIdentity), read
//! from the file a profile's `web_identity_token_file` or `AWS_WEB_IDENTITY_TOKEN_FILE`
//! names. EKS rotates that file (the kubelet writes a new token before the old one
//! expires), so it is read again for every call and never kept.
//!
//! The file may be a symlink (EKS projects it through one) and is followed. At most
//! [`MAX_TOKEN_BYTES`] are read: STS accepts no longer token, and a file that size is
//! the wrong file.

use super::SourceError;
use crate::secret::Secret;
use std::io::Read;
use std::path::Path;

/// The longest web identity token STS accepts (`WebIdentityToken`, 4 to 20,000
/// characters), in bytes.
pub const MAX_TOKEN_BYTES: u64 = 20_000;

/// The token in `file`, trimmed of surrounding whitespace (a file written with `echo`
/// ends in a newline). `named_by` says which setting named the file, for the error.
pub fn read_token(file: &Path, named_by: &str) -> Result<Secret, SourceError> {
    let error = |problem: String| SourceError::WebIdentityToken {
        file: file.display().to_string(),
        named_by: named_by.to_string(),
        problem,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_TOKEN_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| error(unreadable(&e)))?;
    if bytes.len() as u64 > MAX_TOKEN_BYTES {
        return Err(error(format!(
            "is larger than {MAX_TOKEN_BYTES} bytes, the longest token STS accepts: is it the \
             token file?"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        zeroize::Zeroize::zeroize(&mut e.into_bytes());
        error("is not text: a web identity token is a JWT".into())
    })?;
    // Both copies are secrets: the whole text is zeroised when it drops.
    let text = Secret::new(text);
    let token = Secret::new(text.expose().trim());
    if token.expose().is_empty() {
        return Err(error(
            "is empty: it should hold the identity provider's token (a JWT)".into(),
        ));
    }
    Ok(token)
}

/// Why the file could not be read, and what to check.
fn unreadable(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            "does not exist: check the path (on EKS, the pod's service account token volume)".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "cannot be read: permission denied (check its owner and mode)".into()
        }
        _ => format!("cannot be read: {e}"),
    }
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
