//! Renderers: a session as the text people paste (sh, fish, dotenv, json, …).
//!
//! Every renderer takes the variables [`crate::session::env::session_env`] built, so all
//! formats agree on what a session sets; only the JSON-shaped formats and Redshift read
//! the [`Credentials`] directly, because their shape is fixed by someone else's contract.
//! Every rendering ends with exactly one newline, so callers can `print!` it.

mod dotenv;
mod format;
mod json;
mod redshift;
mod shell;

pub use format::{Format, UnknownFormat};
pub use shell::shell_quote;

use crate::credentials::Credentials;

/// Renders a session in `format`. `env` is what [`crate::session::env::session_env`]
/// returned for `creds`: the variables to set, in order.
pub fn render(format: Format, creds: &Credentials, env: &[(String, String)]) -> String {
    match format {
        Format::Sh => shell::sh(env),
        Format::Fish => shell::fish(env),
        Format::PowerShell => shell::powershell(env),
        Format::Dotenv => dotenv::dotenv(env),
        Format::Json => json::json(creds),
        Format::CredentialProcess => json::credential_process(creds),
        Format::Docker => shell::docker(env),
        Format::Redshift => redshift::redshift(creds),
    }
}

#[cfg(test)]
mod tests;
