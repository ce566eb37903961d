//! The full-screen terminal UI: `rolecall` with no subcommand.
//!
//! State, update and view, so almost all of it is testable without a terminal:
//! - [`app`]: the state ([`App`]) and [`App::update`], which turns a [`Msg`] (a key, a
//!   tick, a task's answer) into the [`Cmd`]s the runtime carries out, and does no I/O;
//! - [`modal`]: the windows over the panels (MFA code, dotenv file, export, SSO sign-in,
//!   help), one file each with its state, key handler and draw;
//! - [`view`]: draws the app and never changes it; [`filter`] ranks the profiles it lists;
//! - [`runtime`]: the only part that touches the terminal, signals and tasks;
//! - [`backend`]: the [`Backend`] trait, the seam to the credential core (tests use a fake).

pub mod app;
pub mod backend;
pub mod filter;
mod frame;
pub mod message;
pub mod modal;
pub mod paint;
pub mod runtime;
pub mod view;

pub use app::{App, Focus};
pub use backend::{AssumeFailure, Assumed, Backend, CoreBackend};
pub use message::{Cmd, Msg};
pub use modal::Modal;
pub use runtime::{run, RunOptions};

use crate::context::Context;
use std::sync::Arc;

/// Opens the TUI on the real core, over `context` (the bundled demo's profiles when it is
/// the demo's): profiles reloaded from disk on `R` and when the files change.
pub fn start(context: Context) -> anyhow::Result<()> {
    // The profiles first, before the runtime's threads start: on a busy machine they only
    // compete with the load for the first frame. The backend uses the same graph until
    // the files change: one parse, one copy.
    let graph = context.set_graph(context.files_graph());
    // The TUI owns the terminal: the key file's passphrase comes from the environment.
    crate::keys::never_ask_for_the_passphrase();
    // A cache that cannot be used must not stop the TUI: sessions stay in memory, and the
    // status line says so.
    let store_warning = context.store_warning().map(str::to_string);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let demo = context.is_demo();
    let banner = store_warning.or_else(|| demo.then(crate::demo::banner));
    let opts = RunOptions {
        colors: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        watch: context.watched_files().to_vec(),
        banner,
        demo,
    };
    // STS is loaded after the first frame (`Backend::prepare`), not before it.
    let backend = CoreBackend::new(context);
    runtime.block_on(run(graph, Arc::new(backend), opts))
}
