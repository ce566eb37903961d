//! The drawing kit the panels (view.rs) and the modals share: what a window needs to know
//! of the app ([`Scene`]), colours that NO_COLOR turns off, outside text made into cells,
//! the popup frame, countdowns and the spinner. Below the view and the modals, so a modal
//! draws itself without importing the view or the app.

use crate::term_text;
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::Clear;
use ratatui::Frame;
use std::borrow::Cow;

/// What a window needs of the app to draw itself; the app hands it out
/// ([`App::scene`](super::app::App::scene)).
#[derive(Clone, Copy, Debug)]
pub struct Scene {
    /// Colours on (off under NO_COLOR).
    pub colors: bool,
    /// The bundled demo is running (commands shown to the user say `--demo`).
    pub demo: bool,
    /// The spinner's frame.
    pub spin: usize,
    /// The time the countdowns count from.
    pub now: DateTime<Utc>,
}

/// The frames of a spinner: the status line's while assuming, the sign-in window's.
pub(super) const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Outside text as a cell shows it: control, C1 and bidirectional characters escaped
/// (see [`term_text`]), clean text borrowed. Every string that did not come from rolecall
/// itself goes through here on its way to the screen.
pub(super) fn shown(text: &str) -> Cow<'_, str> {
    term_text::visible(text)
}

/// `fg` in colour, or nothing under NO_COLOR.
pub(super) fn fg(colors: bool, color: Color) -> Style {
    if colors {
        Style::default().fg(color)
    } else {
        Style::default()
    }
}

/// `mm:ss` under an hour, `1h02m` above, `expired`, or `never` for long-term keys.
pub fn countdown(seconds: Option<i64>) -> String {
    match seconds {
        None => "never".into(),
        Some(s) if s <= 0 => "expired".into(),
        Some(s) if s < 3600 => format!("{:02}:{:02}", s / 60, s % 60),
        Some(s) => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// Green, then yellow under 15 minutes, red under 5 and once expired.
pub fn countdown_color(seconds: Option<i64>) -> Color {
    match seconds {
        None => Color::Green,
        Some(s) if s < 5 * 60 => Color::Red,
        Some(s) if s < 15 * 60 => Color::Yellow,
        Some(_) => Color::Green,
    }
}

/// A box of `width` x `height` in the middle of the screen, cleared.
pub(super) fn popup(frame: &mut Frame, width: u16, height: u16) -> Rect {
    let area = frame.area();
    let w = width.min(area.width);
    let h = height.min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    rect
}
