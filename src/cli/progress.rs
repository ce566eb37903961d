//! The progress bar of a long IAM Identity Center discovery (`sso roles --refresh`,
//! `sso sync`): one line on stderr, redrawn in place with `\r`, and only when stderr is a
//! terminal (a pipe or a log file gets the summary line alone). 5,000 accounts take four
//! minutes at the portal's quota; the bar says how far it has got.

use super::block_on;
use crate::sso::{Discovery, DiscoveryProgress, Sso, SsoSessionConfig};
use crate::term_text::visible;
use anyhow::Result;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// The bar's width in cells, between the brackets.
const BAR_CELLS: usize = 30;

/// [`Sso::discover_reporting`] with a progress bar on stderr when it is a terminal.
pub fn discover_with_bar(sso: &Sso, config: &SsoSessionConfig, refresh: bool) -> Result<Discovery> {
    let bar = Bar {
        enabled: std::io::stderr().is_terminal(),
        session: visible(&config.describe()).to_string(),
        shown: Mutex::new(String::new()),
    };
    let observe = |p: DiscoveryProgress<'_>| bar.show(&p);
    let discovery = block_on(sso.discover_reporting(config, refresh, &observe));
    bar.clear();
    let discovery = discovery??;
    for warning in &discovery.warnings {
        crate::term_eprintln!("rolecall: warning: {warning}");
    }
    Ok(discovery)
}

/// The line on screen, so an unchanged one is not drawn again and the last is cleared.
struct Bar {
    enabled: bool,
    session: String,
    shown: Mutex<String>,
}

impl Bar {
    fn show(&self, progress: &DiscoveryProgress<'_>) {
        if !self.enabled {
            return;
        }
        let line = progress_line(&self.session, progress);
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if *shown != line {
            let mut err = std::io::stderr().lock();
            // Back to the start of the line, the new text, the rest of the old one erased.
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
            *shown = line;
        }
    }

    /// Erases the bar, so the summary that follows starts on a clean line.
    fn clear(&self) {
        let shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if !shown.is_empty() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// The bar's text: the accounts listed so far while ListAccounts pages, then a bar of the
/// accounts whose roles are read.
pub fn progress_line(session: &str, p: &DiscoveryProgress<'_>) -> String {
    match p.accounts_total {
        Some(total) if total > 0 => {
            let filled = BAR_CELLS * p.accounts_done.min(total) / total;
            format!(
                "rolecall: {session} [{}{}] {} of {total} accounts",
                "#".repeat(filled),
                "-".repeat(BAR_CELLS - filled),
                p.accounts_done
            )
        }
        _ => format!(
            "rolecall: {session}: listing accounts ({} so far)",
            p.accounts_listed
        ),
    }
}

#[cfg(test)]
mod tests;
