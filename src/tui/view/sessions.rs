//! The sessions panel: the active sessions and sign-ins with their countdowns, the
//! selected session's whole source under them, and a marker for the rows the panel has
//! no room for.

use super::panel;
use crate::session::{Session, SessionKind};
use crate::term_text::count;
use crate::tui::app::{App, Focus};
use crate::tui::paint::{
    countdown, countdown_color, fg, first_row, fit, more_marker, shown, width_of, wrap_spans,
};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

/// What the panel says when there is nothing in it.
const EMPTY: &str = "no active session: Enter on a profile assumes it";

/// Label of the selected session's source under the sessions table.
const LABEL: &str = "source: ";

/// The rows the panel would like at `width` columns (borders included): all its rows and
/// the selected session's detail.
pub(super) fn wanted_height(app: &App, width: u16) -> u16 {
    let inner = width.saturating_sub(2);
    let body = if app.sessions.is_empty() && app.sign_ins.is_empty() {
        wrap_spans(&[Span::raw(EMPTY)], inner.into()).len()
    } else {
        1 + app.sessions.len() + app.sign_ins.len() + detail_lines(app, inner).len()
    };
    (body as u16).saturating_add(2)
}

/// One session's row: its name (marked `(mfa)`, `(stale)`), countdown and source.
struct SessionRow {
    name: String,
    stale: bool,
    left: Option<i64>,
    source: String,
    sign_in: bool,
}

fn session_rows(app: &App) -> Vec<SessionRow> {
    let sessions = app.sessions.iter().map(|l| {
        let s = &l.session;
        let mut name = match s.kind {
            SessionKind::Profile => shown(&s.profile).into_owned(),
            // A stored key's session without MFA.
            SessionKind::MfaSession if s.mfa_serial.is_none() => {
                format!("{} (keyring)", shown(&s.profile))
            }
            SessionKind::MfaSession => format!("{} (mfa)", shown(&s.profile)),
        };
        if l.stale {
            // Its profile changed since: it is never reused, only shown until it expires.
            name.push_str(" (stale)");
        }
        SessionRow {
            name,
            stale: l.stale,
            left: s.seconds_left(app.now),
            source: shown(&s.source).into_owned(),
            sign_in: false,
        }
    });
    // IAM Identity Center sign-ins come after the sessions, with their own time left
    // (not selectable: the keys act on sessions).
    let sign_ins = app.sign_ins.iter().map(|s| SessionRow {
        name: shown(&s.session).into_owned(),
        stale: false,
        left: Some((s.expires_at - app.now).num_seconds()),
        source: "SSO sign-in".into(),
        sign_in: true,
    });
    sessions.chain(sign_ins).collect()
}

/// PROFILE, LEFT and SOURCE widths in `width`: names whole where they fit, the source in
/// what is left (none when under ten columns: the detail line shows the selected one).
fn widths(rows: &[SessionRow], width: u16) -> [u16; 3] {
    let name = rows
        .iter()
        .map(|r| width_of(&r.name))
        .max()
        .unwrap_or(0)
        .max(7) as u16;
    let left = rows
        .iter()
        .map(|r| countdown(r.left).len())
        .max()
        .unwrap_or(0)
        .max(4) as u16;
    let rest = width.saturating_sub(name + left + 2);
    if rest >= 10 {
        let source = rows.iter().map(|r| width_of(&r.source)).max().unwrap_or(0) as u16;
        [
            name + rest.saturating_sub(source),
            left,
            rest.min(source.max(6)),
        ]
    } else {
        [width.saturating_sub(left + 1), left, 0]
    }
}

fn to_row<'a>(app: &App, r: &'a SessionRow, [name_w, _, source_w]: [u16; 3]) -> Row<'a> {
    let name_style = if r.sign_in {
        fg(app.colors, Color::Blue)
    } else if r.stale {
        fg(app.colors, Color::DarkGray).add_modifier(Modifier::CROSSED_OUT)
    } else {
        Style::default()
    };
    Row::new(vec![
        Cell::from(fit(&r.name, name_w.into())).style(name_style),
        Cell::from(countdown(r.left)).style(fg(app.colors, countdown_color(r.left))),
        Cell::from(fit(&r.source, source_w.into())).style(fg(app.colors, Color::DarkGray)),
    ])
}

pub(super) fn draw_sessions(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Sessions;
    let title = Line::from(format!(" Sessions {} ", app.sessions.len()));
    let mut block = panel(app, title, focused);
    if app.sessions.is_empty() && app.sign_ins.is_empty() {
        let text = Paragraph::new(Span::styled(EMPTY, fg(app.colors, Color::DarkGray)))
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(text, area);
        return;
    }
    let inner = block.inner(area);
    // The selected session's whole source under the table, leaving it a header and a row.
    let detail = detail_lines(app, inner.width);
    let detail_rows = (detail.len() as u16).min(inner.height.saturating_sub(2));
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_rows)]).areas(inner);
    let rows = session_rows(app);
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let start = first_row(Some(app.session_selected), rows.len(), visible);
    let end = (start + visible).min(rows.len());
    if let Some(more) = more_marker(start, rows.len() - end) {
        block = block.title_bottom(Line::from(more).right_aligned());
    }
    frame.render_widget(block, area);
    let widths = widths(&rows, table_area.width.saturating_sub(2));
    let table = Table::new(
        rows[start..end].iter().map(|r| to_row(app, r, widths)),
        widths.map(Constraint::Length),
    )
    .header(
        Row::new(["PROFILE", "LEFT", if widths[2] > 0 { "SOURCE" } else { "" }])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .highlight_symbol(if focused { "▶ " } else { "  " })
    .highlight_spacing(HighlightSpacing::Always);
    let selected = app.session_selected.checked_sub(start);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, table_area, &mut state);
    frame.render_widget(Paragraph::new(detail), detail_area);
}

/// The selected session's detail, wrapped to `width`.
fn detail_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    match app.selected_session() {
        None => vec![],
        Some(selected) => wrap_spans(
            &[
                Span::styled(LABEL, fg(app.colors, Color::DarkGray)),
                Span::raw(session_detail(app, selected)),
            ],
            width.into(),
        ),
    }
}

/// What the detail line says of `session`: its whole source, and what the credential
/// endpoint of its last served subshell did (as [`shown`]).
fn session_detail(app: &App, session: &Session) -> String {
    let source = match session.region_shown() {
        Some(region) => format!("{} · region {region}", session.source),
        None => session.source.clone(),
    };
    let detail = match app.served.get(&session.profile) {
        None => source,
        Some(served) => format!(
            "{source} · served {}, refreshed {}{}{}",
            count(served.requests_served as usize, "request", "requests"),
            count(served.refreshes.saturating_sub(1) as usize, "time", "times"),
            served
                .last_refresh
                .map(|t| format!(", last fetched {}", t.format("%H:%M:%S")))
                .unwrap_or_default(),
            served
                .last_error
                .as_ref()
                .map(|e| format!(" · last refresh failed: {e}"))
                .unwrap_or_default()
        ),
    };
    shown(&detail).into_owned()
}
