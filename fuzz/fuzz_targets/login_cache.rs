//! The AWS CLI's login cache (`rolecall::login::cache::parse`), a file anyone who can write
//! `~/.aws/login/cache` controls: never a panic; an error never repeats a piece of the
//! file's strings (they hold keys, the refresh token and the DPoP key); what parses is
//! written back (as a refresh writes it) and reads the same, and its credentials can be
//! handed on (`rolecall_fuzz::assert_exportable`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolecall::login::cache::parse;
use rolecall_fuzz::{assert_exportable, assert_not_quoted};

/// The fixed words of `parse`'s messages.
const VOCABULARY: &[&str] = &[
    "missing field `",
    "` at line ",
    " column ",
    "not the AWS CLI's login cache JSON (line ",
    ", column ",
    ")",
    "accessToken.expiresAt is not an RFC 3339 time",
    "accessToken.accessKeyId is empty",
    "clientId is empty",
    "accessToken",
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "accountId",
    "expiresAt",
    "refreshToken",
    "clientId",
    "dpopKey",
];

fuzz_target!(|data: &[u8]| {
    let token = match parse(data) {
        Ok(token) => token,
        Err(message) => return assert_not_quoted(data, &message, VOCABULARY),
    };
    let again = parse(&token.to_json())
        .unwrap_or_else(|e| panic!("a file written from what was read does not parse: {e}"));
    assert_eq!(again.credentials(), token.credentials());
    assert_eq!(again.account_id(), token.account_id());
    assert_eq!(again.client_id(), token.client_id());
    assert_eq!(again.refresh_token(), token.refresh_token());
    assert_eq!(again.dpop_key(), token.dpop_key());
    assert_eq!(again.sign_in_region(), token.sign_in_region());
    assert_exportable(&token.credentials());
});
