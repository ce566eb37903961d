//! `rolecall console PROFILE`: open the AWS console signed in with a profile's session
//! (see [`crate::console`]), or print the sign-in URL with `--print`.

use super::context::{
    block_on, load_graph, mfa_prompt, open_store, resolve_options, warn, ObtainArgs, ResolverParts,
};
use crate::browser::{self, Opened};
use crate::console::{sign_in, ConsoleRequest};
use crate::secret::Secret;
use anyhow::Result;
use std::io::Write;

/// What `console` was asked for besides the session.
#[derive(Clone, Debug, Default)]
pub struct ConsoleArgs {
    /// Print the URL instead of opening a browser.
    pub print: bool,
    pub request: ConsoleRequest,
}

/// Opens (or prints) the console sign-in URL of `profile`.
pub fn run(demo: bool, profile: &str, args: &ConsoleArgs, obtain: &ObtainArgs) -> Result<()> {
    let graph = load_graph(demo);
    let store = open_store();
    let parts = ResolverParts::for_profile(&graph, profile);
    let resolver = parts.resolver(&graph, &store);
    let mfa = mfa_prompt(obtain)?;
    let options = resolve_options(obtain);
    let signed_in = block_on(sign_in(&resolver, profile, &*mfa, &options, &args.request))??;
    for note in &signed_in.notes {
        warn(note);
    }
    if args.print {
        return print_url(&signed_in.url);
    }
    let why = match browser::open(signed_in.url.expose()) {
        Opened::Started(opener) => {
            crate::term_eprintln!("rolecall: opening the AWS console for '{profile}' ({opener})");
            return Ok(());
        }
        Opened::NoDisplay => {
            "no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset, and \
             BROWSER is not set)"
                .to_string()
        }
        Opened::Failed(reason) => reason,
    };
    warn(&format!(
        "{why}; the sign-in URL follows instead: keep it to yourself, it signs anyone in \
         for 15 minutes"
    ));
    print_url(&signed_in.url)
}

/// The URL on stdout, and only there.
fn print_url(url: &Secret) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", url.expose())?;
    Ok(())
}
