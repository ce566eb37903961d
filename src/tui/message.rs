//! What flows between the app, its modals and the runtime: the messages the app takes
//! ([`Msg`]), the commands it hands the runtime ([`Cmd`]), the status line a handler sets,
//! and the assume in flight. Below the app and the modals, so both speak it without
//! importing each other.

use super::backend::{AssumeFailure, Assumed, DiscoveryStatus, SignInPrompt, SignInStatus};
use crate::profile::ProfileGraph;
use crate::session::{ListedSession, Session, SessionKey};
use crate::sts::MfaCode;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// Whether the status line reports progress or a problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Error,
}

/// The line at the bottom saying what just happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    pub text: String,
    pub level: StatusLevel,
}

impl StatusLine {
    /// Progress or a result, as information.
    pub fn info(text: impl Into<String>) -> Self {
        StatusLine {
            text: text.into(),
            level: StatusLevel::Info,
        }
    }

    /// A problem.
    pub fn error(text: impl Into<String>) -> Self {
        StatusLine {
            text: text.into(),
            level: StatusLevel::Error,
        }
    }
}

/// An assume the runtime is running for us; the spinner advances on every tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub profile: String,
    pub frame: usize,
    /// What its answer completes.
    pub purpose: MfaPurpose,
    /// The MFA device, when a code goes with it (to ask again after a wrong code).
    pub serial: Option<String>,
    /// What the spinner says while a device's `mfa_process` runs, instead of "assuming".
    pub waiting: Option<String>,
}

impl InFlight {
    pub(super) fn assume(profile: String) -> Self {
        InFlight {
            profile,
            frame: 0,
            purpose: MfaPurpose::Assume,
            serial: None,
            waiting: None,
        }
    }
}

/// Everything that can happen to the TUI.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// The clock moved (every second, and faster while a spinner turns).
    Tick(DateTime<Utc>),
    /// The terminal's size, so paging moves by a screenful.
    Resize {
        width: u16,
        height: u16,
    },
    Assumed {
        profile: String,
        result: Result<Assumed, AssumeFailure>,
    },
    /// The assume of `profile` runs a device's `mfa_process`: what to show meanwhile.
    WaitingForDevice {
        profile: String,
        text: String,
    },
    Sessions(Result<Vec<ListedSession>, String>),
    Forgot {
        profile: String,
        result: Result<(), String>,
    },
    /// `Cmd::WriteEnvFile { replace_foreign: false }` found a file rolecall did not write:
    /// ask, saying so, before replacing it.
    EnvFileForeign(PathBuf),
    /// `Cmd::WriteEnvFile { if_not_ignored: Ask }` found that git would offer the file for
    /// commit: ask, saying so, before writing it.
    EnvFileNotIgnored(PathBuf),
    EnvFileWritten {
        path: PathBuf,
        /// The `.gitignore` the file was added to, when the user asked for that.
        gitignore: Option<PathBuf>,
    },
    SubshellExited {
        profile: String,
        result: Result<Option<i32>, String>,
        /// What the subshell's credential endpoint did, when it ran on one.
        served: Option<crate::server::ServerStatus>,
    },
    ConfigReloaded(std::sync::Arc<ProfileGraph>),
    /// The profiles with the roles IAM Identity Center discovery knows (swapped in quietly).
    Discovered(std::sync::Arc<ProfileGraph>),
    /// How far a discovery asking the portal has got (`None`: it has ended), with the
    /// profiles so far now and then.
    Discovering {
        status: Option<DiscoveryStatus>,
        graph: Option<std::sync::Arc<ProfileGraph>>,
    },
    /// The sign-in window's code and URL.
    SignInPrompt {
        profile: String,
        prompt: SignInPrompt,
    },
    /// The sign-in was approved (or failed).
    SignedIn {
        profile: String,
        result: Result<(), String>,
    },
    /// The IAM Identity Center sign-ins and when they expire.
    SignIns(Vec<SignInStatus>),
    /// The console was opened (what to say), or why not.
    ConsoleOpened(Result<String, String>),
    Error(String),
}

/// What the runtime must do for the app; the answers come back as [`Msg`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cmd {
    /// Obtain a session: from the cache, or from STS with `refresh` (the cached one is kept
    /// until the new one arrives) or with a code just typed.
    Assume {
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
    },
    /// A new MFA session of `profile`'s keys, with `code` (typed), or with the one the
    /// device's `mfa_process` prints (`None`).
    RenewMfa {
        profile: String,
        serial: String,
        code: Option<MfaCode>,
    },
    /// Abort the running assume task; its answer, if any, is ignored.
    CancelAssume,
    /// `$SHELL` with the session: on a local credential endpoint (`served`: the shell gets
    /// no keys, every AWS SDK fetches fresh credentials from it) or with its keys.
    OpenSubshell {
        session: Session,
        served: bool,
    },
    WriteEnvFile {
        path: PathBuf,
        session: Session,
        replace_foreign: bool,
        if_not_ignored: IfNotIgnored,
    },
    Forget(SessionKey),
    /// Put `text` on the clipboard (an OSC 52 escape to the terminal).
    CopyToClipboard(crate::secret::Secret),
    LoadSessions,
    /// Load the files again (`rediscover`: and ask IAM Identity Center for the roles).
    ReloadConfig {
        rediscover: bool,
    },
    /// Add the roles IAM Identity Center discovery knows to the list.
    Discover,
    /// Sign in to the IAM Identity Center session `profile` uses.
    SignIn {
        profile: String,
    },
    /// Sign in again with a device code instead (the sign-in window's fallback when no
    /// browser here comes back to the listener); replaces the running sign-in.
    SignInWithDeviceCode {
        profile: String,
    },
    /// Abort the running sign-in.
    CancelSignIn,
    /// Open the AWS console signed in with the profile's session.
    OpenConsole(String),
    Quit,
}

/// What a code typed into the MFA window is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MfaPurpose {
    /// Assume the profile (its chain needs a code).
    Assume,
    /// Renew the MFA session of the profile's keys.
    RenewSession,
}

/// What a dotenv write does when the file would be offered for commit by git (it lies in
/// a work tree and no ignore rule covers it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfNotIgnored {
    /// Write nothing yet: answer [`Msg::EnvFileNotIgnored`], so the prompt asks.
    Ask,
    /// Write it anyway: the user said so.
    WriteAnyway,
    /// Add it to the `.gitignore` beside it, then write it.
    AddToGitignore,
}
