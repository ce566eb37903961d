//! Walking an error's `source()` chain: the message at its bottom, and whether an error of
//! some type is in it. The SDK and hyper wrap what happened in layers that say only
//! "dispatch failure" or "io error"; every message about a failed call reads through them.

use std::error::Error;

/// The message at the bottom of an error's `source()` chain: the one that says what
/// actually happened (`Connection refused (os error 111)`), where the layers above it say
/// only "dispatch failure", "io error".
pub fn root_cause(err: &(dyn Error + 'static)) -> String {
    let mut last = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

/// Whether `err` or any error in its chain is an `E`.
pub fn holds<E: Error + 'static>(err: &(dyn Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<E>() {
            return true;
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests;
