//! Shell completion: `rolecall completions SHELL` prints a small script that asks the
//! `rolecall` binary itself for candidates on every Tab (clap_complete's dynamic
//! completion), so subcommands, flags, `--format` values and profile names all come from
//! one place: the clap definition and the user's AWS files as they are at that moment.
//!
//! Why dynamic rather than clap_complete's generated scripts: a generated script knows the
//! command line's shape but not the profile names, and teaching each of four script
//! languages to call back for them would be four hand-written parsers of the command line.
//! Here the shell passes the words it has, and clap's own parser decides what comes next,
//! identically in bash, zsh, fish and PowerShell.
//!
//! A completion must never print into the user's shell: errors are swallowed (the shell
//! then offers nothing), and a broken config file yields the profiles that did parse.

use crate::context::Context;
use crate::profile::Profile;
use clap::{Args, CommandFactory, ValueEnum};
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{CompleteEnv, EnvCompleter};
use std::ffi::OsString;

/// The variable a registration script sets when it calls `rolecall` for candidates. Not
/// clap's default `COMPLETE`: a variable that common in a user's environment would turn
/// every rolecall command into a completion request.
pub const COMPLETE_VAR: &str = "ROLECALL_COMPLETE";

/// `rolecall completions`'s argument.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the script that registers rolecall's completion in the shell asked for.
pub fn run(args: CompletionsArgs) -> std::io::Result<()> {
    let script = registration(args.shell, &super::Cli::command(), &invoked_program());
    std::io::Write::write_all(&mut std::io::stdout(), script.as_bytes())
}

/// The shells `rolecall completions` writes a script for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl Shell {
    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &clap_complete::env::Bash,
            Shell::Zsh => &clap_complete::env::Zsh,
            Shell::Fish => &clap_complete::env::Fish,
            Shell::Powershell => &clap_complete::env::Powershell,
        }
    }
}

/// Answers a completion request and exits when the shell made one ([`COMPLETE_VAR`] is set);
/// returns otherwise. Call it first thing in `main`, before anything is printed.
pub fn answer_if_asked(command: fn() -> clap::Command) {
    if std::env::var_os(COMPLETE_VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    let current_dir = std::env::current_dir().ok();
    let answered = CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .try_complete(std::env::args_os(), current_dir.as_deref());
    match answered {
        Ok(true) => std::process::exit(0),
        Ok(false) => {}
        // Nothing on stderr: it would land in the middle of the user's command line.
        Err(_) => std::process::exit(1),
    }
}

/// The script that registers rolecall's completion in `shell`. `program` is how the
/// script calls rolecall back (what the user typed: `rolecall` found on PATH, or a path).
pub fn registration(shell: Shell, command: &clap::Command, program: &str) -> String {
    let mut buf = Vec::new();
    let bin = command.get_bin_name().unwrap_or_else(|| command.get_name());
    shell
        .completer()
        .write_registration(COMPLETE_VAR, command.get_name(), bin, program, &mut buf)
        .expect("writing to memory does not fail");
    String::from_utf8(buf).expect("registration scripts are UTF-8")
}

/// How the running binary was invoked, made absolute when it was a relative path: what a
/// registration script calls (a bare name is looked up on PATH at completion time).
pub fn invoked_program() -> String {
    let argv0 = std::env::args_os()
        .next()
        .unwrap_or_else(|| OsString::from("rolecall"));
    let path = std::path::PathBuf::from(&argv0);
    let path = if path.components().count() > 1 && path.is_relative() {
        std::env::current_dir().map_or(path.clone(), |d| d.join(&path))
    } else {
        path
    };
    path.to_string_lossy().into_owned()
}

/// Every profile name of the user's files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`
/// or `~/.aws`), and the roles IAM Identity Center discovery found (from its cache: no
/// network), each with a short description for shells that show one.
pub fn profile_candidates() -> Vec<CompletionCandidate> {
    let graph = Context::from_env().graph();
    graph
        .profiles()
        .iter()
        .map(|p| CompletionCandidate::new(&p.name).help(Some(describe(p).into())))
        .collect()
}

/// The `[sso-session NAME]` names of the user's config, for `rolecall sso --sso-session`,
/// each with its start URL.
pub fn sso_session_candidates() -> Vec<CompletionCandidate> {
    let graph = Context::from_env().files_graph();
    graph
        .sso_sessions()
        .iter()
        .map(|s| {
            let help = s.sso_start_url.as_deref().map(|url| url.to_string().into());
            CompletionCandidate::new(&s.name).help(help)
        })
        .collect()
}

/// `role Admin in 222222222222`, `static`, `sso ReadOnly in 333333333333`.
fn describe(p: &Profile) -> String {
    let kind = match p.kind.as_str() {
        _ if p.discovered => "sso (discovered)",
        "source_profile" | "credential_source" => "role",
        other => other,
    };
    match (p.role_name(), p.account()) {
        (Some(role), Some(account)) => format!("{kind} {role} in {account}"),
        _ => kind.to_string(),
    }
}

#[cfg(test)]
mod tests;
