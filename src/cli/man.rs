//! `rolecall man [SUBCOMMAND]`: the manual page, rendered from the command line's own
//! definition (clap_mangen), so it cannot drift from `--help`.

use anyhow::{bail, Result};
use clap::{Args, CommandFactory};
use std::io::Write;

/// `rolecall man`'s arguments.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// A subcommand's page instead (rolecall-export(1) …).
    pub subcommand: Option<String>,
}

/// Writes the roff page of rolecall(1), or of one of its subcommands (rolecall-export(1)
/// …), to stdout.
pub fn run(args: ManArgs) -> Result<()> {
    let page = render(super::Cli::command(), args.subcommand.as_deref())?;
    std::io::stdout().lock().write_all(&page)?;
    Ok(())
}

/// The roff text of the page.
pub fn render(command: clap::Command, subcommand: Option<&str>) -> Result<Vec<u8>> {
    let command = match subcommand {
        None => command,
        Some(name) => {
            let Some(sub) = command.find_subcommand(name) else {
                let names: Vec<&str> = command
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(|s| s.get_name())
                    .collect();
                bail!(
                    "no subcommand '{name}'; pages exist for: {}",
                    names.join(", ")
                );
            };
            let full = format!("{}-{}", command.get_name(), sub.get_name());
            // The synopsis reads `rolecall export …`; the page is rolecall-export(1).
            let usage = format!("{} {}", command.get_name(), sub.get_name());
            sub.clone().display_name(full).bin_name(usage)
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .source(concat!("rolecall ", env!("CARGO_PKG_VERSION")))
        .render(&mut page)?;
    Ok(page)
}
