//! rolecall: switch AWS sessions and roles from a terminal UI or a script.
//!
//! The library core is shared by the CLI and the TUI: `profile` reads and validates the
//! AWS config files, `source` and `sts` obtain credentials, `resolve` walks a profile's
//! chain into a session, `session` keeps them, `output` renders them in the formats
//! people paste, and `server` serves a session to child programs over the container
//! credentials protocol, refreshing it before it expires. The binary builds one
//! `context::Context` and hands it to a `cli` command or the `tui`, which reach the core
//! through it.

pub mod browser;
pub mod call_failure;
pub mod cli;
pub mod console;
pub mod context;
pub mod credentials;
pub mod demo;
pub mod endpoint;
pub mod envfile;
pub mod fsutil;
pub mod http;
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
pub mod tui;
