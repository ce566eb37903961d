//! The dotenv window: asks where to write a session's variables; before writing, warns
//! when git would offer the file for commit (and offers to add it to `.gitignore`), and
//! asks again before replacing a file rolecall did not write.

use super::Outcome;
use crate::session::Session;
use crate::tui::message::{Cmd, IfNotIgnored};
use crate::tui::paint::{fg, popup, shown, wrap_spans, Scene};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;
use std::path::{Path, PathBuf};

/// The dotenv path offered first.
pub const DEFAULT_ENV_PATH: &str = "./.env";

/// What the dotenv window is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvFileStep {
    /// Where to write.
    Path,
    /// The runtime said git would offer the file for commit: add it to `.gitignore`,
    /// write it anyway, or not.
    NotIgnored,
    /// The runtime said a file rolecall did not write is there: replace it or not.
    Foreign,
}

/// Asks where to write the dotenv file, then what the runtime found there needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFileModal {
    pub session: Box<Session>,
    pub input: String,
    pub step: EnvFileStep,
    /// What the write does about git: [`IfNotIgnored::Ask`] until the user answered.
    pub if_not_ignored: IfNotIgnored,
}

impl EnvFileModal {
    /// The path prompt for `session`, offering [`DEFAULT_ENV_PATH`].
    pub fn new(session: Session) -> Self {
        EnvFileModal {
            session: Box::new(session),
            input: DEFAULT_ENV_PATH.into(),
            step: EnvFileStep::Path,
            if_not_ignored: IfNotIgnored::Ask,
        }
    }

    /// The write found `path` holding a file rolecall did not write: ask before replacing it.
    pub fn found_foreign(&mut self, path: &Path) {
        self.input = path.display().to_string();
        self.step = EnvFileStep::Foreign;
    }

    /// Git would offer `path` for commit: ask before writing it.
    pub fn found_not_ignored(&mut self, path: &Path) {
        self.input = path.display().to_string();
        self.step = EnvFileStep::NotIgnored;
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        match self.step {
            EnvFileStep::Path => self.on_path_key(key),
            EnvFileStep::NotIgnored => self.on_not_ignored_key(key),
            EnvFileStep::Foreign => self.on_replace_key(key),
        }
    }

    /// The write the window asks for (it stays open: the runtime may come back with a
    /// question).
    fn write(&self, replace_foreign: bool) -> Outcome {
        Outcome::stay().send(Cmd::WriteEnvFile {
            path: PathBuf::from(&self.input),
            session: (*self.session).clone(),
            replace_foreign,
            if_not_ignored: self.if_not_ignored,
        })
    }

    /// Git would offer the file for commit: g adds it to `.gitignore` and writes, y writes
    /// anyway, Esc writes nothing, any other key goes back to editing the path.
    fn on_not_ignored_key(&mut self, key: KeyEvent) -> Outcome {
        self.if_not_ignored = match key.code {
            KeyCode::Char('g') | KeyCode::Char('G') => IfNotIgnored::AddToGitignore,
            KeyCode::Char('y') | KeyCode::Char('Y') => IfNotIgnored::WriteAnyway,
            KeyCode::Esc => return Outcome::close().info("dotenv file not written"),
            _ => {
                self.step = EnvFileStep::Path;
                return Outcome::stay();
            }
        };
        self.step = EnvFileStep::Path;
        self.write(false)
    }

    /// Whether to replace someone else's file: y replaces it, Esc keeps it, any other key
    /// goes back to editing the path.
    fn on_replace_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                let outcome = self.write(true);
                Outcome {
                    close: true,
                    ..outcome
                }
            }
            KeyCode::Esc => Outcome::close().info("dotenv file not written"),
            _ => {
                self.step = EnvFileStep::Path;
                Outcome::stay()
            }
        }
    }

    /// Editing the path; Enter writes (the window stays open: the runtime may answer that
    /// git would offer the file, or that it is someone else's).
    fn on_path_key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::close(),
            KeyCode::Enter if !self.input.trim().is_empty() => {
                self.input = self.input.trim().to_string();
                return self.write(false);
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input.push(c);
                // Another path: git is asked again.
                self.if_not_ignored = IfNotIgnored::Ask;
            }
            KeyCode::Backspace => {
                self.input.pop();
                self.if_not_ignored = IfNotIgnored::Ask;
            }
            _ => {}
        }
        Outcome::stay()
    }

    /// What the window says at its step, and the keys on its bottom edge.
    fn text(&self, scene: &Scene) -> (Vec<Span<'static>>, Vec<Span<'static>>, &'static str) {
        let input = shown(&self.input).into_owned();
        let dim = fg(scene.colors, Color::DarkGray);
        let ask = fg(scene.colors, Color::Yellow);
        match self.step {
            EnvFileStep::Path => (
                vec![Span::raw(format!(
                    "Write {}'s variables (mode 0600) to:",
                    shown(&self.session.profile)
                ))],
                vec![Span::styled(
                    format!("{input}▏"),
                    Style::default().add_modifier(Modifier::BOLD),
                )],
                " Enter write · Esc cancel ",
            ),
            EnvFileStep::NotIgnored => (
                vec![
                    Span::raw(format!("{input} is not ignored by git: ")),
                    Span::raw("it would be offered for commit, live keys and all."),
                ],
                vec![Span::styled(
                    "g: add it to .gitignore and write · y: write anyway · Esc: cancel · \
                     other key: edit the path",
                    ask,
                )],
                " g .gitignore and write · y write anyway · Esc cancel ",
            ),
            EnvFileStep::Foreign => (
                vec![
                    Span::raw(format!("{input} exists and was not written by rolecall ")),
                    Span::styled("(it does not start with `# written by rolecall`).", dim),
                ],
                vec![Span::styled(
                    "Replace it? y: replace it · Esc: keep it · other key: edit the path",
                    ask,
                )],
                " y replace · Esc keep it ",
            ),
        }
    }

    /// The question wrapped to the window, which grows to show all of it.
    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let width = frame.area().width.min(72);
        let inner = usize::from(width.saturating_sub(2));
        let (said, asked, keys) = self.text(scene);
        let mut lines = wrap_spans(&said, inner);
        lines.extend(wrap_spans(&asked, inner));
        let area = popup(frame, width, lines.len() as u16 + 2);
        let block = Block::bordered()
            .title(" dotenv file ")
            .title_bottom(keys)
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

#[cfg(test)]
mod tests;
