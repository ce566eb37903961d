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
use super::paint::{countdown, countdown_color, fg, shown, SPINNER};
use crate::profile::{Profile, ProfileKind};
use crate::session::SessionKind;
use crate::term_text::{self, count};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, HighlightSpacing, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use std::borrow::Cow;

/// Wide enough to put the sessions panel beside the profiles rather than under them.
const SIDE_BY_SIDE: u16 = 120;

/// Wide enough (the whole terminal) for the profiles' REGION column.
const REGION_FROM: u16 = 100;

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let [main, status] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(frame.area());
    let (profiles, sessions) = if main.width >= SIDE_BY_SIDE {
        let [a, b] = Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)])
            .areas(main);
        (a, b)
    } else {
        // At most a third of the screen, at least 4 rows (a pane a few rows high still draws:
        // the layout squeezes what does not fit).
        let wanted = app.sessions.len() as u16 + 3 + source_rows(app, main.width.saturating_sub(2));
        let rows = wanted.clamp(4, (main.height / 3).max(4));
        let [a, b] = Layout::vertical([Constraint::Min(5), Constraint::Length(rows)]).areas(main);
        (a, b)
    };
    draw_profiles(app, frame, profiles, frame.area().width >= REGION_FROM);
    draw_sessions(app, frame, sessions);
    draw_status(app, frame, status);
    if let Some(modal) = &app.modal {
        modal.draw(&app.scene(), frame);
    }
    scrub(frame);
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

/// The profiles panel: the table (or the first-run screen) and the selected row's detail.
fn draw_profiles(app: &App, frame: &mut Frame, area: Rect, show_region: bool) {
    let block = panel(app, profiles_title(app), app.focus == Focus::Profiles);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);

    if app.profiles().is_empty() && app.file_problems == 0 {
        draw_first_run(app, frame, inner);
        return;
    }
    draw_profile_table(app, frame, table_area, show_region);
    frame.render_widget(detail_line(app, app.selected_profile()), detail_area);
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

/// The table of the rows on screen. Only those are built: a frame costs the same with 10
/// or 10,000 profiles.
fn draw_profile_table(app: &App, frame: &mut Frame, area: Rect, show_region: bool) {
    let (header, widths) = profile_columns(show_region);
    let visible = usize::from(area.height.saturating_sub(1)).max(1); // under the header
    let start = first_visible_row(app, visible);
    let window =
        &app.filtered[start.min(app.filtered.len())..(start + visible).min(app.filtered.len())];
    let rows = window
        .iter()
        .map(|&i| profile_row(app, &app.profiles()[i], show_region));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::default().add_modifier(Modifier::BOLD)))
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

/// The index into `filtered` of the first row on screen, when `visible` rows fit: the
/// window scrolls as little as keeps the selection visible (what a fresh `TableState`
/// does with every row given).
fn first_visible_row(app: &App, visible: usize) -> usize {
    match app.selected_profile() {
        Some(_) => (app.selected + 1).saturating_sub(visible),
        None => 0,
    }
}

/// The profile table's headers and widths (REGION only when it is shown).
fn profile_columns(show_region: bool) -> (Vec<&'static str>, Vec<Constraint>) {
    let mut header = vec!["NAME", "KIND", "ACCOUNT", "ROLE"];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    if show_region {
        header.push("REGION");
        widths.push(Constraint::Length(14));
    }
    header.extend(["MFA", "LEFT"]);
    widths.extend([Constraint::Length(3), Constraint::Length(7)]);
    (header, widths)
}

/// One profile's row; red when the profile has a problem.
fn profile_row<'a>(app: &App, p: &'a Profile, show_region: bool) -> Row<'a> {
    let mut cells = vec![
        Cell::from(shown(&p.name)),
        Cell::from(kind_label(p)).style(fg(app.colors, Color::Blue)),
        Cell::from(dash(p.account())),
        Cell::from(dash(p.role_name())),
    ];
    if show_region {
        let region = p
            .region
            .as_deref()
            .or_else(|| app.graph().region_from_instance(p).then_some("(instance)"));
        cells.push(Cell::from(dash(region)));
    }
    cells.push(if p.mfa_in_chain {
        Cell::from("MFA").style(fg(app.colors, Color::Magenta))
    } else {
        Cell::from("")
    });
    // The time left of the profile's own current session, coloured as in the panel.
    cells.push(match app.session_of(&p.name) {
        Some(session) => {
            let left = session.seconds_left(app.now);
            Cell::from(countdown(left)).style(fg(app.colors, countdown_color(left)))
        }
        None => Cell::from(""),
    });
    let row = Row::new(cells);
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

