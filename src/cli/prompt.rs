//! `rolecall prompt`: the shell's rolecall session and its time left, for a shell prompt.
//!
//! A prompt runs this before every command line, so it reads the environment and nothing
//! else: no profile file, no session store, no network. What it can know from there is
//! what a session handed to the shell (see [`crate::session::child_env`]): the profile's name,
//! the credentials' expiration, and whether a local endpoint serves them instead.

use crate::session::child_env::{PROFILE_VAR, SERVED_VAR};
use chrono::{DateTime, Utc};
use clap::Args;
use std::io::Write;

/// The template `rolecall prompt` prints by default.
pub const DEFAULT_TEMPLATE: &str = "{profile} {left}";

/// `rolecall prompt`'s flags.
#[derive(Args, Debug)]
pub struct PromptArgs {
    /// What to print: `{profile}` and `{left}` are replaced.
    #[arg(long, default_value = DEFAULT_TEMPLATE)]
    pub format: String,
}

/// What the prompt shows of the session a shell runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptSession {
    pub profile: String,
    pub left: Left,
}

/// The session's time left as a prompt shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Seconds until `AWS_CREDENTIAL_EXPIRATION` (positive).
    Seconds(i64),
    /// The expiration has passed: commands will fail until the session is renewed.
    Expired,
    /// A local credential endpoint serves the session and refreshes it (no fixed end).
    Served,
    /// Long-term keys, or an expiration that cannot be read: nothing to count down.
    Unknown,
}

impl Left {
    /// `42m`, `1h05m`, `59s`, `expired`, `served`, or empty.
    pub fn text(self) -> String {
        match self {
            Left::Seconds(s) if s >= 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
            Left::Seconds(s) if s >= 60 => format!("{}m", s / 60),
            Left::Seconds(s) => format!("{s}s"),
            Left::Expired => "expired".into(),
            Left::Served => "served".into(),
            Left::Unknown => String::new(),
        }
    }
}

/// The session described by the variables `var` returns, at `now`; `None` outside one.
pub fn read_session(
    var: impl Fn(&str) -> Option<String>,
    now: DateTime<Utc>,
) -> Option<PromptSession> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let profile = set(PROFILE_VAR)?;
    let expiration =
        set("AWS_CREDENTIAL_EXPIRATION").and_then(|e| DateTime::parse_from_rfc3339(e.trim()).ok());
    let left = match expiration {
        Some(e) => match (e.with_timezone(&Utc) - now).num_seconds() {
            s if s > 0 => Left::Seconds(s),
            _ => Left::Expired,
        },
        None if set(SERVED_VAR).is_some_and(|v| v.trim() == "1") => Left::Served,
        None => Left::Unknown,
    };
    Some(PromptSession { profile, left })
}

/// `template` with `{profile}` and `{left}` filled in, trailing spaces trimmed (an empty
/// `{left}` leaves none). The profile comes from the environment, so it is shown as a
/// terminal shows it safely; the template is the user's own, kept as it is.
pub fn render(template: &str, session: &PromptSession) -> String {
    template
        .replace("{profile}", &crate::term_text::visible(&session.profile))
        .replace("{left}", &session.left.text())
        .trim_end()
        .to_string()
}

/// Prints the prompt text for the process's environment, or nothing outside a session.
pub fn run(args: PromptArgs) -> anyhow::Result<()> {
    let template = &args.format;
    let Some(session) = read_session(|name| std::env::var(name).ok(), Utc::now()) else {
        return Ok(());
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", render(template, &session))?;
    Ok(())
}

#[cfg(test)]
mod tests;
