//! The command line: the top-level clap definition, the [`Command`]s, and the dispatch to
//! one file per command, each owning its clap `Args` and a thin `run` over the library.

pub mod check;
pub mod complete;
pub mod console;
pub mod credential_process;
pub mod env_file;
pub mod exec;
pub mod export;
pub mod key_sessions;
pub mod keys;
pub mod keys_import;
pub mod keys_rotate;
pub mod list;
pub mod login;
pub mod man;
pub mod obtain;
pub mod progress;
pub mod prompt;
pub mod sessions;
pub mod sso;
pub mod terminal;

use crate::context::Context;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::sync::Arc;

/// `rolecall [--demo] [COMMAND]`.
#[derive(Parser)]
#[command(name = "rolecall", version, about = "Switch AWS sessions and roles")]
pub struct Cli {
    /// Use the bundled demo configuration (assets/demo) instead of ~/.aws.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Every subcommand; no subcommand opens the TUI.
#[derive(Subcommand)]
pub enum Command {
    /// List every profile: kind, account, role, region, MFA, chain.
    List(list::ListArgs),
    /// Print configuration problems; exit 1 when there are any.
    Check,
    /// Print a session's credentials in a format to paste or eval.
    Export(export::ExportArgs),
    /// Run a command with a session's credentials in its environment.
    Exec(exec::ExecArgs),
    /// Write a session to a dotenv file (mode 0600; default ./.env).
    EnvFile(env_file::EnvFileArgs),
    /// List active sessions and their time left; `sessions clear [PROFILE]` forgets them.
    Sessions(sessions::SessionsArgs),
    /// Sign in to an `aws login` session in the browser (the AWS CLI's login cache, shared).
    Login(login::LoginArgs),
    /// IAM Identity Center: sign in and out, list every account and role, write profiles for them.
    Sso(sso::SsoArgs),
    /// Long-term keys in the OS keyring or an encrypted file, not ~/.aws/credentials.
    Keys(keys::KeysArgs),
    /// Open the AWS console signed in with a profile's session (or print the URL).
    Console(console::ConsoleArgs),
    /// Print the script that sets up completion in a shell (`source <(rolecall completions bash)`).
    Completions(complete::CompletionsArgs),
    /// Print the manual page (roff): `rolecall man | man -l -`.
    Man(man::ManArgs),
    /// Print the shell's rolecall session and its time left, for a shell prompt.
    Prompt(prompt::PromptArgs),
    /// Print a profile's session as `credential_process` JSON: the bridge `keys import`
    /// writes, so the AWS CLI and SDKs get sessions of keys in rolecall's key store.
    CredentialProcess(credential_process::CredentialProcessArgs),
}

/// Runs what `cli` asks for over one [`Context`]; the exit code is the command's.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let context = if cli.demo {
        Context::demo().map_err(anyhow::Error::msg)?
    } else {
        Context::from_env()
    };
    let context = context.on_warning(Arc::new(terminal::warn));
    let Some(command) = cli.command else {
        // Piped or redirected: a full-screen UI makes no sense, print the table instead.
        if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            list::run(&context, list::ListArgs::default())?;
        } else {
            crate::tui::start(context)?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::List(args) => list::run(&context, args)?,
        Command::Check => return Ok(check::run(&context)?),
        Command::Export(args) => export::run(&context, args)?,
        Command::Exec(args) => return Ok(ExitCode::from(exec::run(&context, args)?)),
        Command::EnvFile(args) => env_file::run(&context, args)?,
        Command::Sessions(args) => sessions::run(&context, args)?,
        Command::Login(args) => login::run(&context, args)?,
        Command::Sso(args) => sso::run(&context, args)?,
        Command::Keys(args) => keys::run(&context, args)?,
        Command::Console(args) => console::run(&context, args)?,
        Command::Completions(args) => complete::run(args)?,
        Command::Man(args) => man::run(args)?,
        Command::Prompt(args) => prompt::run(args)?,
        Command::CredentialProcess(args) => credential_process::run(&context, args)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `future` to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(future))
}
