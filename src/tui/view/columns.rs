//! The profile table's columns: each as wide as what the rows on screen hold, and when
//! the table is too narrow for all of them, the less important ones go first, so a name
//! is never cut to one character while an account number keeps its twelve.

use super::kind_label;
use crate::profile::Profile;
use crate::tui::app::App;
use crate::tui::paint::{countdown, shown, width_of};

/// A column of the profile table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
    Name,
    Kind,
    Account,
    Role,
    Region,
    Mfa,
    Left,
}

impl Column {
    pub(super) fn header(self) -> &'static str {
        match self {
            Column::Name => "NAME",
            Column::Kind => "KIND",
            Column::Account => "ACCOUNT",
            Column::Role => "ROLE",
            Column::Region => "REGION",
            Column::Mfa => "MFA",
            Column::Left => "LEFT",
        }
    }
}

/// The columns a narrow table drops, first to last; NAME and LEFT always stay.
const DROPPED_FIRST: [Column; 5] = [
    Column::Region,
    Column::Account,
    Column::Kind,
    Column::Mfa,
    Column::Role,
];

/// The region a row shows: its own, or `(instance)` when the instance decides.
pub(super) fn region_of<'a>(app: &App, p: &'a Profile) -> Option<&'a str> {
    p.region
        .as_deref()
        .or_else(|| app.graph().region_from_instance(p).then_some("(instance)"))
}

/// The width each column's content needs over `rows` (at least its header's).
fn natural(app: &App, column: Column, rows: &[&Profile]) -> u16 {
    let cell = |p: &Profile| -> usize {
        match column {
            Column::Name => width_of(&shown(&p.name)),
            Column::Kind => kind_label(p).len(),
            Column::Account => width_of(&shown(p.account().unwrap_or("-"))),
            Column::Role => width_of(&shown(p.role_name().unwrap_or("-"))),
            Column::Region => width_of(&shown(region_of(app, p).unwrap_or("-"))),
            Column::Mfa => 3,
            Column::Left => app
                .session_of(&p.name)
                .map_or(0, |s| countdown(s.seconds_left(app.now)).len()),
        }
    };
    let widest = rows.iter().map(|p| cell(p)).max().unwrap_or(0);
    widest.max(column.header().len()).min(usize::from(u16::MAX)) as u16
}

/// The columns that fit in `width` (the table's, highlight symbol excluded) and their
/// widths: every column at its natural width, dropping [`DROPPED_FIRST`] in order while
/// they do not fit; the room left over goes to NAME and ROLE, and when even NAME and LEFT
/// do not fit, NAME takes what there is.
pub(super) fn fit_columns(
    app: &App,
    rows: &[&Profile],
    width: u16,
    show_region: bool,
) -> Vec<(Column, u16)> {
    let mut columns: Vec<(Column, u16)> = [
        Column::Name,
        Column::Kind,
        Column::Account,
        Column::Role,
        Column::Region,
        Column::Mfa,
        Column::Left,
    ]
    .into_iter()
    .filter(|&c| show_region || c != Column::Region)
    .map(|c| (c, natural(app, c, rows)))
    .collect();
    let total = |cols: &[(Column, u16)]| -> u16 {
        cols.iter().map(|c| c.1).sum::<u16>() + cols.len().saturating_sub(1) as u16
    };
    for drop in DROPPED_FIRST {
        if total(&columns) <= width {
            break;
        }
        columns.retain(|c| c.0 != drop);
    }
    let used = total(&columns);
    let name = columns[0].1;
    if used > width {
        columns[0].1 = name.saturating_sub(used - width);
    } else {
        let extra = width - used;
        match columns.iter_mut().find(|c| c.0 == Column::Role) {
            Some(role) => {
                role.1 += extra / 3;
                columns[0].1 = name + extra - extra / 3;
            }
            None => columns[0].1 = name + extra,
        }
    }
    columns
}

#[cfg(test)]
mod tests;
