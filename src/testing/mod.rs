//! Helpers for the unit tests of several modules.

/// An environment made of `pairs`, for code that reads variables through a lookup function
/// rather than the process's environment.
pub fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// `pairs` as the owned name/value list a session's environment is.
pub fn env_list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub mod tui;
