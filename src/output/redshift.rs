//! The Redshift `COPY`/`UNLOAD` credentials string.

use crate::credentials::Credentials;

/// `aws_access_key_id=…;aws_secret_access_key=…` and `;token=…` for temporary
/// credentials: the value of Redshift's `CREDENTIALS '…'` clause. The format has no
/// escaping; AWS-issued keys and tokens never contain `;` or `'`.
pub(super) fn redshift(creds: &Credentials) -> String {
    let mut out = format!(
        "aws_access_key_id={};aws_secret_access_key={}",
        creds.access_key_id,
        creds.secret_access_key.expose()
    );
    if let Some(token) = &creds.session_token {
        out.push_str(";token=");
        out.push_str(token.expose());
    }
    out.push('\n');
    out
}
