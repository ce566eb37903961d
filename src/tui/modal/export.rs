//! The export window: the command that prints a session's export, the chosen format's
//! own text with the secrets masked, and `y` to copy the real text to the clipboard.

use super::Outcome;
use crate::credentials::Credentials;
use crate::output::{Format, NotAPlainWord};
use crate::secret::{mask, Secret};
use crate::session::Session;
use crate::tui::message::Cmd;
use crate::tui::paint::{fg, more_marker, popup, shown, width_of, wrap_spans, wrap_text, Scene};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// The export formats the window cycles through: the ones `rolecall export --format` takes.
pub const EXPORT_FORMATS: &[crate::output::Format] = &crate::output::Format::ALL;

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
        let chosen = EXPORT_FORMATS[self.format % EXPORT_FORMATS.len()];
        let demo = if scene.demo { "--demo " } else { "" };
        // Profile names are spec identifiers (A-Za-z0-9_-/.%@:+): nothing to quote.
        let command = format!(
            "rolecall {demo}export {} --format {chosen}",
            shown(&self.session.profile)
        );
        let preview: Vec<String> = match preview(&self.session, chosen) {
            Ok(text) => text.lines().map(|l| shown(l).into_owned()).collect(),
            Err(e) => vec![format!("no {chosen} export: {e}")],
        };
        // As wide as the longest line (the screen allows), so little wraps.
        let longest = preview.iter().chain([&command]).map(|l| width_of(l)).max();
        let width = (longest.unwrap_or(0) as u16 + 2)
            .clamp(60, 100)
            .min(frame.area().width);
        let inner = usize::from(width.saturating_sub(2));
        let dim = fg(scene.colors, Color::DarkGray);
        let mut lines = vec![Line::from(vec![
            Span::raw("format: "),
            Span::styled(
                chosen.name(),
                fg(scene.colors, Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Span::styled("  (←/→ to change)", dim),
        ])];
        // The command first and whole: a short screen cuts the preview, never the command.
        lines.push(Line::from(Span::styled("real output:", dim)));
        let bold = Style::default().add_modifier(Modifier::BOLD);
        lines.extend(wrap_spans(&[Span::styled(command, bold)], inner));
        lines.push(Line::from(""));
        for line in &preview {
            lines.extend(wrap_text(line, inner));
        }
        let area = popup(frame, width, lines.len() as u16 + 2);
        // Rows a short screen leaves out are counted on the bottom edge, before the keys.
        let room = usize::from(area.height.saturating_sub(2));
        let keys = match more_marker(0, lines.len().saturating_sub(room)) {
            Some(more) => format!("{more}· y copy · ←/→ · Esc "),
            None => " y copy · ←/→ format · Esc close ".into(),
        };
        let block = Block::bordered()
            .title(format!(" Export: {chosen} (secrets masked) "))
            .title_bottom(keys)
            .border_style(fg(scene.colors, Color::Cyan));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// The chosen format's own text for `session` with its secrets masked: the real renderer
/// over a copy whose secrets are stand-in words, each then replaced by its mask (`****WXYZ`),
/// so the preview is what `y` copies, `unset` lines and all, never a second rendering.
fn preview(session: &Session, format: Format) -> Result<String, NotAPlainWord> {
    let real = &session.credentials;
    let token = real.session_token.as_ref();
    let stand_ins = [
        ("ROLECALLPREVIEWKEYID", Some(mask(&real.access_key_id))),
        (
            "ROLECALLPREVIEWSECRET",
            Some(real.secret_access_key.masked()),
        ),
        ("ROLECALLPREVIEWTOKEN", token.map(Secret::masked)),
    ];
    let mut masked = session.clone();
    masked.credentials = Credentials {
        access_key_id: stand_ins[0].0.into(),
        secret_access_key: Secret::new(stand_ins[1].0),
        session_token: token.map(|_| Secret::new(stand_ins[2].0)),
        expiration: real.expiration,
    };
    let mut text = crate::output::render(format, &masked.credentials, &masked.env())?;
    for (stand_in, masked) in stand_ins {
        if let Some(masked) = masked {
            text = text.replace(stand_in, &masked);
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
