//! The AWS CLI's login cache: one JSON file per `login_session`, named by the SHA-256 of
//! the session's ARN, in the CLI's own format (botocore's `LoginCredentialFetcher`):
//!
//! ```json
//! {"accessToken": {"accessKeyId": "…", "secretAccessKey": "…", "sessionToken": "…",
//!                  "accountId": "111122223333", "expiresAt": "2026-01-01T00:15:00Z"},
//!  "tokenType": "aws_sigv4", "refreshToken": "…", "idToken": "…",
//!  "clientId": "arn:aws:signin:::devtools/same-device",
//!  "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n…", "signInRegion": "eu-west-1"}
//! ```
//!
//! A refresh replaces `accessToken` and `refreshToken` and keeps every other field as it
//! was (botocore updates the same dictionary), fields rolecall does not know included.

use super::LoginError;
use crate::credentials::{parse_expiration, Credentials};
use crate::fsutil;
use crate::profile::parse::is_region_name;
use crate::secret::Secret;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The file name's stem for `session`: the hex SHA-256 of the ARN (botocore's
/// `generate_login_cache_key`; aws-config trims the ARN first, and so does rolecall: the
/// profile parser has already trimmed it).
pub fn cache_key(session: &str) -> String {
    hex::encode(Sha256::digest(session.trim().as_bytes()))
}

/// The cache directory: `~/.aws/login/cache`, or `AWS_LOGIN_CACHE_DIRECTORY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginCache {
    dir: PathBuf,
}

/// `accessToken` as the CLI writes it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessTokenFile {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Secret,
    account_id: String,
    expires_at: String,
    #[serde(flatten)]
    other: Map<String, Value>,
}

/// One login cache file; see the module documentation. `Debug` shows no field of it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginFile {
    access_token: AccessTokenFile,
    refresh_token: Secret,
    client_id: String,
    dpop_key: Secret,
    /// `tokenType`, `idToken`, `signInRegion` and whatever a later CLI adds, kept as read.
    #[serde(flatten)]
    other: Map<String, Value>,
}

/// A login session as the cache holds it. `Debug` shows only the account and expiry.
#[derive(Clone)]
pub struct LoginToken {
    file: LoginFile,
    expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for LoginToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginToken")
            .field("account_id", &self.file.access_token.account_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl LoginToken {
    /// When the credentials expire.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The credentials the token holds.
    pub fn credentials(&self) -> Credentials {
        let access = &self.file.access_token;
        Credentials {
            access_key_id: access.access_key_id.clone(),
            secret_access_key: access.secret_access_key.clone(),
            session_token: Some(access.session_token.clone()),
            expiration: Some(self.expires_at),
        }
    }

    /// The account the session belongs to.
    pub fn account_id(&self) -> &str {
        &self.file.access_token.account_id
    }

    /// Where the person signed in (`signInRegion`, written by newer CLIs): botocore calls
    /// the sign-in service there, whatever the profile's region.
    pub fn sign_in_region(&self) -> Option<&str> {
        self.file
            .other
            .get("signInRegion")
            .and_then(Value::as_str)
            .filter(|r| is_region_name(r))
    }

    /// The OAuth client the session was signed in with.
    pub fn client_id(&self) -> &str {
        &self.file.client_id
    }

    /// The refresh token (a secret).
    pub fn refresh_token(&self) -> &Secret {
        &self.file.refresh_token
    }

    /// The DPoP private key, PEM.
    pub fn dpop_key(&self) -> &Secret {
        &self.file.dpop_key
    }

    /// This token after a refresh: new credentials (expiring at `expires_at`) and a new
    /// refresh token; the account, client, key and every other field unchanged.
    pub fn refreshed(
        &self,
        credentials: &Credentials,
        refresh_token: Secret,
        expires_at: DateTime<Utc>,
    ) -> LoginToken {
        let mut file = self.file.clone();
        file.access_token.access_key_id = credentials.access_key_id.clone();
        file.access_token.secret_access_key = credentials.secret_access_key.clone();
        if let Some(token) = &credentials.session_token {
            file.access_token.session_token = token.clone();
        }
        file.access_token.expires_at = expires_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        file.refresh_token = refresh_token;
        LoginToken { file, expires_at }
    }

    /// A new sign-in's token, as `aws login` files it: the credentials (for `account_id`),
    /// the answer's `tokenType`, refresh and identity tokens, the client, the new DPoP key,
    /// and the region signed in to (`signInRegion`, which botocore refreshes in).
    pub fn signed_in(answer: SignedInAnswer, dpop_key: Secret, sign_in_region: &str) -> LoginToken {
        let expires_at = answer.credentials.expiration.unwrap_or_else(Utc::now);
        let mut other = Map::new();
        other.insert("tokenType".into(), Value::String(answer.token_type));
        other.insert("idToken".into(), Value::String(answer.id_token));
        other.insert("signInRegion".into(), Value::String(sign_in_region.into()));
        let file = LoginFile {
            access_token: AccessTokenFile {
                access_key_id: answer.credentials.access_key_id.clone(),
                secret_access_key: answer.credentials.secret_access_key.clone(),
                session_token: answer
                    .credentials
                    .session_token
                    .clone()
                    .unwrap_or_else(|| Secret::new("")),
                account_id: answer.account_id,
                expires_at: expires_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                other: Map::new(),
            },
            refresh_token: answer.refresh_token,
            client_id: answer.client_id,
            dpop_key,
            other,
        };
        LoginToken { file, expires_at }
    }

    /// The file's JSON, zeroised when dropped.
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        // Serialising strings and JSON values cannot fail.
        Zeroizing::new(serde_json::to_vec(&self.file).expect("login cache JSON"))
    }
}

/// What the token endpoint answered a sign-in, with the account its `idToken` names.
pub struct SignedInAnswer {
    pub credentials: Credentials,
    pub account_id: String,
    pub token_type: String,
    pub refresh_token: Secret,
    pub id_token: String,
    pub client_id: String,
}

/// The cache file as read: its bytes (to tell whether someone rewrote it meanwhile) and
/// the token in them.
pub struct CacheRead {
    bytes: Zeroizing<Vec<u8>>,
    pub token: LoginToken,
}

impl CacheRead {
    /// Whether both reads found the same bytes.
    pub fn same_bytes(&self, other: &CacheRead) -> bool {
        self.bytes[..] == other.bytes[..]
    }
}

impl LoginCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LoginCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `session`: `<dir>/<sha256>.json`.
    pub fn path(&self, session: &str) -> PathBuf {
        self.dir.join(format!("{}.json", cache_key(session)))
    }

