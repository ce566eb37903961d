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

/// Where the demo expects its STS emulator (`assets/demo/run.sh` starts moto_server there).
pub const DEMO_PORT: u16 = 4599;

/// Points the demo at a local emulator and its own session cache, unless the caller already
/// chose: the demo's fake keys must never be sent anywhere else, and its sessions must not
/// mix with the user's real ones.
pub fn prepare_environment() {
    let local = format!("http://127.0.0.1:{DEMO_PORT}");
    if std::env::var_os("AWS_ENDPOINT_URL_STS").is_none() {
        std::env::set_var("AWS_ENDPOINT_URL_STS", &local);
    }
    // IAM Identity Center too: the demo's SSO profile must not reach AWS either.
    for var in ["AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, &local);
        }
    }
    if std::env::var_os("AWS_EC2_METADATA_SERVICE_ENDPOINT").is_none() {
        std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("{local}/"));
    }
    if std::env::var_os("ROLECALL_CACHE_DIR").is_none() {
        let mut dir = crate::session::SessionStore::default_dir().into_os_string();
        dir.push("-demo");
        std::env::set_var("ROLECALL_CACHE_DIR", dir);
    }
}

/// The line the TUI shows in demo mode, saying where STS is and how to start it.
pub fn banner() -> String {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_STS").unwrap_or_default();
    format!("demo: STS at {endpoint}; no emulator there? run `bash assets/demo/run.sh`")
}
