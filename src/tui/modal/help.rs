//! The help window: every key and what it does. Any key closes it, and only closes it.

use super::Outcome;
use crate::tui::paint::{fg, popup, wrap_text, Scene};
use ratatui::style::{Color, Modifier};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

const HELP: &[(&str, &str)] = &[
    (
        "type or /",
        "filter profiles (fuzzy: name, account, role, region)",
    ),
    ("Esc", "cancel an assume, close a window, clear the filter"),
    ("↑ ↓ PgUp PgDn", "move; Home/End: first/last"),
    ("Tab", "switch between profiles and sessions"),
    ("Enter", "assume the selected profile"),
    ("s", "session: subshell on a self-refreshing endpoint"),
    ("S", "session: subshell with the session's keys"),
    ("e", "session: write a dotenv file (0600)"),
    ("x", "session: export formats (masked preview; y copies)"),
    ("c", "session: open the AWS console signed in with it"),
    ("r / d", "session: refresh / forget"),
    ("R", "reload the AWS config files"),
    // The KIND column's words, in the words `rolecall list` prints.
    ("KIND", "keys = static, role = source_profile, - = none"),
    ("", "role/ec2… = credential_source, web-id = web_identity"),
    ("", "sso·new: a discovered role no profile names yet"),
    ("?", "this help"),
    ("q, Ctrl-C", "quit"),
];

/// Any key closes help, and does nothing else.
pub(super) fn on_key() -> Outcome {
    Outcome::close()
}

/// Columns of the key column (right-aligned keys and two spaces).
const KEY_COLUMN: usize = 16;

/// Every key with what it does, wrapped under its own column where the window is narrow.
pub(super) fn draw(scene: &Scene, frame: &mut Frame) {
    let width = frame.area().width.min(72);
    let text_width = usize::from(width.saturating_sub(2)).saturating_sub(KEY_COLUMN);
    let mut lines: Vec<Line> = Vec::new();
    for (k, v) in HELP {
        let key = Span::styled(
            format!("{k:>14}  "),
            fg(scene.colors, Color::Cyan).add_modifier(Modifier::BOLD),
        );
        for (i, row) in wrap_text(v, text_width.max(8)).into_iter().enumerate() {
            let lead = if i == 0 {
                key.clone()
            } else {
                Span::raw(" ".repeat(KEY_COLUMN))
            };
            lines.push(Line::from([vec![lead], row.spans].concat()));
        }
    }
    let area = popup(frame, width, lines.len() as u16 + 2);
    let block = Block::bordered()
        .title(" Help ")
        .title_bottom(" any key closes ")
        .border_style(fg(scene.colors, Color::Cyan));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests;
