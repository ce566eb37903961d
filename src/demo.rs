//! The bundled demo configuration (assets/demo), so rolecall can be tried without an AWS account.
//!
//! The files are compiled in, so `rolecall --demo` works from any directory.

use crate::profile::{ConfigPaths, ProfileGraph};
use std::path::PathBuf;

/// The demo config file's text.
pub const CONFIG: &str = include_str!("../assets/demo/config");
/// The demo credentials file's text (fake keys: the demo talks to a local emulator only).
pub const CREDENTIALS: &str = include_str!("../assets/demo/credentials");

/// The demo's paths as shown in diagnostics.
pub fn paths() -> ConfigPaths {
    ConfigPaths {
        config: PathBuf::from("assets/demo/config"),
        credentials: PathBuf::from("assets/demo/credentials"),
    }
}

/// The demo profile graph.
pub fn graph() -> ProfileGraph {
    ProfileGraph::from_texts(paths(), CONFIG, CREDENTIALS)
}
