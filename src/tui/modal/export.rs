//! The export window: a masked preview of a session's export lines, the command that
//! prints the real ones, and `y` to copy the real text to the clipboard.

use super::Outcome;
use crate::secret::mask;
use crate::session::Session;
use crate::tui::message::Cmd;
use crate::tui::paint::{fg, popup, shown, Scene};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The export formats the window cycles through: the ones `rolecall export --format` takes.
pub const EXPORT_FORMATS: &[crate::output::Format] = &crate::output::Format::ALL;

/// Variables whose values are shown in clear in the preview; everything else is masked.
const PLAIN_VARS: &[&str] = &[
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "ROLECALL_REGION",
    "ROLECALL_PROFILE",
];

/// A masked preview of the export lines and the command that prints the real ones;
/// `format` indexes [`EXPORT_FORMATS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportModal {
    pub session: Box<Session>,
    pub format: usize,
}

impl ExportModal {
    /// The preview of `session` in the first format.
    pub fn new(session: Session) -> Self {
        ExportModal {
            session: Box::new(session),
            format: 0,
        }
    }

    /// Arrows (and Tab, x) change the format, y copies, Esc or q closes.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Outcome {
        let n = EXPORT_FORMATS.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return Outcome::close(),
            KeyCode::Char('y') => return self.copy(),
            KeyCode::Right | KeyCode::Tab | KeyCode::Char('x') | KeyCode::Down => {
                self.format = (self.format + 1) % n
            }
            KeyCode::Left | KeyCode::BackTab | KeyCode::Up => {
                self.format = (self.format + n - 1) % n
            }
            _ => {}
        }
        Outcome::stay()
    }

    /// The real text of the chosen format to the clipboard, saying so with the key masked
    /// (or why there is nothing to copy); the window stays open.
    fn copy(&self) -> Outcome {
        let chosen = EXPORT_FORMATS[self.format % EXPORT_FORMATS.len()];
        let session = &self.session;
        match crate::output::render(chosen, &session.credentials, &session.env()) {
            Ok(text) => Outcome::stay()
                .info(format!(
                    "copied the {chosen} export of {} (key {}) to the clipboard",
                    session.profile,
                    mask(&session.credentials.access_key_id)
                ))
                .send(Cmd::CopyToClipboard(crate::secret::Secret::new(text))),
            Err(e) => Outcome::stay().error(format!(
                "nothing copied: the {chosen} export of {}: {e}",
                session.profile
            )),
        }
    }

    pub(super) fn draw(&self, scene: &Scene, frame: &mut Frame) {
        let session = &self.session;
        let env = session.env();
        let area = popup(frame, 76, env.len() as u16 + 7);
        let name = EXPORT_FORMATS[self.format % EXPORT_FORMATS.len()].name();
        let mut lines = vec![Line::from(vec![
            Span::raw("format: "),
            Span::styled(
                name,
                fg(scene.colors, Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::styled("  (←/→ to change)", fg(scene.colors, Color::DarkGray)),
        ])];
        for (key, value) in &env {
            let value = if PLAIN_VARS.contains(&key.as_str()) {
                shown(value).into_owned()
            } else {
                mask(value)
            };
            lines.push(Line::from(format!("export {key}={value}")));
        }
        lines.push(Line::from(""));
        let demo = if scene.demo { "--demo " } else { "" };
        lines.push(Line::from(vec![
            Span::styled("real output: ", fg(scene.colors, Color::DarkGray)),
            Span::styled(
                // Profile names are spec identifiers (A-Za-z0-9_-/.%@:+): nothing to quote.
                format!(
                    "rolecall {demo}export {} --format {name}",
                    shown(&session.profile)
                ),
                Style::default().add_modifier(Modifier::BOLD),
            ),
        ]));
        let block = Block::bordered()
            .title(" Export (values masked) ")
            .title_bottom(" y copy · ←/→ format · Esc close ")
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

#[cfg(test)]
mod tests;
