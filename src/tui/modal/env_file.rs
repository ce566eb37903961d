//! The dotenv window: asks where to write a session's variables, and asks again before
//! replacing a file rolecall did not write.

use super::Outcome;
use crate::session::Session;
use crate::tui::message::Cmd;
use crate::tui::paint::{fg, popup, shown, Scene};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;
use std::path::{Path, PathBuf};

/// The dotenv path offered first.
pub const DEFAULT_ENV_PATH: &str = "./.env";

/// Asks where to write the dotenv file; `foreign` once the runtime said a file rolecall
/// did not write is there (replacing it needs an explicit yes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileModal {
    pub session: Box<Session>,
    pub input: String,
    pub foreign: bool,
}

impl EnvFileModal {
    /// The path prompt for `session`, offering [`DEFAULT_ENV_PATH`].
    pub fn new(session: Session) -> Self {
        EnvFileModal {
            session: Box::new(session),
            input: DEFAULT_ENV_PATH.into(),
            foreign: false,
        }
    }

    /// The write found `path` holding a file rolecall did not write: ask before replacing it.
    pub fn found_foreign(&mut self, path: &Path) {
        self.input = path.display().to_string();
        self.foreign = true;
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        if self.foreign {
            self.on_replace_key(key)
        } else {
            self.on_path_key(key)
        }
    }

    /// Whether to replace someone else's file: y replaces it, Esc keeps it, any other key
    /// goes back to editing the path.
    fn on_replace_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => Outcome::close().send(Cmd::WriteEnvFile {
                path: PathBuf::from(&self.input),
                session: (*self.session).clone(),
                replace_foreign: true,
            }),
            KeyCode::Esc => Outcome::close().info("dotenv file not written"),
            _ => {
                self.foreign = false;
                Outcome::stay()
            }
        }
    }

    /// Editing the path; Enter writes (the window stays open: the runtime may answer that
    /// the file is someone else's).
    fn on_path_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::close(),
            KeyCode::Enter if !self.input.trim().is_empty() => {
                self.input = self.input.trim().to_string();
                return Outcome::stay().send(Cmd::WriteEnvFile {
                    path: PathBuf::from(&self.input),
                    session: (*self.session).clone(),
                    replace_foreign: false,
                });
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.push(c)
            }
            KeyCode::Backspace => {
                self.input.pop();
            }
            _ => {}
        }
        Outcome::stay()
    }

    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let area = popup(frame, 64, 7);
        let (profile, input) = (shown(&self.session.profile), shown(&self.input));
        let lines = if self.foreign {
            vec![
                Line::from(format!("{input} exists and was not written by rolecall")),
                Line::from(Span::styled(
                    "(it does not start with `# written by rolecall`).",
                    fg(scene.colors, Color::DarkGray),
                )),
                Line::from(Span::styled(
                    "Replace it? y: replace it · Esc: keep it · other: edit the path",
                    fg(scene.colors, Color::Yellow),
                )),
            ]
        } else {
            vec![
                Line::from(format!("Write {profile}'s variables (mode 0600) to:")),
                Line::from(Span::styled(
                    format!("{input}▏"),
                    Style::default().add_modifier(Modifier::BOLD),
                )),
            ]
        };
        let block = Block::bordered()
            .title(" dotenv file ")
            .title_bottom(" Enter write · Esc cancel ")
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

#[cfg(test)]
mod tests;
