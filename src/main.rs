//! The `rolecall` binary: the command line's shape (clap) and the dispatch to `cli::` and
//! `tui::`; no command logic lives here. No subcommand opens the TUI.

use anyhow::Result;
use clap::{Args as ClapArgs, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCandidates;
use rolecall::cli::{self, complete::profile_candidates, context::ObtainArgs};
use rolecall::console::{federation::is_service_name, ConsoleRequest, Destination};
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
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: String,
        /// The output format [default: that of the shell running rolecall (fish,
        /// powershell or sh), else that of $SHELL, else sh].
        #[arg(long, short, value_enum)]
        format: Option<Format>,
        #[command(flatten)]
        obtain: ObtainFlags,
    },
    /// Run a command with a session's credentials in its environment.
    Exec {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: String,
        /// Run even inside another rolecall session (ROLECALL_PROFILE set).
        #[arg(long)]
        nested: bool,
        /// Give the command a local credential endpoint instead of keys: every AWS SDK
        /// and the AWS CLI fetch from it, and it refreshes the session before it expires.
        #[arg(long)]
        server: bool,
        #[command(flatten)]
        obtain: ObtainFlags,
        /// The command and its arguments (after `--`).
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// Write a session to a dotenv file (mode 0600; default ./.env).
    EnvFile {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
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
    /// Open the AWS console signed in with a profile's session (or print the URL).
    Console {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: String,
        /// Print the sign-in URL (a secret: it signs anyone in for 15 minutes) instead of
        /// opening a browser.
        #[arg(long)]
        print: bool,
        /// Open this service's page (ec2, s3, cloudformation…) in the profile's region.
        #[arg(long, value_parser = service_name, conflicts_with = "destination")]
        service: Option<String>,
        /// Open this console URL.
        #[arg(long)]
        destination: Option<String>,
        /// How long the console session lasts, in seconds: 900 to 43200 for a role
        /// session assumed with long-term keys, up to 129600 for long-term keys alone.
        #[arg(long, value_parser = clap::value_parser!(u32).range(900..=129600))]
        duration: Option<u32>,
        #[command(flatten)]
        obtain: ObtainFlags,
    },
    /// Print the script that sets up completion in a shell (`source <(rolecall completions bash)`).
    Completions {
        #[arg(value_enum)]
        shell: cli::complete::Shell,
    },
    /// Print the manual page (roff): `rolecall man | man -l -`.
    Man {
        /// A subcommand's page instead (rolecall-export(1) …).
        subcommand: Option<String>,
    },
    /// Print the shell's rolecall session and its time left, for a shell prompt.
    Prompt {
        /// What to print: `{profile}` and `{left}` are replaced.
        #[arg(long, default_value = cli::prompt::DEFAULT_TEMPLATE)]
        format: String,
    },
}

#[derive(Subcommand)]
enum SessionsAction {
    /// Forget cached sessions: one profile's, or all.
    Clear {
        #[arg(add = ArgValueCandidates::new(profile_candidates))]
        profile: Option<String>,
    },
}

/// `--service`: a console path segment, nothing that could reshape the URL.
fn service_name(value: &str) -> Result<String, String> {
    if is_service_name(value) {
        Ok(value.to_string())
    } else {
        Err("a service name is lower-case letters, digits and '-' (ec2, s3, cloudformation)".into())
    }
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
    cli::complete::answer_if_asked(Args::command);
    match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever the error quotes (a server's message, a process's stderr).
            let line = format!("{e:#}");
            rolecall::term_eprintln!("rolecall: {}", rolecall::term_text::visible(&line));
            ExitCode::from(1)
        }
    }
}

fn run(args: Args) -> Result<ExitCode> {
    let demo = args.demo;
    if demo {
        rolecall::demo::prepare_environment().map_err(anyhow::Error::msg)?;
    }
    match args.command {
        // Piped or redirected: a full-screen UI makes no sense, print the table instead.
        None if !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            cli::list::run(demo, false)?
        }
        None => rolecall::tui::start(rolecall::context::Context::from_env(demo))?,
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
        }) => cli::export::run(demo, &profile, format, &obtain.into())?,
        Some(Command::Exec {
            profile,
            nested,
            server,
            obtain,
            command,
        }) => {
            let code = cli::exec::run(demo, &profile, nested, server, &obtain.into(), &command)?;
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
        Some(Command::Console {
            profile,
            print,
            service,
            destination,
            duration,
            obtain,
        }) => {
            let destination = match (service, destination) {
                (Some(service), _) => Destination::Service(service),
                (None, Some(url)) => Destination::Url(url),
                (None, None) => Destination::Home,
            };
            let args = cli::console::ConsoleArgs {
                print,
                request: ConsoleRequest {
                    destination,
                    duration_seconds: duration,
                },
            };
            cli::console::run(demo, &profile, &args, &obtain.into())?
        }
        Some(Command::Completions { shell }) => {
            let script = cli::complete::registration(
                shell,
                &Args::command(),
                &cli::complete::invoked_program(),
            );
            std::io::Write::write_all(&mut std::io::stdout(), script.as_bytes())?
        }
        Some(Command::Man { subcommand }) => cli::man::run(Args::command(), subcommand.as_deref())?,
        Some(Command::Prompt { format }) => cli::prompt::run(&format)?,
    }
    Ok(ExitCode::SUCCESS)
}
