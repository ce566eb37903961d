//! Opening a URL in the user's browser, the way the platform does it: `BROWSER` first
//! (a `:`-separated list of commands, `%s` standing for the URL), else `open` on macOS and
//! `xdg-open` elsewhere. Nothing here waits for the browser: the opener is started and
//! reaped in the background, so neither the CLI nor the TUI ever blocks on it.
//!
//! The URL becomes a process argument of the opener while it runs (other local users can
//! read it from the process table then). For a URL that holds a secret, such as a console
//! sign-in link, that is the same trade-off aws-vault and granted make; callers offer a
//! `--print` alternative that keeps it off the process table.

use crate::secret::Secret;
use std::process::{Command, Stdio};

/// Why no browser was opened. The messages never hold the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No graphical session to open a browser in (SSH, a console, a container).
    #[error("no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset, and BROWSER names no browser)")]
    NoDisplay,
    /// None of the openers could be started.
    #[error("could not start a browser: {0}")]
    NotStarted(String),
}

/// Opens `url` in a browser with the process's environment; returns the command used.
pub fn open(url: &Secret) -> Result<String, BrowserError> {
    open_with(url, &|name| std::env::var(name).ok())
}

/// [`open`] with the environment read through `var` (tests give their own).
pub fn open_with(
    url: &Secret,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<String, BrowserError> {
    let candidates = openers(var)?;
    let mut failures = Vec::new();
    for argv in candidates {
        let args = with_url(&argv[1..], url.expose());
        match Command::new(&argv[0])
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(mut child) => {
                // Reaped in the background: a browser started by the opener may run for
                // hours, and a long-lived TUI must not collect zombies meanwhile.
                std::thread::spawn(move || child.wait());
                return Ok(argv[0].clone());
            }
            Err(e) => failures.push(format!("{}: {e}", argv[0])),
        }
    }
    Err(BrowserError::NotStarted(failures.join("; ")))
}

/// The commands to try, in order, each as program and arguments (without the URL).
fn openers(var: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Vec<String>>, BrowserError> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let from_browser: Vec<Vec<String>> = set("BROWSER")
        .map(|list| {
            list.split(':')
                .map(|cmd| {
                    cmd.split_whitespace()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .filter(|argv| !argv.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !from_browser.is_empty() {
        return Ok(from_browser);
    }
    if cfg!(target_os = "macos") {
        return Ok(vec![vec!["open".into()]]);
    }
    if set("DISPLAY").is_none() && set("WAYLAND_DISPLAY").is_none() {
        return Err(BrowserError::NoDisplay);
    }
    Ok(vec![vec!["xdg-open".into()]])
}

/// The arguments with `%s` replaced by the URL, or the URL appended when none has `%s`.
fn with_url(args: &[String], url: &str) -> Vec<String> {
    if args.iter().any(|a| a.contains("%s")) {
        args.iter().map(|a| a.replace("%s", url)).collect()
    } else {
        let mut all = args.to_vec();
        all.push(url.to_string());
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            owned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn browser_variable_comes_first() {
        let list = openers(&env(&[
            ("BROWSER", "firefox --new-tab:chromium"),
            ("DISPLAY", ":0"),
        ]))
        .unwrap();
        assert_eq!(
            list,
            vec![
                vec!["firefox".to_string(), "--new-tab".into()],
                vec!["chromium".into()]
            ]
        );
    }

    #[cfg(not(target_os = "macos"))]
    #[test]
    fn without_a_display_nothing_is_tried() {
        assert_eq!(openers(&env(&[])), Err(BrowserError::NoDisplay));
        assert_eq!(
            openers(&env(&[("WAYLAND_DISPLAY", "wayland-0")])).unwrap(),
            vec![vec!["xdg-open".to_string()]]
        );
    }

    #[test]
    fn the_url_goes_where_percent_s_is() {
        let args = ["--url=%s".to_string(), "-x".into()];
        assert_eq!(with_url(&args, "U"), ["--url=U", "-x"]);
        assert_eq!(with_url(&["-n".to_string()], "U"), ["-n", "U"]);
    }

    #[test]
    fn a_missing_browser_is_an_error_without_the_url() {
        let url = Secret::new("https://example.invalid/?SigninToken=s3cr3t");
        let err = open_with(&url, &env(&[("BROWSER", "/nonexistent/browser")])).unwrap_err();
        assert!(matches!(err, BrowserError::NotStarted(_)), "{err}");
        assert!(!err.to_string().contains("s3cr3t"), "{err}");
    }
}
