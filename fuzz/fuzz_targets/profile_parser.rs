//! Differential: rolecall's profile-file parser against aws-config's on arbitrary text.
//!
//! The input is the config file, a NUL byte, then the credentials file (no NUL: the whole
//! input is the config file). Invalid UTF-8 becomes U+FFFD on both sides alike, as a lossy
//! read would. The comparison is `tests/profile_oracle`, the one `tests/parser_oracle.rs`
//! runs: profiles, sso-sessions, keys, values and rejected lines (line and message), and
//! parsing in parts against parsing whole. Any difference panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/profile_oracle/mod.rs"]
#[allow(dead_code)]
mod profile_oracle;

fuzz_target!(|data: &[u8]| {
    let (config, credentials) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let config = String::from_utf8_lossy(config);
    let credentials = String::from_utf8_lossy(credentials);
    profile_oracle::compare("fuzz input", &config, &credentials);
});
