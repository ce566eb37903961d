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

/// Prints `profile`'s session in `format`.
pub fn run(demo: bool, profile: &str, format: Format, args: &ObtainArgs) -> Result<()> {
    let graph = load_graph(demo);
    let store = open_store();
    let session = block_on(obtain(&graph, &store, profile, args))??;
    std::io::stdout().write_all(export_text(&session, format)?.as_bytes())?;
    Ok(())
}
