//! The windows drawn over the panels, one file each as gitui's popups are: a modal's file
//! holds its state, its key handler and its draw.
//!
//! A modal never sees the [`App`]. Its key handler changes only the modal and returns an
//! [`Outcome`]: whether the window stays open, what the status line says, and the command
//! it leads to. The app carries that out in one place ([`App::update`] only routes), so a
//! modal cannot reach the app's other state, and an assume a modal asks for still goes
//! through the app's one check that no other assume is running.

mod env_file;
mod export;
mod help;
mod mfa;
mod sign_in;

pub use env_file::{EnvFileModal, EnvFileStep, DEFAULT_ENV_PATH};
pub use export::{ExportModal, EXPORT_FORMATS};
pub use mfa::{CodeInput, MfaModal};
pub use sign_in::SignInModal;

use super::message::{Cmd, InFlight, StatusLine};
use super::paint::Scene;
use crossterm::event::KeyEvent;
use ratatui::Frame;

/// What is drawn over the panels and takes the keys while open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    /// The keys and what they do; any key closes it.
    Help,
    Mfa(MfaModal),
    EnvFile(EnvFileModal),
    SignIn(SignInModal),
    Export(ExportModal),
}

impl Modal {
    /// Hands `key` to the open modal.
    pub fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match self {
            Modal::Help => help::on_key(),
            Modal::Mfa(modal) => modal.on_key(key),
            Modal::EnvFile(modal) => modal.on_key(key),
            Modal::SignIn(modal) => modal.on_key(key),
            Modal::Export(modal) => modal.on_key(key),
        }
    }

    /// Draws the open modal over the panels.
    pub fn draw(&self, scene: &Scene, frame: &mut Frame) {
        match self {
            Modal::Help => help::draw(scene, frame),
            Modal::Mfa(modal) => modal.draw(scene, frame),
            Modal::EnvFile(modal) => modal.draw(scene, frame),
            Modal::SignIn(modal) => modal.draw(scene, frame),
            Modal::Export(modal) => modal.draw(scene, frame),
        }
    }
}

/// What a modal's key handler asks of the app: a value rather than a `&mut App`, so a
/// modal changes nothing but itself.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The window closes.
    pub close: bool,
    /// What the status line says now (unchanged when `None`).
    pub status: Option<StatusLine>,
    pub then: Then,
}

/// The command a key leads to, if any.
#[derive(Debug, PartialEq, Eq)]
pub enum Then {
    Nothing,
    /// Send this command to the runtime.
    Send(Cmd),
    /// Start an assume: the app sends `cmd` and shows `flight`'s spinner, unless another
    /// assume is running (then it says so instead).
    Assume {
        flight: InFlight,
        cmd: Cmd,
    },
}

impl Outcome {
    /// The window stays open (its own state may have changed).
    pub fn stay() -> Self {
        Outcome {
            close: false,
            status: None,
            then: Then::Nothing,
        }
    }

    /// The window closes.
    pub fn close() -> Self {
        Outcome {
            close: true,
            ..Outcome::stay()
        }
    }

    /// And the status line says `text`.
    pub fn info(self, text: impl Into<String>) -> Self {
        Outcome {
            status: Some(StatusLine::info(text)),
            ..self
        }
    }

    /// And the status line reports the problem `text`.
    pub fn error(self, text: impl Into<String>) -> Self {
        Outcome {
            status: Some(StatusLine::error(text)),
            ..self
        }
    }

    /// And the runtime is sent `cmd`.
    pub fn send(self, cmd: Cmd) -> Self {
        Outcome {
            then: Then::Send(cmd),
            ..self
        }
    }

    /// And the assume `cmd` starts, shown as `flight`.
    pub fn assume(self, flight: InFlight, cmd: Cmd) -> Self {
        Outcome {
            then: Then::Assume { flight, cmd },
            ..self
        }
    }
}

#[cfg(test)]
mod tests;
