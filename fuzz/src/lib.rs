//! What the fuzz targets check beyond "no panic": that an error never quotes the input
//! it failed on. The files and bodies these parsers read hold secrets (keys, tokens), so
//! a message that echoes a piece of a JSON string is a leak waiting for a real secret.

use rolecall::credentials::Credentials;
use rolecall::output::{render, Format};
use rolecall::source::process::parse_output;
use std::collections::HashSet;

/// A quoted piece shorter than this is not counted: short runs ("line", digits) occur
/// in every message by chance.
pub const QUOTE_WINDOW: usize = 8;

/// The contents of every JSON string literal in `input`, read lexically (so invalid JSON
/// counts too, and an unterminated string runs to the end): raw bytes, escapes as written.
pub fn string_literals(input: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < input.len() && input[end] != b'"' {
            end += if input[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(input.len());
        out.push(&input[start..end]);
        i = end + 1;
    }
    out
}

/// A piece of one of `input`'s JSON strings, at least [`QUOTE_WINDOW`] bytes long, that
/// `message` repeats; `None` when it repeats none.
///
/// `vocabulary` is the fixed text of the messages the parser can produce (wording, field
/// names), and numbers are its positions and counts: both are cut out of the message
/// first, so only what is left could have come from the input. (The check must not
/// compare the whole message with the input: libFuzzer learns the bytes a harness
/// compares, and would soon write the message's own words into a string.)
pub fn quoted_piece<'a>(input: &'a [u8], message: &str, vocabulary: &[&str]) -> Option<&'a [u8]> {
    let mut phrases = vocabulary.to_vec();
    phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
    // What is left of the message, in pieces: a quote lies within one.
    let mut pieces = vec![message];
    for phrase in phrases {
        pieces = pieces.iter().flat_map(|p| p.split(phrase)).collect();
    }
    let said: HashSet<&[u8]> = pieces
        .iter()
        .flat_map(|p| p.split(|c: char| c.is_ascii_digit()))
        .flat_map(|p| p.as_bytes().windows(QUOTE_WINDOW))
        .collect();
    string_literals(input)
        .into_iter()
        .flat_map(|s| s.windows(QUOTE_WINDOW))
        .find(|w| said.contains(w))
}

/// Panics when `message` quotes a piece of one of `input`'s JSON strings.
pub fn assert_not_quoted(input: &[u8], message: &str, vocabulary: &[&str]) {
    if let Some(piece) = quoted_piece(input, message, vocabulary) {
        panic!(
            "the error quotes the input ({:?}): {message}",
            String::from_utf8_lossy(piece)
        );
    }
}

/// Panics unless credentials rolecall accepted can be handed on: the expiration its `json`
/// format prints (as `AWS_CREDENTIAL_EXPIRATION` and `credential-process` do) is RFC 3339,
/// which the SDKs and the AWS CLI parse, and its `credential-process` output reads back as
/// the same credentials (the expiration to the second, the precision those formats print).
/// Keys are checked only when both are there: a session file may hold anything, and
/// `parse_output` rightly refuses empty keys.
pub fn assert_exportable(credentials: &Credentials) {
    let seconds = credentials
        .expiration
        .map(|t| t - chrono::TimeDelta::nanoseconds(i64::from(t.timestamp_subsec_nanos())));
    let json: serde_json::Value = serde_json::from_str(
        &render(Format::Json, credentials, &[]).expect("the json format refuses nothing"),
    )
    .expect("rolecall's json format is JSON");
    if let Some(printed) = json["Expiration"].as_str() {
        let parsed = chrono::DateTime::parse_from_rfc3339(printed)
            .unwrap_or_else(|e| panic!("the printed expiration {printed} is not RFC 3339: {e}"));
        assert_eq!(Some(parsed.to_utc()), seconds, "{printed}");
    }
    if credentials.access_key_id.is_empty() || credentials.secret_access_key.expose().is_empty() {
        return;
    }
    let printed = render(Format::CredentialProcess, credentials, &[])
        .expect("the credential-process format refuses nothing");
    let again = parse_output(printed.as_bytes())
        .unwrap_or_else(|e| panic!("rolecall's own credential-process output does not parse: {e}"));
    let mut expected = credentials.clone();
    expected.expiration = seconds;
    if expected
        .session_token
        .as_ref()
        .is_some_and(|t| t.expose().is_empty())
    {
        expected.session_token = None; // `parse_output` reads an empty token as none
    }
    assert_eq!(again, expected);
}
