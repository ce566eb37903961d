//! Drawing the [`App`]: a pure function of the state, so a `TestBackend` buffer shows exactly
//! what a user would see. The panels and the status line are drawn here; an open modal's
//! window by its own file (see [`super::modal`]), both with the kit in [`super::paint`].
//!
//! Secrets never reach the screen: the panels show no credential, and the windows that
//! concern one (export) show it masked.
//!
//! Outside text (profile names and values, portal names, a sign-in's code and URL, server
//! and process messages, sessions read back from the store) becomes cells only through
//! [`shown`], so a control character in it is drawn (`\x1b`), never sent to the terminal;
//! [`draw`] ends by checking every cell for one that slipped through.

use super::app::{App, Focus};
use super::backend::DiscoveryStatus;
use super::message::StatusLevel;
use super::paint::{
    countdown, countdown_color, fg, first_row, fit, more_marker, shown, width_of, wrap_spans,
    SPINNER,
};
use crate::profile::{Profile, ProfileKind};
use crate::term_text::{self, count};
use columns::{fit_columns, region_of, Column};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use std::borrow::Cow;

mod columns;
mod sessions;

/// Wide enough to put the sessions panel beside the profiles rather than under them.
const SIDE_BY_SIDE: u16 = 120;

/// Wide enough (the whole terminal) for the profiles' REGION column.
const REGION_FROM: u16 = 100;

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let status = status_lines(app, area);
    let [main, status_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(status.len() as u16)]).areas(area);
    let (profiles, sessions) = split(app, main);
    draw_profiles(app, frame, profiles, area.width >= REGION_FROM);
    sessions::draw_sessions(app, frame, sessions);
    frame.render_widget(Paragraph::new(status), status_area);
    if let Some(modal) = &app.modal {
        modal.draw(&app.scene(), frame);
    }
    scrub(frame);
}

/// The profiles' and the sessions' panels: side by side on a wide screen; else one above
/// the other, the height split by what each holds, so neither has empty rows while the
/// other hides some (when both overflow, they share it).
fn split(app: &App, main: Rect) -> (Rect, Rect) {
    if main.width >= SIDE_BY_SIDE {
        let [a, b] = Layout::horizontal([Constraint::Percentage(66), Constraint::Percentage(34)])
            .areas(main);
        return (a, b);
    }
    let height = main.height;
    let sessions = sessions::wanted_height(app, main.width);
    let profiles = profiles_wanted_height(app, main.width);
    let half = height / 2;
    let rows = if profiles + sessions <= height {
        sessions
    } else if profiles <= half {
        height - profiles
    } else {
        sessions.min(half)
    };
    // Each keeps at least a border, a header and a row where the screen allows it.
    let rows = rows.min(height.saturating_sub(4)).max(4.min(height));
    let [a, b] = Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(main);
    (a, b)
}

/// The rows the profiles panel would like: every match, the header, the detail, borders.
fn profiles_wanted_height(app: &App, width: u16) -> u16 {
    let detail = detail_lines(app, app.selected_profile(), width.saturating_sub(2)).len();
    (app.filtered.len().max(1) + 1 + detail + 2).min(usize::from(u16::MAX)) as u16
}

/// The last guard: a cell holding a character a terminal would obey (from a draw path
/// that forgot [`shown`]) shows U+FFFD instead, so it is never written to the terminal.
pub(super) fn scrub(frame: &mut Frame) {
    for cell in &mut frame.buffer_mut().content {
        if cell.symbol().chars().any(term_text::needs_escape) {
            cell.set_symbol("\u{fffd}");
        }
    }
}

fn panel<'a>(app: &App, title: Line<'a>, focused: bool) -> Block<'a> {
    let border = if focused {
        fg(app.colors, Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        fg(app.colors, Color::DarkGray)
    };
    Block::bordered().title(title).border_style(border)
}

/// An outside value, or `-`.
fn dash(v: Option<&str>) -> Cow<'_, str> {
    shown(v.unwrap_or("-"))
}

