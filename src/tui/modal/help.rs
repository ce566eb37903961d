//! The help window: every key and what it does. Any key closes it, and only closes it.

use super::Outcome;
use crate::tui::paint::{fg, popup, Scene};
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
    (
        "s / S",
        "session: subshell on a self-refreshing endpoint / with its keys",
    ),
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

pub(super) fn draw(scene: &Scene, frame: &mut Frame) {
    let area = popup(frame, 72, HELP.len() as u16 + 2);
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, v)| {
            Line::from(vec![
                Span::styled(
                    format!("{k:>14}  "),
                    fg(scene.colors, Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw(*v),
            ])
        })
        .collect();
    let block = Block::bordered()
        .title(" Help ")
        .title_bottom(" any key closes ")
        .border_style(fg(scene.colors, Color::Cyan));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests;
