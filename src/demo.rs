//! The bundled demo configuration (assets/demo), so rolecall can be tried without an AWS account.
//!
//! The files are compiled in, so `rolecall --demo` works from any directory.

use crate::profile::{ConfigPaths, ProfileGraph};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// The variables that say where the demo's calls go: each is set to the local emulator
/// unless the caller set it, and then it must be loopback too.
const ENDPOINT_VARS: [&str; 4] = [
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
];

/// Set once [`prepare_environment`] ran: this process is the demo.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether this process runs the demo (`--demo`). Whatever would leave the machine checks
/// it: the console's federation endpoint (see [`crate::console`]).
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Points the demo at a local emulator and its own session cache, unless the caller already
/// chose: the demo's fake keys must never be sent anywhere else, and its sessions must not
/// mix with the user's real ones. A choice that leaves the machine (an endpoint that is not
/// loopback, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`) is refused with what to do.
pub fn prepare_environment() -> Result<(), String> {
    let local = format!("http://127.0.0.1:{DEMO_PORT}");
    if std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return Err(format!(
            "{NOTHING_BUT_THIS_MACHINE}, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would send \
             it to AWS: unset it to run the demo"
        ));
    }
    for var in ENDPOINT_VARS {
        match std::env::var(var) {
            Ok(url) if !is_loopback_url(&url) => {
                return Err(format!(
                    "{NOTHING_BUT_THIS_MACHINE}, and {var}={url} is not a loopback address: \
                     unset it, or point it at 127.0.0.1, to run the demo"
                ))
            }
            Ok(_) => {}
            Err(_) if var == "AWS_EC2_METADATA_SERVICE_ENDPOINT" => {
                std::env::set_var(var, format!("{local}/"))
            }
            Err(_) => std::env::set_var(var, &local),
        }
    }
    if std::env::var_os("ROLECALL_CACHE_DIR").is_none() {
        let mut dir = crate::session::SessionStore::default_dir().into_os_string();
        dir.push("-demo");
        std::env::set_var("ROLECALL_CACHE_DIR", dir);
    }
    ACTIVE.store(true, Ordering::Relaxed);
    Ok(())
}

/// How the demo's refusals begin.
const NOTHING_BUT_THIS_MACHINE: &str = "the demo talks to nothing but this machine";

/// Whether `url`'s host is a loopback address (`127.0.0.0/8`, `::1`) or `localhost`.
pub fn is_loopback_url(url: &str) -> bool {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Set by `assets/demo/run.sh` once the emulator it started answers.
pub const EMULATOR_STARTED_VAR: &str = "ROLECALL_DEMO_EMULATOR";

/// The line the TUI shows in demo mode, saying where STS is, and how to start an emulator
/// there only when `run.sh` did not start one.
pub fn banner() -> String {
    banner_for(&|name| std::env::var(name).ok())
}

fn banner_for(var: &dyn Fn(&str) -> Option<String>) -> String {
    let endpoint = var("AWS_ENDPOINT_URL_STS").unwrap_or_default();
    if var(EMULATOR_STARTED_VAR).is_some_and(|v| v == "running") {
        format!("demo: STS emulator at {endpoint}, started by run.sh; it stops when you quit")
    } else {
        format!("demo: STS at {endpoint}; no emulator there? run `bash assets/demo/run.sh`")
    }
}

#[cfg(test)]
mod tests;
