//! rolecall: switch AWS sessions and roles from a terminal UI or a script.
//!
//! The library core is shared by the CLI and the TUI: `profile` reads and validates the
//! AWS config files, `source` and `sts` obtain credentials, `session` keeps them,
//! `output` renders them in the formats people paste.

pub mod cli;
pub mod credentials;
pub mod demo;
pub mod output;
pub mod profile;
pub mod secret;
pub mod session;
pub mod tui;
