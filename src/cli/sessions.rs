//! `rolecall sessions`: the active sessions and their time left.

use crate::session::{Session, SessionKind};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Time left as people read it: `59m12s`, `1h02m`, `expired`, or `no expiry`.
pub fn time_left(seconds: Option<i64>) -> String {
    match seconds {
        None => "no expiry".into(),
        Some(s) if s <= 0 => "expired".into(),
        Some(s) if s >= 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        Some(s) => format!("{}m{:02}s", s / 60, s % 60),
    }
}

/// The `sessions --format json` object of one session (no secret in it).
pub fn session_json(s: &Session, now: DateTime<Utc>) -> Value {
    json!({
        "profile": s.profile,
        "expiration": s.expiration().map(|e| e.to_rfc3339_opts(SecondsFormat::Secs, true)),
        "seconds_left": s.seconds_left(now).map(|x| x.max(0)),
        "source": s.source,
    })
}

/// The table `sessions` prints.
pub fn sessions_table(sessions: &[Session], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 4]> = sessions
        .iter()
        .map(|s| {
            let kind = match s.kind {
                SessionKind::Profile => "profile",
                SessionKind::MfaSource => "mfa-source",
            };
            [
                s.profile.clone(),
                kind.into(),
                time_left(s.seconds_left(now)),
                s.source.clone(),
            ]
        })
        .collect();
    let headers = ["PROFILE", "KIND", "LEFT", "SOURCE"];
    let mut widths = headers.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut push = |cells: [&str; 4]| {
        for (i, c) in cells.iter().enumerate() {
            if i == 3 {
                out.push_str(c);
                out.push('\n');
            } else {
                out.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
    };
    push(headers);
    for r in &rows {
        push([&r[0], &r[1], &r[2], &r[3]]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_well() {
        assert_eq!(time_left(None), "no expiry");
        assert_eq!(time_left(Some(0)), "expired");
        assert_eq!(time_left(Some(-5)), "expired");
        assert_eq!(time_left(Some(59)), "0m59s");
        assert_eq!(time_left(Some(3599)), "59m59s");
        assert_eq!(time_left(Some(3720)), "1h02m");
    }
}
