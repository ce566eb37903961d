//! Opening a URL in the person's browser (the SSO sign-in page, the console), without
//! ever waiting for it.
//!
//! `BROWSER` wins when set (a `:`-separated list as xdg-utils and Python read it; `%s` in
//! an entry is the URL, else the URL is appended). Otherwise `open` on macOS and `xdg-open`
//! elsewhere, but on Linux only with a display (`DISPLAY` or `WAYLAND_DISPLAY`): over SSH
//! or in a container there is nothing to open and xdg-open could start a text browser on
//! the terminal the code is shown on. The opener runs detached (its output discarded, its
//! exit reaped on a thread), so a slow or missing browser never holds up the sign-in.
//!
//! The URL is a command-line argument of the opener while it runs, readable by other local
//! users from the process table for that moment. For a URL that is a secret (the console's
//! sign-in link) that is the trade-off aws-vault and granted make too; `rolecall console
//! --print` keeps it off the process table.

use std::process::{Command, Stdio};

/// What [`open`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The opener was started (its program name).
    Started(String),
    /// Nothing to open with: no `BROWSER` and no display.
    NoDisplay,
    /// The opener could not be started.
    Failed(String),
}

/// Opens `url` in the browser; see the module documentation. (The sign-in and console
/// pages go through [`crate::demo::open_in_browser`], which keeps the demo on loopback.)
pub fn open(url: &str) -> Opened {
    open_with(
        url,
        &|name| std::env::var(name).ok(),
        cfg!(target_os = "macos"),
    )
}

/// [`open`] with the variables `var` gives (tests give their own).
pub fn open_with(url: &str, var: &dyn Fn(&str) -> Option<String>, macos: bool) -> Opened {
    let Some((program, args)) = opener_command(url, var, macos) else {
        return Opened::NoDisplay;
    };
    let spawned = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            // Reap it whenever it exits; nobody waits for it.
            std::thread::spawn(move || child.wait());
            Opened::Started(program)
        }
        Err(e) => Opened::Failed(format!("cannot run {program}: {e}")),
    }
}

/// The program and arguments that open `url`, from the variables `var` gives; `None` when
/// there is nothing to open with.
pub fn opener_command(
    url: &str,
    var: &dyn Fn(&str) -> Option<String>,
    macos: bool,
) -> Option<(String, Vec<String>)> {
    let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    if let Some(browser) = set("BROWSER") {
        let entry = browser.split(':').map(str::trim).find(|e| !e.is_empty())?;
        let mut words = entry.split_whitespace().map(str::to_string);
        let program = words.next()?;
        let mut args: Vec<String> = words.collect();
        if args.iter().any(|a| a.contains("%s")) {
            for a in &mut args {
                *a = a.replace("%s", url);
            }
        } else {
            args.push(url.to_string());
        }
        return Some((program, args));
    }
    if macos {
        return Some(("open".into(), vec![url.into()]));
    }
    if set("DISPLAY").is_none() && set("WAYLAND_DISPLAY").is_none() {
        return None;
    }
    Some(("xdg-open".into(), vec![url.into()]))
}

#[cfg(test)]
mod tests;
