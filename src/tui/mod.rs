//! The full-screen terminal UI: `rolecall` with no subcommand.
//!
//! Split the way ratatui's component template splits it, so almost all of it is testable
//! without a terminal: [`app`] is the state and its `update` (pure), [`view`] draws it
//! (never mutates), [`filter`] ranks profiles, [`backend`] is the seam to the credential
//! core, and [`runtime`] is the only part that touches the terminal, signals and tasks.

pub mod app;
pub mod backend;
pub mod filter;
pub mod runtime;
pub mod view;

pub use app::{App, Cmd, Focus, Modal, Msg};
pub use backend::{AssumeFailure, Backend};
pub use runtime::{run, RunOptions};

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests_state;
#[cfg(test)]
mod tests_view;