/// The profile kinds as the table shows them: short enough to leave room for the names
/// (the detail line under the table shows the whole chain).
fn kind_label(p: &Profile) -> &'static str {
    match p.kind {
        ProfileKind::Static => "keys",
        ProfileKind::SourceProfile => "role",
        ProfileKind::CredentialSource => match p.credential_source.as_deref() {
            Some("Ec2InstanceMetadata") => "role/ec2",
            Some("EcsContainer") => "role/ecs",
            Some("Environment") => "role/env",
            _ => "role/?",
        },
        ProfileKind::CredentialProcess => "process",
        ProfileKind::Keyring => "keyring",
        ProfileKind::Sso if p.discovered => "sso·new",
        ProfileKind::Sso => "sso",
        ProfileKind::WebIdentity => "web-id",
        ProfileKind::Login => "login",
        ProfileKind::None => "-",
    }
}

/// The profiles panel: the table (or the first-run screen) and the selected row's detail,
/// with a marker on the bottom edge for the matches above and below the table's window.
fn draw_profiles(app: &App, frame: &mut Frame, area: Rect, show_region: bool) {
    let mut block = panel(app, profiles_title(app), app.focus == Focus::Profiles);
    let inner = block.inner(area);
    if app.profiles().is_empty() && app.file_problems == 0 {
        frame.render_widget(block, area);
        draw_first_run(app, frame, inner);
        return;
    }
    // The detail wraps, up to half the panel (the table keeps its header and a row).
    let detail = detail_lines(app, app.selected_profile(), inner.width);
    let detail_rows = (detail.len() as u16)
        .min((inner.height / 2).max(1))
        .min(inner.height.saturating_sub(2).max(1));
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_rows)]).areas(inner);
    let visible = usize::from(table_area.height.saturating_sub(1)).max(1);
    let start = first_row(
        app.selected_profile().map(|_| app.selected),
        app.filtered.len(),
        visible,
    );
    let end = (start + visible).min(app.filtered.len());
    if let Some(more) = more_marker(start, app.filtered.len() - end) {
        block = block.title_bottom(Line::from(more).right_aligned());
    }
    frame.render_widget(block, area);
    draw_profile_table(app, frame, table_area, (start, end), show_region);
    frame.render_widget(Paragraph::new(detail), detail_area);
}

/// How many profiles match of how many, and the filter while there is one.
fn profiles_title(app: &App) -> Line<'static> {
    let mut title = vec![Span::raw(format!(
        " Profiles {}/{} ",
        app.filtered.len(),
        app.profiles().len()
    ))];
    if let Some(d) = &app.discovering {
        title.push(Span::styled(
            format!("{} ", discovering_text(d)),
            fg(app.colors, Color::Cyan),
        ));
    }
    if app.filter_focus || !app.filter.is_empty() {
        let cursor = if app.filter_focus { "▏" } else { "" };
        title.push(Span::styled(
            format!("/{}{cursor} ", shown(&app.filter)),
            fg(app.colors, Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(title)
}

/// A running discovery in the profiles panel's title: `sso-session corp: 312 of 665
/// accounts`, or the accounts listed so far while ListAccounts pages.
fn discovering_text(d: &DiscoveryStatus) -> String {
    let session = shown(&d.session);
    match d.accounts_total {
        Some(total) => format!("· {session}: {} of {total} accounts", d.accounts_done),
        None => format!("· {session}: listing accounts ({})", d.accounts_listed),
    }
}

/// The table of the rows on screen, `filtered[start..end]`. Only those are built: a frame
/// costs the same with 10 or 10,000 profiles.
fn draw_profile_table(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    (start, end): (usize, usize),
    show_region: bool,
) {
    let window: Vec<&Profile> = app.filtered[start..end]
        .iter()
        .map(|&i| &app.profiles()[i])
        .collect();
    // With no match, the columns of the unfiltered top rows: the header does not move.
    let measured: Vec<&Profile> = if window.is_empty() {
        app.profiles().iter().take(area.height.into()).collect()
    } else {
        window.clone()
    };
    let columns = fit_columns(app, &measured, area.width.saturating_sub(2), show_region);
    let header = Row::new(columns.iter().map(|c| c.0.header()))
        .style(Style::default().add_modifier(Modifier::BOLD));
    let rows = window.iter().map(|p| profile_row(app, p, &columns));
    let table = Table::new(rows, columns.iter().map(|c| Constraint::Length(c.1)))
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol(if app.focus == Focus::Profiles {
            "▶ "
        } else {
            "  "
        })
        // The symbol's column stays when no row is selected (a filter matching nothing), so
        // the headers never shift.
        .highlight_spacing(HighlightSpacing::Always);
    let mut state =
        TableState::default().with_selected(app.selected_profile().map(|_| app.selected - start));
    frame.render_stateful_widget(table, area, &mut state);
    if app.filtered.is_empty() && !app.filter.is_empty() && area.height > 1 {
        let below_header = Rect {
            y: area.y + 1,
            height: 1,
            ..area
        };
        let none = format!("  no profile matches '{}'", shown(&app.filter));
        frame.render_widget(
            Paragraph::new(Span::styled(none, fg(app.colors, Color::Yellow))),
            below_header,
        );
    }
}

/// One profile's row in `columns`; red when the profile has a problem. Cut names and
/// roles end in `…`.
fn profile_row<'a>(app: &App, p: &'a Profile, columns: &[(Column, u16)]) -> Row<'a> {
    let cell = |&(column, width): &(Column, u16)| -> Cell<'a> {
        let text = |t: Cow<'a, str>| Cell::from(fit(&t, width.into()).into_owned());
        match column {
            Column::Name => text(shown(&p.name)),
            Column::Kind => Cell::from(kind_label(p)).style(fg(app.colors, Color::Blue)),
            Column::Account => text(dash(p.account())),
            Column::Role => text(dash(p.role_name())),
            Column::Region => text(dash(region_of(app, p))),
            Column::Mfa if p.mfa_in_chain => {
                Cell::from("MFA").style(fg(app.colors, Color::Magenta))
            }
            Column::Mfa => Cell::from(""),
            // The time left of the profile's own current session, coloured as in the panel.
            Column::Left => match app.session_of(&p.name) {
                Some(session) => {
                    let left = session.seconds_left(app.now);
                    Cell::from(countdown(left)).style(fg(app.colors, countdown_color(left)))
                }
                None => Cell::from(""),
            },
        }
    };
    let row = Row::new(columns.iter().map(cell).collect::<Vec<_>>());
    if p.diagnostics.is_empty() {
        row
    } else {
        row.style(fg(app.colors, Color::Red))
    }
}

