//! `rolecall keys import [PROFILE…]`: moves static keys from the AWS files into the key
//! store ([`crate::keys::import`]) and prints what happened to each profile.

use crate::context::Context;
use crate::keys::import::{import_keys, ImportOutcome};
use crate::keys::KeyStore;
use crate::term_text::visible;
use anyhow::{anyhow, Result};
use clap::Args;
use std::path::{Path, PathBuf};

/// `rolecall keys import`'s arguments.
#[derive(Args, Debug, Default)]
pub struct KeysImportArgs {
    /// The profiles whose keys to move [default: every profile with static keys].
    pub profiles: Vec<String>,
}

/// Imports into `store` (`keys` opened and announced it), then prints one line per
/// profile and the backend; exits non-zero when a profile failed.
pub fn run(context: &Context, store: &KeyStore, args: KeysImportArgs) -> Result<()> {
    let program = program_for_files()?;
    let graph = context.files_graph();
    let report = import_keys(store, &graph, &args.profiles, &program);
    let backend = visible(&store.backend().describe()).to_string();
    let shown_program = visible(&program).to_string();
    if report.is_empty() {
        crate::term_eprintln!(
            "rolecall: no profile holds static keys in the files: nothing to import"
        );
        return Ok(());
    }
    let mut failed = 0;
    for line in &report {
        // Sessions cached before (of the file's key, or of a key since removed) go.
        if line.outcome == ImportOutcome::Moved {
            super::key_sessions::forget_sessions_of_old_key(context, &line.profile);
        }
        let name = visible(&line.profile);
        match &line.outcome {
            ImportOutcome::Moved => println!(
                "{name}: moved to {backend}; the files now run `{shown_program} credential-process {name}`"
            ),
            ImportOutcome::Skipped(why) => println!("{name}: skipped: {why}"),
            ImportOutcome::Failed(why) => {
                failed += 1;
                println!("{name}: not moved: {}", visible(why));
            }
        }
    }
    if failed > 0 {
        return Err(anyhow!(
            "{failed} of {} profiles not moved; their keys are still in the files",
            report.len()
        ));
    }
    Ok(())
}

/// How the files name rolecall: plain `rolecall` when that is what PATH finds (the same
/// file as the running binary), else the running binary's absolute path, so the AWS CLI
/// and the SDKs run this rolecall whatever their PATH.
pub(super) fn program_for_files() -> Result<String> {
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|e| anyhow!("cannot tell where rolecall's binary is: {e}"))?;
    if on_path("rolecall").is_some_and(|found| same_file(&found, &exe)) {
        return Ok("rolecall".into());
    }
    exe.to_str().map(str::to_string).ok_or_else(|| {
        anyhow!(
            "rolecall's path {} is not valid UTF-8, which a config file cannot hold; \
             put rolecall on PATH and import again",
            exe.display()
        )
    })
}

/// The first `name` on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether `a` and `b` are the same file (through links).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}
