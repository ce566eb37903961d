//! `rolecall export PROFILE --format F`: a session in the form people paste.

use super::block_on;
use super::complete::profile_candidates;
use super::obtain::{obtain, ObtainArgs};
use crate::context::Context;
use crate::output::{render, Format};
use crate::session::Session;
use anyhow::{anyhow, Result};
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::io::Write;

/// `rolecall export`'s arguments.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The profile whose credentials to print (`rolecall list` shows them all).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    /// The output format [default: that of the shell running rolecall (fish,
    /// powershell or sh), else that of $SHELL, else sh].
    #[arg(long, short, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub obtain: ObtainArgs,
}

/// The text `export` prints for `session`, or why `format` cannot carry it.
pub fn export_text(session: &Session, format: Format) -> Result<String> {
    let env = session.env();
    render(format, &session.credentials, &env).map_err(|e| {
        anyhow!(
            "profile '{}': {e}; pass the session to docker by name instead: \
             rolecall exec {} -- docker run -e {} … IMAGE",
            session.profile,
            session.profile,
            e.var
        )
    })
}

/// Prints `profile`'s session in `format`, or in [`default_format`] when none is given.
pub fn run(context: &Context, args: ExportArgs) -> Result<()> {
    let format = args.format.unwrap_or_else(default_format);
    let session = block_on(obtain(context, &args.profile, &args.obtain))??;
    std::io::stdout().write_all(export_text(&session, format)?.as_bytes())?;
    Ok(())
}

/// The format of the shell that runs rolecall, else of `$SHELL`, else sh
/// ([`Format::default_for`]). One small read of `/proc`, so it costs nothing noticeable.
pub fn default_format() -> Format {
    let shell = std::env::var("SHELL").ok();
    Format::default_for(parent_program().as_deref(), shell.as_deref())
}

/// The name of rolecall's parent process (Linux's `/proc/PID/comm`); `None` where there is
/// no `/proc`.
fn parent_program() -> Option<String> {
    let ppid = std::os::unix::process::parent_id();
    let comm = std::fs::read_to_string(format!("/proc/{ppid}/comm")).ok()?;
    Some(comm.trim_end_matches('\n').to_string())
}
