//! `rolecall export PROFILE --format F`: a session in the form people paste.

use crate::output::{render, Format};
use crate::session::Session;

/// The text `export` prints for `session`.
pub fn export_text(session: &Session, format: Format) -> String {
    let env = session.env();
    render(format, &session.credentials, &env)
}
