//! `rolecall env-file PROFILE [PATH]`: a dotenv file for a session (see [`crate::output::env_file`]).

use super::block_on;
use super::complete::profile_candidates;
use super::obtain::{obtain, ObtainArgs};
use super::terminal::warn;
use crate::context::Context;
use crate::output::env_file::{
    add_to_gitignore, git_would_offer, ownership, write_env_file, EnvFileError, Ownership,
};
use anyhow::Result;
use clap::Args;
use clap_complete::engine::ArgValueCandidates;
use std::path::{Path, PathBuf};

/// `rolecall env-file`'s arguments.
#[derive(Args, Debug)]
pub struct EnvFileArgs {
    /// The profile whose session to write (`rolecall list` shows them all).
    #[arg(add = ArgValueCandidates::new(profile_candidates))]
    pub profile: String,
    pub path: Option<PathBuf>,
    /// Replace a file rolecall did not write.
    #[arg(long)]
    pub force: bool,
    /// Add the file to the .gitignore beside it when git would otherwise offer it for
    /// commit.
    #[arg(long)]
    pub gitignore: bool,
    #[command(flatten)]
    pub obtain: ObtainArgs,
}

/// Writes the profile's dotenv file to the path (default `./.env`); a file rolecall did
/// not write is replaced only with `--force` (checked before STS is asked, so no MFA code
/// is spent on a refusal).
pub fn run(context: &Context, args: EnvFileArgs) -> Result<()> {
    let EnvFileArgs {
        profile,
        path,
        force,
        gitignore,
        obtain: flags,
    } = args;
    let path = path.unwrap_or_else(|| PathBuf::from(".env"));
    if !force && ownership(&path)? == Ownership::Foreign {
        return Err(EnvFileError::NotOurs(path.display().to_string()).into());
    }
    let session = block_on(obtain(context, &profile, &flags))??;
    write_env_file(&session, &path, force)?;
    crate::term_eprintln!(
        "rolecall: wrote {} (mode 0600) for profile '{profile}'",
        path.display()
    );
    guard_from_git(&path, &profile, gitignore)
}

/// Live credentials in a git work tree are one `git add .` from a commit: say so, or with
/// `--gitignore` add the file to the `.gitignore` beside it.
fn guard_from_git(path: &Path, profile: &str, gitignore: bool) -> Result<()> {
    if !git_would_offer(path) {
        return Ok(());
    }
    if gitignore {
        let file = add_to_gitignore(path)?;
        crate::term_eprintln!("rolecall: added {} to {}", path.display(), file.display());
    } else {
        warn(&format!(
            "{} is in a git work tree and not ignored: `git status` offers it for commit; \
             `rolecall env-file {profile} {} --gitignore` adds it to .gitignore",
            path.display(),
            path.display()
        ));
    }
    Ok(())
}
