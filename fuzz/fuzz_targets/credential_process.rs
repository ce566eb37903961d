//! What a `credential_process` prints (`rolecall::source::process::parse_output`): never a
//! panic; an error never repeats a piece of the output's strings (they hold keys); what
//! parses is rendered back in rolecall's own `credential-process` format and reads the same
//! (the expiration to the second, the precision that format prints).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::source::process::parse_output;
use rolecall_fuzz::{assert_exportable, assert_not_quoted};

/// The fixed words of `parse_output`'s messages.
const VOCABULARY: &[&str] = &[
    "its output is not JSON (line ",
    " column ",
    ")",
    "its output is not a JSON object",
    "its output's AccessKeyId is not a string",
    "its output's SecretAccessKey is not a string",
    "its output's SessionToken is not a string",
    "its output's Expiration is not a string",
    "its output's Version is not 1",
    "its output has no Version (expected 1)",
    "its output has no AccessKeyId",
    "its output has no SecretAccessKey",
    "its output's Expiration is not an RFC 3339 time",
];

fuzz_target!(|data: &[u8]| {
    let credentials = match parse_output(data) {
        Ok(credentials) => credentials,
        Err(message) => return assert_not_quoted(data, &message, VOCABULARY),
    };
    assert!(!credentials.access_key_id.is_empty());
    assert!(!credentials.secret_access_key.expose().is_empty());
    assert_exportable(&credentials);
});
