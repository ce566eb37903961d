//! `rolecall console PROFILE`: open the AWS console signed in with a profile's session
//! (see [`crate::console`]), or print the sign-in URL with `--print`.

use super::block_on;
use super::complete::profile_candidates;
use super::obtain::{mfa_prompt, resolve_options, ObtainArgs};
use super::terminal::warn;
use crate::browser::Opened;
use crate::console::federation::is_service_name;
use crate::console::{link, ConsoleRequest, Destination};
use crate::context::Context;
use crate::secret::Secret;
use anyhow::Result;
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::io::Write;

/// `rolecall console`'s arguments.
#[derive(Args, Debug)]
pub struct ConsoleArgs {
    /// The profile to sign in to the console with (`rolecall list` shows them all).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// Print the sign-in URL (a secret: it signs anyone in for 15 minutes) instead of
    /// opening a browser.
    #[arg(long)]
    pub print: bool,
    /// Open this service's page (ec2, s3, cloudformation…) in the profile's region.
    #[arg(long, value_parser = service_name, conflicts_with = "destination")]
    pub service: Option<String>,
    /// Open this console URL.
    #[arg(long)]
    pub destination: Option<String>,
    /// How long the console session lasts, in seconds: 900 to 43200 for a role
    /// session assumed with long-term keys, up to 129600 for long-term keys alone.
    #[arg(long, value_parser = clap::value_parser!(u32).range(900..=129600))]
    pub duration: Option<u32>,
    #[command(flatten)]
    pub obtain: ObtainArgs,
}

impl ConsoleArgs {
    /// The page and duration the flags ask for (`--service` before `--destination`).
    pub fn request(&self) -> ConsoleRequest {
        let destination = match (&self.service, &self.destination) {
            (Some(service), _) => Destination::Service(service.clone()),
            (None, Some(url)) => Destination::Url(url.clone()),
            (None, None) => Destination::Home,
        };
        ConsoleRequest {
            destination,
            duration_seconds: self.duration,
        }
    }
}

/// `--service`: a console path segment, nothing that could reshape the URL.
fn service_name(value: &str) -> Result<String, String> {
    if is_service_name(value) {
        Ok(value.to_string())
    } else {
        Err("a service name is lower-case letters, digits and '-' (ec2, s3, cloudformation)".into())
    }
}

/// Opens (or prints) the console sign-in URL of the profile.
pub fn run(context: &Context, args: ConsoleArgs) -> Result<()> {
    let profile = args.profile.as_str();
    if args.obtain.no_session {
        anyhow::bail!(
            "console takes no --no-session: the console signs in with a session, never with a long-term key"
        );
    }
    let graph = context.graph_for(profile);
    let resolver = context.resolver(&graph);
    let mfa = mfa_prompt(&args.obtain)?;
    let options = resolve_options(&args.obtain);
    let request = args.request();
    let signed_in = block_on(link(&resolver, profile, &*mfa, &options, &request))??;
    for note in &signed_in.notes {
        warn(note);
    }
    if args.print {
        return print_url(&signed_in.url);
    }
    let why = match crate::demo::open_in_browser(signed_in.url.expose()) {
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
