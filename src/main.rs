//! The `rolecall` binary: no subcommand opens the TUI; subcommands are for scripts.

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use rolecall::cli;
use rolecall::profile::{ConfigPaths, ProfileGraph};
use std::io::Write;
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

/// Opens the TUI. The credential core is not wired in yet: `UnavailableBackend` answers
/// every assume with "not wired yet".
fn run_tui(demo: bool) -> Result<()> {
    use rolecall::tui::{RunOptions, UnavailableBackend};
    use std::sync::Arc;
    let paths = ConfigPaths::from_env();
    let (loader, watch): (Arc<dyn Fn() -> ProfileGraph + Send + Sync>, _) = if demo {
        (Arc::new(rolecall::demo::graph), Vec::new())
    } else {
        let watched = vec![paths.config.clone(), paths.credentials.clone()];
        (Arc::new(move || ProfileGraph::load(&paths)), watched)
    };
    let opts = RunOptions {
        colors: std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty()),
        loader: loader.clone(),
        watch,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(rolecall::tui::run(
        loader(),
        Arc::new(UnavailableBackend),
        opts,
    ))
}

fn run(args: Args) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.command {
        // Piped or redirected: a full-screen UI makes no sense, print the table instead.
        None if !std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            let graph = load_graph(args.demo);
            cli::list::write_table(&graph, &mut out)?;
        }
        None => {
            // The TUI writes to stdout from other threads: release our lock first.
            drop(out);
            run_tui(args.demo)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::List { format }) => {
            let graph = load_graph(args.demo);
            match format {
                ListFormat::Table => cli::list::write_table(&graph, &mut out)?,
                ListFormat::Json => cli::list::write_json(&graph, &mut out)?,
            }
        }
        Some(Command::Check) => {
            let graph = load_graph(args.demo);
            let problems = cli::list::write_check(&graph, &mut out)?;
            out.flush()?;
            if problems > 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
