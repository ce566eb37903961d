//! `mfa_process` (aws-vault's name): a command that prints the one-time code of a
//! profile's `mfa_serial`, such as `ykman oath accounts code --single NAME`, run instead of
//! asking the person.
//!
//! It runs as `credential_process` does ([`super::run_bounded`]): through `sh -c`, in a
//! process group of its own that is killed when the wait is dropped (Ctrl-C, Esc in the
//! TUI, the TUI quitting) or rolecall is ended by a signal; with its output bounded; and
//! named in messages by its program only, since its arguments can hold names. What it
//! prints is a secret: it is never quoted, logged or shown, and is zeroised. Unlike
//! `credential_process` it has a deadline, [`MFA_PROCESS_TIMEOUT`]: a device waits for a
//! touch that may never come.

use super::{program_name, run_bounded, ChildTerminal, RunFailure};
use crate::sts::MfaCode;
use std::time::Duration;

/// How long an `mfa_process` may take: time to notice a blinking key and touch it
/// (YubiKey's own touch prompt gives up after about 15 seconds). Not configurable: a
/// command that needs longer waits for something other than a touch.
pub const MFA_PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// At most this much of an `mfa_process`'s stdout is read: a code and a newline are seven
/// bytes. One that prints more is stopped, with everything it started.
pub const MFA_STDOUT_LIMIT: usize = 1024;

/// A profile's `mfa_process`: the command, and the profile that sets it (with the
/// `mfa_serial` whose code it prints). `Debug` shows only the program: the arguments can
/// hold names.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaProcess {
    pub command: String,
    /// The profile whose `mfa_process` it is, for messages.
    pub profile: String,
}

impl MfaProcess {
    /// The program the command runs (`ykman`), the only part of it messages show.
    pub fn program(&self) -> String {
        program_name(&self.command)
    }

    /// What the person is told while it runs, on stderr or the TUI's status line: right
    /// for any device, as not every one blinks or needs a touch.
    pub fn waiting(&self) -> String {
        format!(
            "waiting for {} (mfa_process of '{}'): touch your security key if it blinks",
            self.program(),
            self.profile
        )
    }
}

impl std::fmt::Debug for MfaProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaProcess")
            .field("program", &self.program())
            .field("profile", &self.profile)
            .finish()
    }
}

/// Why an `mfa_process` gave no code: the profile, the program, and what happened (never
/// what it printed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mfa_process of '{profile}' ({program}) {message}")]
pub struct MfaProcessError {
    pub profile: String,
    pub program: String,
    /// `printed something that is not a six-digit code`, `exited with code 1: …`.
    pub message: String,
}

/// Runs `device`'s command and returns the code it printed (see the module documentation),
/// within [`MFA_PROCESS_TIMEOUT`].
pub async fn mfa_code(
    device: &MfaProcess,
    terminal: ChildTerminal,
) -> Result<MfaCode, MfaProcessError> {
    mfa_code_within(device, terminal, MFA_PROCESS_TIMEOUT).await
}

/// [`mfa_code`] with its deadline given (the tests' is short).
async fn mfa_code_within(
    device: &MfaProcess,
    terminal: ChildTerminal,
    timeout: Duration,
) -> Result<MfaCode, MfaProcessError> {
    let fail = |message: String| MfaProcessError {
        profile: device.profile.clone(),
        program: device.program(),
        message,
    };
    let run = run_bounded(&device.command, terminal, MFA_STDOUT_LIMIT);
    // A timeout drops the run, which kills the group.
    let out = match tokio::time::timeout(timeout, run).await {
        Err(_) => {
            return Err(fail(format!(
                "printed no code within {} seconds and was stopped",
                timeout.as_secs()
            )))
        }
        Ok(Err(RunFailure::OverLimit)) => {
            return Err(fail(format!(
                "printed more than {MFA_STDOUT_LIMIT} bytes, far more than a code, and was \
                 stopped (with everything it started)"
            )))
        }
        Ok(Err(RunFailure::Failed(message))) => {
            let message = message
                .strip_prefix("it ")
                .map_or_else(|| format!("failed: {message}"), str::to_string);
            return Err(fail(message));
        }
        Ok(Ok(out)) => out,
    };
    parse_code(&out)
        .ok_or_else(|| fail("printed something that is not a six-digit code".to_string()))
}

/// The code in what an `mfa_process` printed: six ASCII digits, whitespace around them
/// trimmed; anything else is `None` (and is never quoted).
pub(super) fn parse_code(out: &[u8]) -> Option<MfaCode> {
    let text = std::str::from_utf8(out).ok()?.trim_ascii();
    MfaCode::parse(text).ok()
}

#[cfg(test)]
mod tests;
