//! The drawing kit the panels (view.rs) and the modals share: what a window needs to know
//! of the app ([`Scene`]), colours that NO_COLOR turns off, outside text made into cells,
//! the popup frame, countdowns and the spinner. Below the view and the modals, so a modal
//! draws itself without importing the view or the app.

use crate::term_text;
use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
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

/// Columns `text` takes on a terminal (wide characters take two).
pub(super) fn width_of(text: &str) -> usize {
    ratatui::text::Span::raw(text).width()
}

/// `text` in at most `width` columns: whole when it fits, else cut with `…` at the end,
/// so a cut is never mistaken for the whole value.
pub(super) fn fit(text: &str, width: usize) -> Cow<'_, str> {
    if width_of(text) <= width {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width_of(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// The styled `spans` of one line broken into rows of at most `width` columns: at spaces
/// where it can, inside a word only when the word is longer than a row. Text wrapped here
/// is counted and drawn the same way, so a window sized by the row count shows all of it.
pub(super) fn wrap_spans(spans: &[Span<'_>], width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut rows = Rows::default();
    for span in spans {
        let style = span.style;
        let mut word = String::new();
        for c in span.content.chars() {
            if c == ' ' {
                rows.word(&std::mem::take(&mut word), style, width);
                rows.space(style, width);
            } else {
                word.push(c);
            }
        }
        rows.word(&word, style, width);
    }
    rows.finish()
}

/// Plain `text` (newlines start rows) wrapped as [`wrap_spans`] does.
pub(super) fn wrap_text(text: &str, width: usize) -> Vec<Line<'static>> {
    text.split('\n')
        .flat_map(|line| wrap_spans(&[Span::raw(line)], width))
        .collect()
}

/// Rows being filled by [`wrap_spans`].
#[derive(Default)]
struct Rows {
    done: Vec<Line<'static>>,
    row: Vec<Span<'static>>,
    used: usize,
}

impl Rows {
    fn push(&mut self, text: &str, style: Style) {
        self.used += width_of(text);
        match self.row.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => self.row.push(Span::styled(text.to_string(), style)),
        }
    }

    fn break_row(&mut self) {
        let row = std::mem::take(&mut self.row);
        self.done.push(Line::from(row));
        self.used = 0;
    }

    /// A space: kept inside a row, dropped where the row breaks.
    fn space(&mut self, style: Style, width: usize) {
        if self.used < width {
            self.push(" ", style);
        } else {
            self.break_row();
        }
    }

    fn word(&mut self, word: &str, style: Style, width: usize) {
        let w = width_of(word);
        if self.used + w > width && self.used > 0 {
            // The row's trailing spaces go with the break.
            if let Some(last) = self.row.last_mut() {
                let trimmed = last.content.trim_end().to_string();
                last.content = trimmed.into();
            }
            self.break_row();
        }
        if w <= width {
            if !word.is_empty() {
                self.push(word, style);
            }
            return;
        }
        for c in word.chars() {
            let piece = c.to_string();
            if self.used + width_of(&piece) > width {
                self.break_row();
            }
            self.push(&piece, style);
        }
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        self.break_row();
        self.done
    }
}

/// What a list hides above and below its window: `↑ 2 more · ↓ 3 more`, or `None` when
/// everything shows.
pub(super) fn more_marker(above: usize, below: usize) -> Option<String> {
    match (above, below) {
        (0, 0) => None,
        (0, b) => Some(format!(" ↓ {b} more ")),
        (a, 0) => Some(format!(" ↑ {a} more ")),
        (a, b) => Some(format!(" ↑ {a} more · ↓ {b} more ")),
    }
}

/// The first of `len` rows to show when `visible` fit and `selected` must be among them:
/// the window scrolls as little as keeps the selection visible.
pub(super) fn first_row(selected: Option<usize>, len: usize, visible: usize) -> usize {
    let start = selected.map_or(0, |s| (s + 1).saturating_sub(visible));
    start.min(len.saturating_sub(visible.max(1)))
}