/// The selected row's chain and its first problem, under the table.
fn detail_line<'a>(app: &App, p: Option<&'a Profile>) -> Paragraph<'a> {
    let Some(p) = p else {
        let text = if app.profiles().is_empty() {
            "no profiles in ~/.aws/config or ~/.aws/credentials"
        } else {
            "no profile matches the filter (Esc clears it)"
        };
        return Paragraph::new(Span::styled(text, fg(app.colors, Color::DarkGray)));
    };
    let mut spans = if p.discovered {
        vec![
            Span::styled("discovered: ", fg(app.colors, Color::DarkGray)),
            Span::raw(format!(
                "{} in {} through IAM Identity Center; not in your config (`rolecall sso sync` writes it)",
                shown(p.role_name().unwrap_or("")),
                shown(p.account_name.as_deref().unwrap_or("")),
            )),
        ]
    } else {
        vec![
            Span::styled("chain: ", fg(app.colors, Color::DarkGray)),
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
        spans.push(Span::styled(
            format!("  {}", shown(name)),
            fg(app.colors, Color::DarkGray),
        ));
    }
    if let Some(region) = &p.region {
        spans.push(Span::styled(
            format!("  {}", shown(region)),
            fg(app.colors, Color::DarkGray),
        ));
    }
    if let Some(d) = p.diagnostics.first() {
        let more = if p.diagnostics.len() > 1 {
            format!(" (+{} more)", p.diagnostics.len() - 1)
        } else {
            String::new()
        };
        spans.push(Span::styled(
            format!("  ⚠ {}{more}", shown(&d.to_string())),
            fg(app.colors, Color::Red),
        ));
    }
    Paragraph::new(Line::from(spans))
}

fn draw_sessions(app: &App, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Sessions;
    let title = Line::from(format!(" Sessions {} ", app.sessions.len()));
    let block = panel(app, title, focused);
    if app.sessions.is_empty() && app.sign_ins.is_empty() {
        let text = Paragraph::new(Span::styled(
            "no active session: Enter on a profile assumes it",
            fg(app.colors, Color::DarkGray),
        ))
        .wrap(Wrap { trim: true })
        .block(block);
        frame.render_widget(text, area);
        return;
    }
    // IAM Identity Center sign-ins come after the sessions, with their own time left
    // (not selectable: the keys act on sessions).
    let sign_ins = app.sign_ins.iter().map(|s| {
        let left = Some((s.expires_at - app.now).num_seconds());
        Row::new(vec![
            Cell::from(shown(&s.session)).style(fg(app.colors, Color::Blue)),
            Cell::from(countdown(left)).style(fg(app.colors, countdown_color(left))),
            Cell::from("SSO sign-in").style(fg(app.colors, Color::DarkGray)),
        ])
    });
    let rows = app.sessions.iter().map(|l| {
        let s = &l.session;
        let left = s.seconds_left(app.now);
        let mut name = session_name(s);
        if l.stale {
            // Its profile changed since: it is never reused, only shown until it expires.
            name.push_str(" (stale)");
        }
        let name_style = if l.stale {
            fg(app.colors, Color::DarkGray).add_modifier(Modifier::CROSSED_OUT)
        } else {
            Style::default()
        };
        Row::new(vec![
            Cell::from(name).style(name_style),
            Cell::from(countdown(left)).style(fg(app.colors, countdown_color(left))),
            Cell::from(shown(&s.source)).style(fg(app.colors, Color::DarkGray)),
        ])
    });
    let table = Table::new(
        rows.chain(sign_ins),
        [
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(["PROFILE", "LEFT", "SOURCE"])
            .style(Style::default().add_modifier(Modifier::BOLD)),
    )
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .highlight_symbol(if focused { "▶ " } else { "  " });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The selected session's whole source under the table, where the column cuts it: as
    // many rows as it needs, leaving the table its header and two rows.
    let detail_rows = source_rows(app, inner.width).min(inner.height.saturating_sub(3));
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_rows)]).areas(inner);
    let mut state = TableState::default().with_selected(Some(app.session_selected));
    frame.render_stateful_widget(table, table_area, &mut state);
    if let Some(selected) = app.selected_session().filter(|_| detail_rows > 0) {
        let detail = Paragraph::new(Line::from(vec![
            Span::styled(LABEL, fg(app.colors, Color::DarkGray)),
            Span::raw(session_detail(app, selected)),
        ]))
        .wrap(Wrap { trim: true });
        frame.render_widget(detail, detail_area);
    }
}

