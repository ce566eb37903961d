//! `rolecall env-file PROFILE [PATH]`: a dotenv file for a session, 0600, written atomically.

use crate::fsutil::{read_no_follow, write_private_atomic};
use crate::output::{render, Format};
use crate::session::Session;
use chrono::SecondsFormat;
use std::path::Path;

/// The first line of every file rolecall writes; its presence means rolecall may replace it.
pub const MARKER: &str = "# written by rolecall";

/// Why a dotenv file was not written.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    #[error("{0} exists and was not written by rolecall; pass --force to replace it")]
    NotOurs(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The file's contents: the marker line, then the dotenv lines.
pub fn env_file_text(session: &Session) -> String {
    let env = session.env();
    let expires = session
        .expiration()
        .map(|e| format!("; expires {}", e.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .unwrap_or_default();
    format!(
        "{MARKER} for profile {}{expires}\n{}",
        session.profile,
        render(Format::Dotenv, &session.credentials, &env)
    )
}

/// Whether `path` exists and does not start with rolecall's marker.
pub fn is_foreign_file(path: &Path) -> Result<bool, EnvFileError> {
    let existing = read_no_follow(path).map_err(|source| EnvFileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(existing.is_some_and(|bytes| !bytes.starts_with(MARKER.as_bytes())))
}

/// Writes the dotenv file (mode 0600, atomic, never through a symlink).
pub fn write_env_file(session: &Session, path: &Path, force: bool) -> Result<(), EnvFileError> {
    if !force && is_foreign_file(path)? {
        return Err(EnvFileError::NotOurs(path.display().to_string()));
    }
    write_private_atomic(path, env_file_text(session).as_bytes()).map_err(|source| {
        EnvFileError::Io {
            path: path.display().to_string(),
            source,
        }
    })
}
