//! Renderers: a session as the text people paste (sh, fish, dotenv, json, …).
//!
//! Every renderer takes the variables [`crate::session::child_env::session_env`] built, so all
//! formats agree on what a session sets; only the JSON-shaped formats and Redshift read
//! the [`Credentials`] directly, because their shape is fixed by someone else's contract.
//! Every rendering ends with exactly one newline, so callers can `print!` it.
//!
//! [`env_file`] is the one renderer that writes a file: the dotenv file of a session, and
//! when rolecall may replace one.

mod docker;
mod dotenv;
pub mod env_file;
mod format;
mod json;
mod redshift;
mod shell;

pub use docker::NotAPlainWord;
pub use format::{Format, UnknownFormat};
pub use shell::shell_quote;

use crate::credentials::Credentials;

/// Renders a session in `format`. `env` is what [`crate::session::child_env::session_env`]
/// returned for `creds`: the variables to set, in order. Only the docker format can
/// refuse a session: it quotes nothing (see [`NotAPlainWord`]).
pub fn render(
    format: Format,
    creds: &Credentials,
    env: &[(String, String)],
) -> Result<String, NotAPlainWord> {
    Ok(match format {
        Format::Sh => shell::sh(env),
        Format::Fish => shell::fish(env),
        Format::PowerShell => shell::powershell(env),
        Format::Dotenv => dotenv::dotenv(env),
        Format::Json => json::json(creds),
        Format::CredentialProcess => json::credential_process(creds),
        Format::Docker => docker::docker(env)?,
        Format::Redshift => redshift::redshift(creds),
    })
}

/// `KEY=value` lines of a `.env` file: the dotenv format, which quotes whatever it must
/// and so never refuses a session.
pub fn dotenv_lines(env: &[(String, String)]) -> String {
    dotenv::dotenv(env)
}

#[cfg(test)]
mod tests;
