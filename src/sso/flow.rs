//! Which way an IAM Identity Center sign-in goes, and why, as the person is told.
//!
//! The AWS CLI (since 2.22) signs `[sso-session]` profiles in with the authorization code
//! and PKCE: the browser on this machine comes back to a listener on 127.0.0.1. That only
//! works where a browser can reach this machine's loopback. Where none can (CI, a container,
//! an SSH session without a display, a machine with no display at all) rolecall falls back
//! to the device code, which is approved on any device. `--use-device-code` asks for it, and
//! legacy profiles (`sso_start_url` on the profile) keep it, as the CLI does. `BROWSER` set
//! says how a browser is reached from here (VS Code's remote sessions, dev containers and
//! Codespaces set it and forward the loopback port), so it keeps the authorization code.

use super::SsoSessionConfig;
use std::path::Path;

/// The two OAuth grants IAM Identity Center signs a person in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignInFlow {
    /// The authorization code and PKCE (S256), through a loopback listener.
    AuthCode,
    /// The device authorization grant (RFC 8628): a code approved on any device.
    DeviceCode,
}

impl SignInFlow {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            SignInFlow::AuthCode => "the authorization code and PKCE",
            SignInFlow::DeviceCode => "a device code",
        }
    }

    /// The scopes RegisterClient (and the authorize URL) ask for with this flow:
    /// [`SsoSessionConfig::scopes_to_request`], except that the authorization code always
    /// asks for some, [`super::DEFAULT_REGISTRATION_SCOPE`] when none are configured (the
    /// AWS CLI's `scopes or [default]`).
    pub fn scopes(self, config: &SsoSessionConfig) -> Vec<String> {
        let scopes = config.scopes_to_request();
        if self == SignInFlow::AuthCode && scopes.is_empty() {
            return vec![super::DEFAULT_REGISTRATION_SCOPE.to_string()];
        }
        scopes
    }
}

/// The flow a sign-in takes and the reason, in words for the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowChoice {
    pub flow: SignInFlow,
    pub why: &'static str,
}

/// What of the surroundings decides whether a browser can reach a loopback listener here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Surroundings {
    /// `BROWSER` is set (not blank).
    pub browser_var: bool,
    /// `CI` is set to anything but `false` or `0`.
    pub ci: bool,
    /// `/.dockerenv` or `/run/.containerenv` exists, or `container` or
    /// `KUBERNETES_SERVICE_HOST` is set.
    pub container: bool,
    /// `SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` is set.
    pub ssh: bool,
    /// A display to open a browser on: macOS, or `DISPLAY` / `WAYLAND_DISPLAY`.
    pub display: bool,
}

impl Surroundings {
    /// This process's surroundings.
    pub fn detect() -> Self {
        Self::detect_with(
            &|name| std::env::var(name).ok(),
            &|path| Path::new(path).exists(),
            cfg!(target_os = "macos"),
        )
    }

    /// The surroundings that `var` and `exists` describe (tests give their own).
    pub fn detect_with(
        var: &dyn Fn(&str) -> Option<String>,
        exists: &dyn Fn(&str) -> bool,
        macos: bool,
    ) -> Self {
        let set = |name: &str| var(name).is_some_and(|v| !v.trim().is_empty());
        let ssh = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
            .into_iter()
            .any(set);
        Surroundings {
            browser_var: set("BROWSER"),
            ci: var("CI").is_some_and(|v| {
                let v = v.trim();
                !v.is_empty() && !v.eq_ignore_ascii_case("false") && v != "0"
            }),
            container: exists("/.dockerenv")
                || exists("/run/.containerenv")
                || set("container")
                || set("KUBERNETES_SERVICE_HOST"),
            ssh,
            display: set("DISPLAY") || set("WAYLAND_DISPLAY") || (macos && !ssh),
        }
    }
}

/// The flow `config` signs in with here; see the module documentation for the rule.
pub fn choose_flow(
    config: &SsoSessionConfig,
    use_device_code: bool,
    around: &Surroundings,
) -> FlowChoice {
    let device = |why| FlowChoice {
        flow: SignInFlow::DeviceCode,
        why,
    };
    let auth_code = |why| FlowChoice {
        flow: SignInFlow::AuthCode,
        why,
    };
    if config.session_name.is_none() {
        return device("the profile has sso_start_url itself, without an sso-session; the AWS CLI signs such profiles in with a device code too");
    }
    if use_device_code {
        return device("--use-device-code");
    }
    if around.browser_var {
        return auth_code("BROWSER is set, so a browser that reaches this machine opens it");
    }
    if around.ci {
        return device("CI is set: no browser here can come back to a listener on this machine");
    }
    if around.container {
        return device("in a container: a browser outside it cannot reach a listener inside");
    }
    if around.ssh && !around.display {
        return device("an SSH session without a display: the browser is on another machine");
    }
    if !around.display {
        return device("no display to open a browser on");
    }
    auth_code("the default for sso-session profiles, as in the AWS CLI")
}

#[cfg(test)]
mod tests;
