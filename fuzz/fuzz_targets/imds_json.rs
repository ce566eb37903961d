//! The credentials document IMDS serves for a role (`rolecall::source::imds::parse_credentials`):
//! never a panic; an error never repeats a piece of the body's strings (they hold keys);
//! what parses is written back as such a document and reads the same, and can be handed on
//! (`rolecall_fuzz::assert_exportable`).
//!
//! The container endpoint's JSON is read by aws-config's ECS provider, not by rolecall.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::source::imds::parse_credentials;
use rolecall_fuzz::{assert_exportable, assert_not_quoted};

/// The fixed words of `parse_credentials`'s messages.
const VOCABULARY: &[&str] = &[
    "not the expected JSON (",
    " error at line ",
    " column ",
    ")",
    "Syntax",
    "Data",
    "Eof",
    "Io",
];

fuzz_target!(|data: &[u8]| {
    let credentials = match parse_credentials(data) {
        Ok(credentials) => credentials,
        Err(message) => return assert_not_quoted(data, &message, VOCABULARY),
    };
    let document = serde_json::json!({
        "Code": "Success",
        "Type": "AWS-HMAC",
        "AccessKeyId": credentials.access_key_id,
        "SecretAccessKey": credentials.secret_access_key.expose(),
        "Token": credentials.session_token.as_ref().map(|t| t.expose()),
        "Expiration": credentials.expiration,
    });
    let again = parse_credentials(document.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("a document written from what was read does not parse: {e}"));
    assert_eq!(again, credentials);
    assert_exportable(&credentials);
});