/// A session's row name: its profile, and what kind of source session it is.
fn session_name(s: &crate::session::Session) -> String {
    match s.kind {
        SessionKind::Profile => shown(&s.profile).into_owned(),
        // A stored key's session without MFA.
        SessionKind::MfaSession if s.mfa_serial.is_none() => {
            format!("{} (keyring)", shown(&s.profile))
        }
        SessionKind::MfaSession => format!("{} (mfa)", shown(&s.profile)),
    }
}

/// Label of the selected session's source under the sessions table.
const LABEL: &str = "source: ";

/// What the detail line says of `session`: its whole source, and what the credential
/// endpoint of its last served subshell did (as [`shown`]).
fn session_detail(app: &App, session: &crate::session::Session) -> String {
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

/// Rows the selected session's detail needs at `width` columns (wrapping at word
/// boundaries can take a row more than the plain division).
fn source_rows(app: &App, width: u16) -> u16 {
    app.selected_session().map_or(0, |s| {
        let chars = (LABEL.len() + session_detail(app, s).chars().count()) as u16;
        chars.div_ceil(width.max(1)) + 1
    })
}

fn draw_status(app: &App, frame: &mut Frame, area: Rect) {
    let hints = match (app.focus, app.filter_focus) {
        _ if app.in_flight.is_some() => "Esc cancel",
        // An open window says its own keys at its bottom edge; the panels' would mislead.
        _ if app.modal.is_some() => "",
        (Focus::Profiles, true) => "type to filter · Enter assume · Esc clear · Tab sessions",
        (Focus::Profiles, false) => "/ filter · Enter assume · Tab sessions · ? help · q quit",
        (Focus::Sessions, _) => {
            // `?` tells S (a shell with the keys) from s (one on the credential endpoint).
            "s/S shell · e .env · x export · c console · r refresh · d forget · ? help · q quit"
        }
    };
    let left = if let Some(f) = &app.in_flight {
        Span::styled(
            format!(
                "{} assuming {}…",
                SPINNER[f.frame % SPINNER.len()],
                shown(&f.profile)
            ),
            fg(app.colors, Color::Cyan),
        )
    } else if let Some(s) = &app.status {
        let style = match s.level {
            StatusLevel::Info => Style::default(),
            StatusLevel::Error => fg(app.colors, Color::Red).add_modifier(Modifier::BOLD),
        };
        Span::styled(shown(&s.text), style)
    } else if let Some(unread) = &app.unread_files {
        Span::styled(shown(unread), fg(app.colors, Color::Red))
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
    };
    // The status wins: the hints show only where they fit beside it in full (`?` lists
    // every key anyway).
    let hints_len = hints.chars().count() as u16 + 1;
    let left_len = left.content.chars().count() as u16;
    let hint_width = if left_len + 1 + hints_len <= area.width {
        hints_len
    } else {
        0
    };
    let [l, r] =
        Layout::horizontal([Constraint::Min(1), Constraint::Length(hint_width)]).areas(area);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(
        Paragraph::new(Span::styled(hints, fg(app.colors, Color::DarkGray)))
            .alignment(ratatui::layout::Alignment::Right),
        r,
    );
}

#[cfg(test)]
mod tests;
