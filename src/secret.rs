//! A string that must never be printed: credentials' secret parts.
//!
//! `Secret` exists so a secret cannot leak through `Debug`, `Display`, a log line
//! or a panic message by accident: the only way to read it is [`Secret::expose`],
//! which is easy to grep for. The memory is zeroised when the value is dropped.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroize;

/// A secret string; see the module documentation.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call this only where the value leaves the process on purpose
    /// (an environment variable, an export line, a 0600 file).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form shown to people: `****` and the last four characters.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any identifier the way the AWS CLI's `configure list` does: `****WXYZ`.
pub fn mask(value: &str) -> String {
    let tail: String = {
        let chars: Vec<char> = value.chars().collect();
        if chars.len() <= 8 {
            String::new()
        } else {
            chars[chars.len() - 4..].iter().collect()
        }
    };
    format!("****{tail}")
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests;