    /// Reads the token of `session` (the `login_session` of `profile`, for messages).
    pub fn read(&self, profile: &str, session: &str) -> Result<CacheRead, LoginError> {
        self.absolute()?;
        let path = self.path(session);
        let bytes = match fsutil::read_no_follow(&path) {
            Ok(Some(bytes)) => Zeroizing::new(bytes),
            Ok(None) => {
                return Err(LoginError::NotSignedIn {
                    session: session.to_string(),
                    profile: profile.to_string(),
                    path: path.display().to_string(),
                })
            }
            Err(e) => return Err(LoginError::io("read", &path, &e)),
        };
        let token = parse(&bytes).map_err(|problem| LoginError::Unusable {
            path: path.display().to_string(),
            profile: profile.to_string(),
            problem,
        })?;
        Ok(CacheRead { bytes, token })
    }

    /// Writes `refreshed` over the file `read` came from: atomically, 0600, under the
    /// directory's lock, never through a symbolic link. When the file changed since it was
    /// read (the AWS CLI refreshed it meanwhile), it is left as it is: its refresh token is
    /// as new as ours, and the credentials in hand work either way.
    pub fn write_back(
        &self,
        session: &str,
        read: &CacheRead,
        refreshed: &LoginToken,
    ) -> Result<(), LoginError> {
        self.absolute()?;
        let path = self.path(session);
        let rewrite =
            fsutil::Rewrite::begin(&path).map_err(|e| LoginError::io("lock", &path, &e))?;
        if rewrite.current() != Some(&read.bytes[..]) {
            return Ok(());
        }
        rewrite
            .commit(&refreshed.to_json(), fsutil::Mode::Private)
            .map_err(|e| LoginError::io("write", &path, &e))
    }

    /// Writes `token` for `session` as a new sign-in does (0600, atomic), creating the
    /// directory when it is missing.
    pub fn write(&self, session: &str, token: &LoginToken) -> Result<(), LoginError> {
        self.absolute()?;
        create_dir_if_missing(&self.dir).map_err(|e| LoginError::io("create", &self.dir, &e))?;
        let path = self.path(session);
        fsutil::write_private_atomic(&path, &token.to_json())
            .map_err(|e| LoginError::io("write", &path, &e))
    }
}

impl LoginCache {
    /// Refuses a relative directory: with `HOME` unset and no home directory in the user
    /// database, the cache would be wherever rolecall was started (a cloned repository's
    /// `.aws/login/cache`, say).
    fn absolute(&self) -> Result<(), LoginError> {
        if self.dir.is_absolute() {
            return Ok(());
        }
        Err(LoginError::Io {
            action: "use",
            path: self.dir.display().to_string(),
            detail: "it is not an absolute path (HOME is unset and the user database names no home directory, or AWS_LOGIN_CACHE_DIRECTORY is relative); set HOME, or AWS_LOGIN_CACHE_DIRECTORY to an absolute path".into(),
        })
    }
}

/// Creates `dir` 0700 when it is missing; an existing one is left as it is. The user may
/// have named any directory in AWS_LOGIN_CACHE_DIRECTORY (their home, even): its mode is
/// theirs, and the files rolecall writes in it are 0600 and never follow a link.
fn create_dir_if_missing(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it exists and is not a directory; move it away or choose another directory",
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// The token in `bytes`, or what is wrong with them: a missing or mistyped field by name,
/// a syntax error by position, never a value (the file holds secrets).
pub fn parse(bytes: &[u8]) -> Result<LoginToken, String> {
    let file: LoginFile = serde_json::from_slice(bytes).map_err(|e| describe(&e))?;
    let expires_at = parse_expiration(&file.access_token.expires_at)
        .ok_or_else(|| "accessToken.expiresAt is not an RFC 3339 time".to_string())?;
    for (name, value) in [
        ("accessToken.accessKeyId", &file.access_token.access_key_id),
        ("clientId", &file.client_id),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{name} is empty"));
        }
    }
    Ok(LoginToken { file, expires_at })
}

/// serde's complaint without the value it quotes for a mistyped field.
fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if text.starts_with("missing field") {
        // `missing field `dpopKey` at line 1 column 80`: names the field only.
        return text;
    }
    format!(
        "not the AWS CLI's login cache JSON (line {}, column {})",
        e.line(),
        e.column()
    )
}

#[cfg(test)]
mod tests;
