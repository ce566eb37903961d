//! Hostile text for the tests that check what reaches a terminal: a payload that would set
//! the window title, write the clipboard (OSC 52), clear the screen (CSI 2J, also as the C1
//! character) and reverse the text, were it passed on raw.

use chrono::{TimeDelta, Utc};
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::session::{Session, SessionKind, SessionStore};
use std::path::Path;

/// A window title (OSC 0), a clipboard write (OSC 52), a screen clear (CSI 2 J), the same
/// through C1's CSI (U+009B), and a right-to-left override.
pub const PAYLOAD: &str = "\x1b]0;pwned-title\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u{9b}2J\u{202e}";

/// Saves a live session named `ghost` + [`PAYLOAD`] (its source ends in the payload too)
/// in the store at `cache`, as a planted or corrupted sessions.json would hold it.
pub fn plant_session(cache: &Path) {
    SessionStore::open(cache)
        .unwrap()
        .save(&Session {
            profile: format!("ghost{PAYLOAD}"),
            kind: SessionKind::Profile,
            credentials: Credentials {
                access_key_id: "ASIAEXAMPLEEXAMPLE01".into(),
                secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                session_token: Some(Secret::new("FwoGZXIvYXdzEXAMPLETOKEN")),
                expiration: Some(Utc::now() + TimeDelta::hours(1)),
            },
            source: format!("assume-role via base{PAYLOAD}"),
            region: None,
            region_from_instance: false,
            obtained: Utc::now(),
            fingerprint: "f".into(),
            mfa_serial: None,
        })
        .unwrap();
}
