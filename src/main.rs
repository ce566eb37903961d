//! The `rolecall` binary: no subcommand opens the TUI; subcommands are for scripts.

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use rolecall::cli::{self, context::ObtainArgs};
use rolecall::output::Format;
use rolecall::profile::{ConfigPaths, ProfileGraph};
use rolecall::resolve::MfaMode;
use rolecall::session::SessionStore;
use std::io::Write;
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
    /// Ignore a cached session and call STS again.
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

#[derive(Clone, Copy, ValueEnum)]
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

fn load_graph(demo: bool) -> ProfileGraph {
    if demo {
        rolecall::demo::graph()
    } else {
        ProfileGraph::load(&ConfigPaths::from_env())
    }
}

/// Opens the TUI on the real core: profiles reloaded from disk on `R` and on change.
fn run_tui(demo: bool) -> Result<()> {
    use rolecall::backend::{CoreBackend, GraphLoader};
    use rolecall::tui::RunOptions;
    use std::sync::Arc;
    let paths = ConfigPaths::from_env();
    let (loader, watch): (GraphLoader, Vec<PathBuf>) = if demo {
        (Arc::new(rolecall::demo::graph), Vec::new())
    } else {
        let watched = vec![paths.config.clone(), paths.credentials.clone()];
        (Arc::new(move || ProfileGraph::load(&paths)), watched)
    };
    // The profiles first, before the runtime's threads start: on a busy machine they only
    // compete with the load for the first frame.
    let graph = loader();
    let store =
        SessionStore::open(SessionStore::default_dir()).context("cannot open the session store")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let opts = RunOptions {
        colors: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        loader: loader.clone(),
        watch,
        banner: demo.then(rolecall::demo::banner),
    };
    runtime.block_on(async {
        // Loaded after the first frame (`Backend::prepare`), not before it.
        let sts = rolecall::sts::Sts::new();
        let backend = CoreBackend::new(loader.clone(), sts, store);
        rolecall::tui::run(graph, Arc::new(backend), opts).await
    })
}

fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(rt.block_on(future))
}

fn run(args: Args) -> Result<ExitCode> {
    if args.demo {
        rolecall::demo::prepare_environment();
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let graph = || load_graph(args.demo);
    match args.command {
        // Piped or redirected: a full-screen UI makes no sense, print the table instead.
        None if !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            let graph = load_graph(args.demo);
            cli::list::write_table(&graph, &mut out)?;
            std::mem::forget(graph); // as for `list`
        }
        None => {
            // The TUI writes to stdout from other threads: release our lock first.
            drop(out);
            run_tui(args.demo)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::List { format }) => {
            let graph = graph();
            match format {
                ListFormat::Table => cli::list::write_table(&graph, &mut out)?,
                ListFormat::Json => cli::list::write_json(&graph, &mut out)?,
            }
            // A one-shot command: exiting hands the memory back at once, where freeing
            // thousands of profiles one by one costs a tenth of the run.
            std::mem::forget(graph);
        }
        Some(Command::Check) => {
            let problems = cli::list::write_check(&graph(), &mut out)?;
            out.flush()?;
            if problems > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Some(Command::Export {
            profile,
            format,
            obtain,
        }) => {
            let format: Format = format.parse().map_err(anyhow::Error::msg)?;
            let graph = graph();
            let session = block_on(cli::context::obtain(&graph, &profile, &obtain.into()))??;
            out.write_all(cli::export::export_text(&session, format).as_bytes())?;
        }
        Some(Command::Exec {
            profile,
            nested,
            obtain,
            command,
        }) => {
            if let Some(warning) = cli::exec::nested_warning(&profile) {
                if !nested {
                    bail!("{warning}");
                }
                eprintln!("rolecall: warning: {warning}");
            }
            let graph = graph();
            let session = block_on(cli::context::obtain(&graph, &profile, &obtain.into()))??;
            drop(out);
            let status = cli::exec::command_with_session(&command[0], &command[1..], &session)
                .status()
                .with_context(|| format!("cannot run `{}`", command[0]))?;
            return Ok(ExitCode::from(cli::exec::exit_code(status)));
        }
        Some(Command::EnvFile {
            profile,
            path,
            force,
            obtain,
        }) => {
            let path = path.unwrap_or_else(|| PathBuf::from(".env"));
            let graph = graph();
            if !force
                && rolecall::envfile::ownership(&path)? == rolecall::envfile::Ownership::Foreign
            {
                bail!(rolecall::envfile::EnvFileError::NotOurs(
                    path.display().to_string()
                ));
            }
            let session = block_on(cli::context::obtain(&graph, &profile, &obtain.into()))??;
            rolecall::envfile::write_env_file(&session, &path, force)?;
            eprintln!(
                "rolecall: wrote {} (mode 0600) for profile '{profile}'",
                path.display()
            );
        }
        Some(Command::Sessions { format, action }) => {
            let store = SessionStore::open(SessionStore::default_dir())
                .context("cannot open the session store")?;
            if let Some(SessionsAction::Clear { profile }) = action {
                let n = store.remove(profile.as_deref())?;
                eprintln!("rolecall: forgot {n} session(s)");
                return Ok(ExitCode::SUCCESS);
            }
            let loaded = store.load()?;
            for w in &loaded.warnings {
                eprintln!("rolecall: warning: {w}");
            }
            let now = chrono::Utc::now();
            let active: Vec<_> = loaded
                .sessions
                .into_iter()
                .filter(|s| s.seconds_left(now).is_none_or(|left| left > 0))
                .collect();
            match format {
                ListFormat::Json => {
                    let all: Vec<_> = active
                        .iter()
                        .map(|s| cli::sessions::session_json(s, now))
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &all)?;
                    writeln!(out)?;
                }
                ListFormat::Table => {
                    out.write_all(cli::sessions::sessions_table(&active, now).as_bytes())?
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