/// What to do when there is no AWS configuration at all: not an empty table.
fn draw_first_run(app: &App, frame: &mut Frame, area: Rect) {
    let command = |text: &'static str| {
        Span::styled(
            text,
            fg(app.colors, Color::Cyan).add_modifier(Modifier::BOLD),
        )
    };
    let dim = |text: String| Span::styled(text, fg(app.colors, Color::DarkGray));
    let lines = vec![
        Line::from("No AWS profiles yet."),
        Line::from(dim(format!(
            "rolecall read {} and {} (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE choose others).",
            shown(&app.paths.config.display().to_string()),
            shown(&app.paths.credentials.display().to_string())
        ))),
        Line::from(""),
        Line::from(vec![Span::raw("  Try it on the bundled demo:       "), command("rolecall --demo")]),
        Line::from(vec![
            Span::raw("  Sign in to IAM Identity Center:   "),
            command("rolecall sso login --sso-session NAME"),
        ]),
        Line::from(vec![
            Span::raw("  Add a profile with keys:          "),
            command("aws configure --profile NAME"),
        ]),
        Line::from(dim(
            "  …or write [profile NAME] sections by hand: rolecall reloads them as you save."
                .to_string(),
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The selected row's chain and its problems, under the table, wrapped to `width`.
fn detail_lines(app: &App, p: Option<&Profile>, width: u16) -> Vec<Line<'static>> {
    let Some(p) = p else {
        let text = if app.profiles().is_empty() {
            "no profiles in ~/.aws/config or ~/.aws/credentials"
        } else {
            "no profile matches the filter (Esc clears it)"
        };
        return wrap_spans(
            &[Span::styled(text, fg(app.colors, Color::DarkGray))],
            width.into(),
        );
    };
    let dim = |text: String| Span::styled(text, fg(app.colors, Color::DarkGray));
    let mut spans = if p.discovered {
        vec![
            dim("discovered: ".into()),
            Span::raw(format!(
                "{} in {} through IAM Identity Center; not in your config (`rolecall sso sync` writes it)",
                shown(p.role_name().unwrap_or("")),
                shown(p.account_name.as_deref().unwrap_or("")),
            )),
        ]
    } else {
        vec![
            dim("chain: ".into()),
            Span::raw(shown(&p.chain_display().to_string()).into_owned()),
        ]
    };
    if p.kind == ProfileKind::Keyring {
        // Where the key lives; its sessions' source names the backend.
        spans.push(Span::styled(
            "  key in rolecall's key store",
            fg(app.colors, Color::DarkGray),
        ));
    }
    if let (false, Some(name)) = (p.discovered, p.account_name.as_deref()) {
        spans.push(dim(format!("  {}", shown(name))));
    }
    if let Some(region) = &p.region {
        spans.push(dim(format!("  {}", shown(region))));
    }
    let mut lines = wrap_spans(&spans, width.into());
    // Every problem whole, each on rows of its own.
    for d in &p.diagnostics {
        let problem = Span::styled(
            format!("⚠ {}", shown(&d.to_string())),
            fg(app.colors, Color::Red),
        );
        lines.extend(wrap_spans(&[problem], width.into()));
    }
    lines
}

/// The status line's rows: the status (or the spinner, or what is wrong with the files)
/// with the focused panel's hints where they fit beside it; a status longer than the
/// screen is wide wraps onto rows of its own, up to a third of the screen.
fn status_lines(app: &App, area: Rect) -> Vec<Line<'static>> {
    let left = status_span(app);
    let width = usize::from(area.width);
    let left_width = width_of(&left.content);
    let hint = hints(app)
        .iter()
        .find(|h| left_width + 2 + width_of(h) <= width);
    if let Some(hint) = hint {
        let gap = width - left_width - width_of(hint);
        return vec![Line::from(vec![
            left,
            Span::raw(" ".repeat(gap)),
            Span::styled(*hint, fg(app.colors, Color::DarkGray)),
        ])];
    }
    let mut rows = wrap_spans(&[left], width);
    let room = usize::from(area.height / 3).max(1);
    if rows.len() > room {
        rows.truncate(room);
        // What does not fit is marked, not silently dropped.
        if let Some(last) = rows.last_mut().and_then(|row| row.spans.last_mut()) {
            let mut text = last.content.to_string();
            text.pop();
            text.push('…');
            last.content = text.into();
        }
    }
    rows
}

/// The focused panel's keys, longest first (the status line shows the longest that fits;
/// `?` lists every key anyway).
fn hints(app: &App) -> &'static [&'static str] {
    match (app.focus, app.filter_focus) {
        _ if app.in_flight.is_some() => &["Esc cancel"],
        // An open window says its own keys at its bottom edge; the panels' would mislead.
        _ if app.modal.is_some() => &[""],
        (Focus::Profiles, true) => &[
            "type to filter · Enter assume · Esc clear · Tab sessions",
            "Enter assume · Esc clear",
        ],
        (Focus::Profiles, false) => &[
            "/ filter · Enter assume · Tab sessions · ? help · q quit",
            "Enter assume · ? help · q quit",
        ],
        // `?` tells S (a shell with the keys) from s (one on the credential endpoint).
        (Focus::Sessions, _) => &[
            "s/S shell · e .env · x export · c console · r refresh · d forget · ? help · q quit",
            "s/S shell · e .env · x export · c console · ? help · q quit",
            "s/S e x c r d · ? help · q quit",
        ],
    }
}

/// What the status line says, left of the hints.
fn status_span(app: &App) -> Span<'static> {
    if let Some(f) = &app.in_flight {
        let spinner = SPINNER[f.frame % SPINNER.len()];
        let text = match &f.waiting {
            Some(waiting) => format!("{spinner} {}", shown(waiting)),
            None => format!("{spinner} assuming {}…", shown(&f.profile)),
        };
        Span::styled(text, fg(app.colors, Color::Cyan))
    } else if let Some(s) = &app.status {
        let style = match s.level {
            StatusLevel::Info => Style::default(),
            StatusLevel::Error => fg(app.colors, Color::Red).add_modifier(Modifier::BOLD),
        };
        Span::styled(shown(&s.text).into_owned(), style)
    } else if let Some(unread) = &app.unread_files {
        Span::styled(shown(unread).into_owned(), fg(app.colors, Color::Red))
    } else if app.file_problems > 0 {
        Span::styled(
            format!(
                "{} in the files: run `rolecall check`",
                count(app.file_problems, "problem", "problems")
            ),
            fg(app.colors, Color::Red),
        )
    } else {
        Span::raw("")
    }
}

#[cfg(test)]
mod tests;
