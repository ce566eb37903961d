//! rolecall: switch AWS sessions and roles from a terminal UI or a script.
//!
//! The library core is shared by the CLI and the TUI; data flows from the files to a
//! session to an output. Every module, one line each:
//!
//! - [`profile`]: reads, models and validates the AWS config and credentials files.
//! - [`source`]: base credentials, the first link of a chain (keys, environment, IMDS,
//!   container endpoint and EKS Pod Identity, `credential_process`, the web identity token),
//!   and the MFA code a device's `mfa_process` prints.
//! - [`sso`]: IAM Identity Center: sign-in, the token cache, role credentials, discovery
//!   and `sso sync`.
//! - [`keys`]: long-term keys kept in the OS keyring (Secret Service, keyutils, Keychain,
//!   Credential Manager) or a passphrase-encrypted file, never in plaintext.
//! - [`login`]: `aws login` sessions (`login_session`): the AWS CLI's login cache, and
//!   refreshing it through the sign-in service with a DPoP proof.
//! - [`sts`]: the STS calls (AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken,
//!   GetFederationToken).
//! - [`iam`]: the IAM calls of key rotation (CreateAccessKey, ListAccessKeys, DeleteAccessKey).
//! - [`resolve`]: plans a profile's chain and walks it into a session.
//! - [`session`]: sessions, their store on disk, and the child environment they set.
//! - [`output`]: a session rendered as the text people paste, and the dotenv files rolecall writes.
//! - [`server`]: the loopback credential endpoint that serves and refreshes a session.
//! - [`console`]: signing in to the AWS console through the federation endpoint.
//! - [`context`]: the one `Context` every front end builds: the graph (files and discovery),
//!   STS, the session store, IAM Identity Center, the environment, demo mode.
//! - [`cli`]: the non-interactive commands, one file each, each owning its arguments.
//! - [`tui`]: the full-screen terminal UI (state, update, view, runtime).
//! - [`credentials`]: the credentials a session holds.
//! - [`endpoint_url`]: the SDKs' endpoint URL overrides (`AWS_ENDPOINT_URL_*`, STS's rule).
//! - [`http`]: the one HTTPS client every AWS call goes through, and its answer limit.
//! - [`call_failure`]: what a failed AWS call tells a person.
//! - [`error_chain`]: an error's `source()` chain: its root cause, the types it holds.
//! - [`clock`]: the time, injectable so tests move it instead of waiting.
//! - [`fsutil`]: private files: 0600, atomic, no symlink following, locked rewrites.
//! - [`secret`]: strings that never print: the secret parts of credentials.
//! - [`term_text`]: outside text on its way to a terminal, every control character shown.
//! - [`tty`]: the controlling terminal: a line read with echo off (secrets, passphrases).
//! - [`home`]: the user's home directory (`HOME`, else the user database), never relative.
//! - [`browser`]: opening a URL in the person's browser without waiting for it.
//! - [`parallel`]: CPU work split over a few threads, for large configs.
//! - [`demo`]: the bundled demo configuration (`rolecall --demo`).
//! - `testing`: helpers shared by several modules' unit tests.

pub mod browser;
pub mod call_failure;
pub mod cli;
pub mod clock;
pub mod console;
pub mod context;
pub mod credentials;
pub mod demo;
pub mod endpoint_url;
pub mod error_chain;
pub mod fsutil;
pub mod home;
pub mod http;
pub mod iam;
pub mod keys;
pub mod login;
pub mod output;
pub mod parallel;
pub mod profile;
pub mod resolve;
pub mod secret;
pub mod server;
pub mod session;
pub mod source;
pub mod sso;
pub mod sts;
pub mod term_text;
#[cfg(test)]
mod testing;
pub mod tty;
pub mod tui;
