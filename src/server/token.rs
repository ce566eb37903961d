//! The endpoint's bearer token: 256 random bits from the operating system, compared in
//! constant time.
//!
//! The token is the only thing that keeps another local process (any user can connect to
//! a loopback port) from reading the session, so it is drawn fresh for every endpoint,
//! never printed, and checked without an early exit that would leak, through timing, how
//! many leading bytes a guess got right.

use crate::secret::Secret;
use subtle::ConstantTimeEq;

/// Random bytes in a token: 256 bits, well above the 128 the protocol's users expect.
const TOKEN_BYTES: usize = 32;

/// The token a request's `Authorization` header must equal.
#[derive(Debug)]
pub(crate) struct AuthToken(Secret);

impl AuthToken {
    /// A new token: 32 bytes from the OS's random source, as 64 hex characters (a valid
    /// header value, and safe in any environment variable).
    pub(crate) fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = zeroize::Zeroizing::new([0u8; TOKEN_BYTES]);
        getrandom::getrandom(bytes.as_mut())?;
        Ok(AuthToken(Secret::new(hex::encode(bytes.as_ref()))))
    }

    /// Whether `presented` (the raw header value) is this token.
    pub(crate) fn matches(&self, presented: &[u8]) -> bool {
        constant_time_eq(self.0.expose().as_bytes(), presented)
    }

    pub(crate) fn secret(&self) -> &Secret {
        &self.0
    }
}

/// Compares two byte strings in time that depends on their lengths only, never on where
/// they first differ (`subtle`'s slice comparison folds every byte pair into the result
/// before looking at it). The length is not secret: every token is 64 characters.
pub fn constant_time_eq(expected: &[u8], presented: &[u8]) -> bool {
    expected.ct_eq(presented).into()
}
