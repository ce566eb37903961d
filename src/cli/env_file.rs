//! `rolecall env-file PROFILE [PATH]`: a dotenv file for a session (see [`crate::output::env_file`]).

use super::context::{block_on, load_graph, obtain, open_store, ObtainArgs};
use crate::output::env_file::{ownership, write_env_file, EnvFileError, Ownership};
use anyhow::Result;
use std::path::Path;

/// Writes `profile`'s dotenv file to `path`; a file rolecall did not write is replaced
/// only with `force` (checked before STS is asked, so no MFA code is spent on a refusal).
pub fn run(demo: bool, profile: &str, path: &Path, force: bool, args: &ObtainArgs) -> Result<()> {
    if !force && ownership(path)? == Ownership::Foreign {
        return Err(EnvFileError::NotOurs(path.display().to_string()).into());
    }
    let graph = load_graph(demo);
    let store = open_store();
    let session = block_on(obtain(&graph, &store, profile, args))??;
    write_env_file(&session, path, force)?;
    crate::term_eprintln!(
        "rolecall: wrote {} (mode 0600) for profile '{profile}'",
        path.display()
    );
    Ok(())
}
