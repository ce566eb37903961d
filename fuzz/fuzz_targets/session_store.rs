//! `sessions.json` as rolecall reads it (`rolecall::session::parse`): never a panic; an
//! error never repeats a piece of the file's strings (they hold keys and tokens); what
//! parses is written back and reads the same, and each session can be handed on
//! (`rolecall_fuzz::assert_exportable`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall_fuzz::{assert_exportable, assert_not_quoted};

/// The fixed words of `session::parse`'s messages.
const VOCABULARY: &[&str] = &[
    "format version ",
    " is not the supported ",
    "invalid ",
    " at line ",
    " column ",
    "syntax",
    "data",
    "eof",
    "io",
];

fuzz_target!(|data: &[u8]| {
    match rolecall::session::parse(data) {
        Ok(sessions) => {
            let again = serde_json::to_vec(&serde_json::json!({
                "version": rolecall::session::FORMAT_VERSION,
                "sessions": sessions,
            }))
            .expect("sessions serialise");
            assert_eq!(
                rolecall::session::parse(&again).expect("what was read reads again"),
                sessions
            );
            for session in &sessions {
                assert_exportable(&session.credentials);
            }
        }
        Err(message) => assert_not_quoted(data, &message, VOCABULARY),
    }
});
