//! The bundled demo configuration (assets/demo), so rolecall can be tried without an AWS account.
//!
//! The files are compiled in, so `rolecall --demo` works from any directory. Every call
//! the demo makes goes to its emulators on 127.0.0.1 (`assets/demo/emulators.sh` starts
//! them): moto_server for STS and the instance metadata, and `assets/demo/sign_in.py` for
//! IAM Identity Center and the console's federation endpoint. [`prepare_environment`]
//! points the endpoint variables there and refuses any that leaves the machine.

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

/// Where the demo expects its STS emulator (`assets/demo/emulators.sh` starts moto_server
/// there), unless [`PORT_VAR`] says otherwise; its sign-in services (IAM Identity Center's
/// OIDC service and access portal, and the console's federation endpoint:
/// `assets/demo/sign_in.py`) listen on the next port.
pub const DEMO_PORT: u16 = 4599;

/// Moves the demo's emulators (`emulators.sh` reads it too): STS on this port, the sign-in
/// services on the next.
pub const PORT_VAR: &str = "ROLECALL_DEMO_PORT";

/// The console's federation endpoint variable (`crate::console::FEDERATION_ENDPOINT_VAR`,
/// named here since the console asks this module, not the other way round).
const FEDERATION_ENDPOINT_VAR: &str = "ROLECALL_FEDERATION_ENDPOINT";

/// The variables that say where the demo's calls go, and where each goes by default (the
/// emulators on `port`, else on [`DEMO_PORT`]): each is set to the local emulator unless
/// the caller set it, and then it must be loopback too.
fn endpoint_defaults(port: Option<&str>) -> [(&'static str, String); 5] {
    let port = port
        .and_then(|p| p.trim().parse::<u16>().ok())
        .filter(|p| *p != 0 && *p < u16::MAX)
        .unwrap_or(DEMO_PORT);
    let sts = format!("http://127.0.0.1:{port}");
    let sign_in = format!("http://127.0.0.1:{}", port + 1);
    [
        ("AWS_ENDPOINT_URL_STS", sts.clone()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("{sts}/")),
        ("AWS_ENDPOINT_URL_SSO", sign_in.clone()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", sign_in.clone()),
        (FEDERATION_ENDPOINT_VAR, format!("{sign_in}/federation")),
    ]
}

/// Set once [`prepare_environment`] ran: this process is the demo.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether this process runs the demo (`--demo`). Whatever would leave the machine checks
/// it: the console's federation endpoint (see [`crate::console`]), the browser
/// ([`open_in_browser`]), and the advice of an endpoint that does not answer.
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Points the demo at its local emulators and its own session cache, unless the caller
/// already chose: the demo's fake keys must never be sent anywhere else, and its sessions
/// must not mix with the user's real ones. A choice that leaves the machine (an endpoint
/// that is not loopback, `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`) is refused with what to do.
pub fn prepare_environment() -> Result<(), String> {
    if std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return Err(format!(
            "{NOTHING_BUT_THIS_MACHINE}, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would send \
             it to AWS: unset it to run the demo"
        ));
    }
    let port = std::env::var(PORT_VAR).ok();
    for (var, default) in endpoint_defaults(port.as_deref()) {
        match std::env::var(var) {
            Ok(url) if !is_loopback_url(&url) => {
                return Err(format!(
                    "{NOTHING_BUT_THIS_MACHINE}, and {var}={url} is not a loopback address: \
                     unset it, or point it at 127.0.0.1, to run the demo"
                ))
            }
            Ok(_) => {}
            Err(_) => std::env::set_var(var, default),
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

/// Where the demo keeps its IAM Identity Center sign-in: in its own cache directory, never
/// in the AWS CLI's `~/.aws/sso/cache` (call after [`prepare_environment`]).
pub fn token_cache_dir() -> PathBuf {
    crate::session::SessionStore::default_dir().join("sso")
}

/// Opens `url` in the browser ([`crate::browser::open`]), except in the demo when `url` is
/// not on this machine: the demo's pages are its sign-in services' on 127.0.0.1, and
/// anything else is refused, never opened.
pub fn open_in_browser(url: &str) -> crate::browser::Opened {
    if is_active() && !is_loopback_url(url) {
        return crate::browser::Opened::Failed(
            "the demo opens pages on this machine only, and this one is elsewhere".into(),
        );
    }
    crate::browser::open(url)
}

/// What to do when an endpoint does not answer: in the demo, start its emulators (the
/// endpoints are theirs, so nothing else is worth checking); else `otherwise`.
pub fn unreachable_advice(otherwise: &'static str) -> &'static str {
    if is_active() {
        START_EMULATORS
    } else {
        otherwise
    }
}

/// The demo's advice when its emulators do not answer.
pub const START_EMULATORS: &str = "the demo's emulators are not running: start them with \
     `bash assets/demo/run.sh`, and run this again while its TUI is open";

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

/// The line the TUI shows in demo mode, saying where STS and the sign-in services are, and
/// how to start the emulators only when `run.sh` did not start them.
pub fn banner() -> String {
    banner_for(&|name| std::env::var(name).ok())
}

fn banner_for(var: &dyn Fn(&str) -> Option<String>) -> String {
    let sts = var("AWS_ENDPOINT_URL_STS").unwrap_or_default();
    let sso = var("AWS_ENDPOINT_URL_SSO").unwrap_or_default();
    if var(EMULATOR_STARTED_VAR).is_some_and(|v| v == "running") {
        format!("demo: STS at {sts}, sign-in at {sso}, started by run.sh; they stop when you quit")
    } else {
        format!(
            "demo: STS at {sts}, sign-in at {sso}; nothing there? run `bash assets/demo/run.sh`"
        )
    }
}

#[cfg(test)]
mod tests;
