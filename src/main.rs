//! The `rolecall` binary: the command line's shape (clap) and the dispatch to `cli::` and
//! `tui::`; no command logic lives here. No subcommand opens the TUI.

use anyhow::Result;
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use rolecall::cli::{self, context::ObtainArgs};
use rolecall::output::Format;
use rolecall::resolve::MfaMode;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "rolecall", version, about = "Switch AWS sessions and roles")]
struct Args {
    /// Use the bundled demo configuration (assets/demo) instead of ~/.aws.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List every profile: kind, account, role, region, MFA, chain.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print configuration problems; exit 1 when there are any.
    Check,
    /// Print a session's credentials in a format to paste or eval.
    Export {
        profile: String,
        /// sh, fish, powershell, dotenv, json, credential-process, docker, redshift.
        #[arg(long, short, default_value = "sh")]
        format: String,
        #[command(flatten)]
        obtain: ObtainFlags,
    },
    /// Run a command with a session's credentials in its environment.
    Exec {
        profile: String,
        /// Run even inside another rolecall session (ROLECALL_PROFILE set).
        #[arg(long)]
        nested: bool,
        #[command(flatten)]
        obtain: ObtainFlags,
        /// The command and its arguments (after `--`).
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// Write a session to a dotenv file (mode 0600; default ./.env).
    EnvFile {
        profile: String,
        path: Option<PathBuf>,
        /// Replace a file rolecall did not write.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        obtain: ObtainFlags,
    },
    /// List active sessions and their time left; `sessions clear [PROFILE]` forgets them.
    Sessions {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        #[command(subcommand)]
        action: Option<SessionsAction>,
    },
    /// IAM Identity Center: sign in and out, list every account and role, write profiles for them.
    Sso {
        #[command(subcommand)]
        action: cli::sso::SsoCommand,
    },
}

#[derive(Subcommand)]
enum SessionsAction {
    /// Forget cached sessions: one profile's, or all.
    Clear { profile: Option<String> },
}

#[derive(ClapArgs)]
struct ObtainFlags {
    /// The six-digit MFA code (otherwise asked on the terminal when needed).
    #[arg(long)]
    mfa_code: Option<String>,
    /// Ignore cached sessions (the MFA session too) and call STS again.
    #[arg(long)]
    refresh: bool,
    /// Send the MFA code with AssumeRole itself instead of making one MFA session
    /// (GetSessionToken) shared by every role of the same source.
    #[arg(long)]
    mfa_per_role: bool,
}

impl From<ObtainFlags> for ObtainArgs {
    fn from(f: ObtainFlags) -> Self {
        ObtainArgs {
            mfa_code: f.mfa_code,
            refresh: f.refresh,
            mfa_mode: if f.mfa_per_role {
                MfaMode::AssumeRole
            } else {
                MfaMode::SessionToken
            },
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rolecall: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> Result<ExitCode> {
    let demo = args.demo;
    if demo {
        rolecall::demo::prepare_environment();
    }
    match args.command {
        // Piped or redirected: a full-screen UI makes no sense, print the table instead.
        None if !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            cli::list::run(demo, false)?
        }
        None => rolecall::tui::start(demo)?,
        Some(Command::List { format }) => cli::list::run(demo, format == ListFormat::Json)?,
        Some(Command::Check) => {
            if cli::list::check(demo)? {
                return Ok(ExitCode::from(1));
            }
        }
        Some(Command::Export {
            profile,
            format,
            obtain,
        }) => {
            let format: Format = format.parse().map_err(anyhow::Error::msg)?;
            cli::export::run(demo, &profile, format, &obtain.into())?
        }
        Some(Command::Exec {
            profile,
            nested,
            obtain,
            command,
        }) => {
            let code = cli::exec::run(demo, &profile, nested, &obtain.into(), &command)?;
            return Ok(ExitCode::from(code));
        }
        Some(Command::EnvFile {
            profile,
            path,
            force,
            obtain,
        }) => {
            let path = path.unwrap_or_else(|| PathBuf::from(".env"));
            cli::env_file::run(demo, &profile, &path, force, &obtain.into())?
        }
        Some(Command::Sessions { format, action }) => match action {
            Some(SessionsAction::Clear { profile }) => cli::sessions::clear(profile.as_deref())?,
            None => cli::sessions::list(demo, format == ListFormat::Json)?,
        },
        Some(Command::Sso { action }) => cli::sso::run(demo, action)?,
    }
    Ok(ExitCode::SUCCESS)
}
