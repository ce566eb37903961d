//! The full-screen terminal UI: `rolecall` with no subcommand.
//!
//! Split the way ratatui's component template splits it, so almost all of it is testable
//! without a terminal: [`app`] is the state and its `update` (pure), [`view`] draws it
//! (never mutates), [`filter`] ranks profiles, [`backend`] is the seam to the credential
//! core, and [`runtime`] is the only part that touches the terminal, signals and tasks.

pub mod app;
pub mod backend;
pub mod filter;
mod frame;
pub mod runtime;
pub mod view;

pub use app::{App, Cmd, Focus, Modal, Msg};
pub use backend::{AssumeFailure, Assumed, Backend};
pub use runtime::{run, RunOptions};

use crate::backend::{CoreBackend, GraphLoader};
use crate::profile::{ConfigPaths, ProfileGraph};
use crate::session::SessionStore;
use std::path::PathBuf;
use std::sync::Arc;

/// Opens the TUI on the real core (the bundled demo's profiles with `demo`): profiles
/// reloaded from disk on `R` and when the files change.
pub fn start(demo: bool) -> anyhow::Result<()> {
    let paths = ConfigPaths::from_env();
    let (loader, watch): (GraphLoader, Vec<PathBuf>) = if demo {
        (Arc::new(crate::demo::graph), Vec::new())
    } else {
        let watched = vec![paths.config.clone(), paths.credentials.clone()];
        (Arc::new(move || ProfileGraph::load(&paths)), watched)
    };
    // The profiles first, before the runtime's threads start: on a busy machine they only
    // compete with the load for the first frame.
    let graph = Arc::new(loader());
    // A cache that cannot be used must not stop the TUI: sessions stay in memory, and the
    // status line says so.
    let (store, store_warning) = SessionStore::open_or_memory(SessionStore::default_dir());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let banner = store_warning.or_else(|| demo.then(crate::demo::banner));
    let opts = RunOptions {
        colors: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        watch,
        banner,
        demo,
    };
    runtime.block_on(async {
        // Loaded after the first frame (`Backend::prepare`), not before it.
        let sts = crate::sts::Sts::new();
        // The backend uses the same graph until the files change: one parse, one copy.
        let backend = CoreBackend::new(loader.clone(), sts, store).with_graph(graph.clone());
        run(graph, Arc::new(backend), opts).await
    })
}

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_state;
#[cfg(test)]
mod tests_view;
