//! The cached sessions of a stored key that changed: every `keys` command that replaces
//! or removes a profile's key (`add`, `rm`, `import`, `rotate`) forgets them, since a
//! keyring profile's session is cached under the profile's name, not the key's.

use crate::context::Context;
use crate::term_text::visible;

/// The cached sessions made from the old key (the bridge's and `export`'s session of the
/// profile) go with it: the next one is made from the new key. For every command that
/// changes a stored key (`add`, `rm`, `import`, `rotate`). A store that cannot be written
/// is said, and costs nothing worse than a session that fails until it expires.
pub fn forget_sessions_of_old_key(context: &Context, profile: &str) {
    match context.store().remove(Some(profile)) {
        Ok(0) => {}
        Ok(n) => crate::term_eprintln!(
            "rolecall: forgot {} of the old key",
            crate::term_text::count(n, "cached session", "cached sessions")
        ),
        Err(e) => crate::term_eprintln!(
            "rolecall: the cached sessions of '{}' could not be forgotten: {e}",
            visible(profile)
        ),
    }
}
