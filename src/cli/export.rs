//! `rolecall export PROFILE --format F`: a session in the form people paste.

use super::context::{block_on, load_graph, obtain, open_store, ObtainArgs};
use crate::output::{render, Format};
use crate::session::Session;
use anyhow::{anyhow, Result};
use std::io::Write;

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
pub fn run(demo: bool, profile: &str, format: Option<Format>, args: &ObtainArgs) -> Result<()> {
    let format = format.unwrap_or_else(default_format);
    let graph = load_graph(demo);
    let store = open_store();
    let session = block_on(obtain(&graph, &store, profile, args))??;
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
