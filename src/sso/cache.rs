//! The AWS CLI's SSO token cache (`~/.aws/sso/cache`), read and written in its own format.
//!
//! A token written here by `rolecall sso login` is used by the AWS CLI and every SDK, and a
//! token written by `aws sso login` is used by rolecall: same directory, same file names
//! ([`SsoSessionConfig::cache_key`]), same fields (`startUrl`, `region`, `accessToken`,
//! `expiresAt`, and for `[sso-session]` profiles `refreshToken`, `clientId`, `clientSecret`,
//! `registrationExpiresAt`), timestamps as `2024-01-01T00:00:00Z`. Files are 0600 and
//! replaced atomically. A file that cannot be understood is renamed aside (never deleted)
//! and treated as no sign-in.
//!
//! The client registration the AWS CLI keeps next to the tokens (`clientId`,
//! `clientSecret`, `expiresAt`, `scopes`, under [`SsoSessionConfig::registration_cache_key`])
//! is shared the same way, `grantTypes` included: the key is the same for both flows, and
//! the grants tell an authorization-code registration from a device-code one.

use super::{SignInFlow, SsoError, SsoSessionConfig};
use crate::fsutil;
use crate::secret::Secret;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The SDKs refresh a token this close to its expiry (aws-config's `REFRESH_BUFFER_TIME`).
pub const TOKEN_REFRESH_WINDOW: TimeDelta = TimeDelta::minutes(5);

/// A cached client registration is not reused this close to its expiry (the AWS CLI's window).
pub const REGISTRATION_EXPIRY_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// The grants an authorization-code registration asks for, as the AWS CLI writes them into
/// the registration's `grantTypes` (a device-code registration has none there).
pub const AUTH_CODE_GRANTS: [&str; 2] = ["authorization_code", "refresh_token"];

/// The registration RegisterClient returned: the OAuth client the device sign-in runs as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: Secret,
    pub expires_at: DateTime<Utc>,
}

/// An IAM Identity Center access token, with what refreshing it needs.
///
/// `Debug` masks the token, the refresh token and the client secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsoToken {
    pub start_url: String,
    pub region: String,
    pub access_token: Secret,
    pub expires_at: DateTime<Utc>,
    pub refresh_token: Option<Secret>,
    /// The registration the token was obtained with (kept for `[sso-session]` profiles).
    pub registration: Option<ClientRegistration>,
}

impl SsoToken {
    /// Whether the token no longer works at `now`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at <= now
    }

    /// Whether it expires within [`TOKEN_REFRESH_WINDOW`] of `now` (or already has).
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at - TOKEN_REFRESH_WINDOW <= now
    }

    /// Whether it holds a refresh token and a registration still valid at `now`.
    pub fn can_refresh(&self, now: DateTime<Utc>) -> bool {
        self.refresh_token.is_some()
            && self
                .registration
                .as_ref()
                .is_some_and(|r| r.expires_at > now)
    }

    /// Seconds left at `now` (negative once expired): what a countdown shows.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> i64 {
        (self.expires_at - now).num_seconds()
    }
}

/// What reading one token file found.
#[derive(Debug)]
pub enum TokenRead {
    Found(SsoToken),
    Missing,
    /// The file could not be understood and was renamed to `aside`.
    SetAside {
        path: PathBuf,
        aside: PathBuf,
    },
}

/// The token cache directory; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCache {
    dir: PathBuf,
}

/// The token file as the AWS CLI writes it. Field order follows the CLI's.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenFile {
    start_url: Option<String>,
    region: Option<String>,
    access_token: Option<Secret>,
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<Secret>,
}

/// The client registration file as the AWS CLI writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegistrationFile {
    client_id: String,
    client_secret: Secret,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    /// Written for the authorization code only, as the AWS CLI does: how each flow tells
    /// its own registration from the other's under the shared key.
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_types: Option<Vec<String>>,
}

impl TokenCache {
    /// Where the AWS CLI keeps it: `~/.aws/sso/cache`, the home directory from `HOME` or
    /// else the user database ([`crate::home`]). With neither, a relative path, which the
    /// cache refuses to use.
    pub fn default_dir() -> PathBuf {
        let home = crate::home::home_dir(std::env::var_os("HOME")).unwrap_or_default();
        home.join(".aws").join("sso").join("cache")
    }

    /// Refuses a relative directory: it would be wherever rolecall was started (a cloned
    /// repository's `.aws/sso/cache`, say).
    fn absolute(&self) -> Result<(), SsoError> {
        if self.dir.is_absolute() {
            return Ok(());
        }
        let why = std::io::Error::other(
            "it is not an absolute path (HOME is unset and the user database names no home directory); set HOME",
        );
        Err(SsoError::io("use", &self.dir, &why))
    }

    /// The cache in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        TokenCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The token file of `config`: `<sha1>.json`.
    pub fn token_path(&self, config: &SsoSessionConfig) -> PathBuf {
        self.dir.join(format!("{}.json", config.cache_key()))
    }

    /// The client registration file of `config`.
    pub fn registration_path(&self, config: &SsoSessionConfig) -> PathBuf {
        self.dir
            .join(format!("{}.json", config.registration_cache_key()))
    }

    /// Reads the token of `config`; a corrupt file is renamed aside (see [`TokenRead`]).
    pub fn read(
        &self,
        config: &SsoSessionConfig,
        now: DateTime<Utc>,
    ) -> Result<TokenRead, SsoError> {
        self.absolute()?;
        let path = self.token_path(config);
        let bytes = match fsutil::read_no_follow(&path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(TokenRead::Missing),
            Err(e) => return Err(SsoError::io("read", &path, &e)),
        };
        match parse_token(&bytes, config) {
            Some(token) => Ok(TokenRead::Found(token)),
            None => {
                let aside = set_aside(&path, now)?;
                Ok(TokenRead::SetAside { path, aside })
            }
        }
    }

    /// Writes `token` for `config` (0600, atomic). Legacy profiles get the four fields the
    /// AWS CLI writes for them; `[sso-session]` profiles also the refresh fields.
    pub fn write(&self, config: &SsoSessionConfig, token: &SsoToken) -> Result<(), SsoError> {
        let with_refresh = config.refreshable();
        let registration = token.registration.as_ref().filter(|_| with_refresh);
        let file = TokenFile {
            start_url: Some(token.start_url.clone()),
            region: Some(token.region.clone()),
            access_token: Some(token.access_token.clone()),
            expires_at: Some(format_time(token.expires_at)),
            client_id: registration.map(|r| r.client_id.clone()),
            client_secret: registration.map(|r| r.client_secret.clone()),
            registration_expires_at: registration.map(|r| format_time(r.expires_at)),
            refresh_token: token.refresh_token.clone().filter(|_| with_refresh),
        };
        self.write_json(&self.token_path(config), &file)
    }

    /// Removes the token of `config`; returns whether there was one.
    pub fn remove(&self, config: &SsoSessionConfig) -> Result<bool, SsoError> {
        self.absolute()?;
        remove_if_present(&self.token_path(config))
    }

    /// The cached client registration of `config` for `flow`, when it is still good for
    /// [`REGISTRATION_EXPIRY_WINDOW`]. Both flows share the file (the AWS CLI's key); as in
    /// the CLI, one whose `grantTypes` holds `authorization_code` serves only the
    /// authorization code and any other only the device code, so a switch of flow
    /// registers afresh. A file that cannot be read is simply not reused.
    pub fn registration(
        &self,
        config: &SsoSessionConfig,
        now: DateTime<Utc>,
        flow: SignInFlow,
    ) -> Option<ClientRegistration> {
        self.absolute().ok()?;
        let bytes = fsutil::read_no_follow(&self.registration_path(config)).ok()??;
        let file: RegistrationFile = serde_json::from_slice(&bytes).ok()?;
        let for_auth_code = file
            .grant_types
            .as_ref()
            .is_some_and(|g| g.iter().any(|g| g == "authorization_code"));
        if for_auth_code != (flow == SignInFlow::AuthCode) {
            return None;
        }
        let expires_at = parse_time(&file.expires_at)?;
        (expires_at - REGISTRATION_EXPIRY_WINDOW > now).then_some(ClientRegistration {
            client_id: file.client_id,
            client_secret: file.client_secret,
            expires_at,
        })
    }

    /// Keeps `registration` (made for `flow`) for later sign-ins, by rolecall or the AWS CLI.
    pub fn write_registration(
        &self,
        config: &SsoSessionConfig,
        registration: &ClientRegistration,
        flow: SignInFlow,
    ) -> Result<(), SsoError> {
        let scopes = flow.scopes(config);
        let file = RegistrationFile {
            client_id: registration.client_id.clone(),
            client_secret: registration.client_secret.clone(),
            expires_at: format_time(registration.expires_at),
            scopes: (!scopes.is_empty()).then_some(scopes),
            grant_types: (flow == SignInFlow::AuthCode)
                .then(|| AUTH_CODE_GRANTS.map(String::from).to_vec()),
        };
        self.write_json(&self.registration_path(config), &file)
    }

    /// Forgets the registration of `config` (after the service called it invalid).
    pub fn remove_registration(&self, config: &SsoSessionConfig) {
        let _ = std::fs::remove_file(self.registration_path(config));
    }

    fn write_json(&self, path: &Path, value: &impl Serialize) -> Result<(), SsoError> {
        self.absolute()?;
        fsutil::ensure_private_dir(&self.dir).map_err(|e| SsoError::io("create", &self.dir, &e))?;
        // Serialising these plain structs cannot fail.
        let bytes = serde_json::to_vec(value).expect("token JSON");
        fsutil::write_private_atomic(path, &bytes).map_err(|e| SsoError::io("write", path, &e))
    }
}

/// The token in `bytes`, or `None` when it is not one (not JSON, no `accessToken`, a bad
/// `expiresAt`). Missing `startUrl`/`region` are taken from `config`, as the SDKs allow.
fn parse_token(bytes: &[u8], config: &SsoSessionConfig) -> Option<SsoToken> {
    let file: TokenFile = serde_json::from_slice(bytes).ok()?;
    let access_token = file.access_token.filter(|t| !t.expose().is_empty())?;
    let expires_at = parse_time(file.expires_at.as_deref()?)?;
    let registration = match (file.client_id, file.client_secret) {
        (Some(client_id), Some(client_secret)) => Some(ClientRegistration {
            client_id,
            client_secret,
            // Without it, the SDKs consider the registration expired.
            expires_at: file
                .registration_expires_at
                .as_deref()
                .and_then(parse_time)
                .unwrap_or(DateTime::UNIX_EPOCH),
        }),
        _ => None,
    };
    Some(SsoToken {
        start_url: file.start_url.unwrap_or_else(|| config.start_url.clone()),
        region: file.region.unwrap_or_else(|| config.region.clone()),
        access_token,
        expires_at,
        refresh_token: file.refresh_token,
        registration,
    })
}

/// The timestamp format of the cache files.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Reads RFC 3339 (what the CLI and SDKs write today; by
/// [`crate::credentials::parse_expiration`], so it can be written back) and the older
/// `…T04:05:45UTC`.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Some(t) = crate::credentials::parse_expiration(text) {
        return Some(t);
    }
    let naive = text.strip_suffix("UTC")?;
    NaiveDateTime::parse_from_str(naive, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .map(|t| t.and_utc())
}

/// Removes `path`; whether it was there.
pub(crate) fn remove_if_present(path: &Path) -> Result<bool, SsoError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(SsoError::io("remove", path, &e)),
    }
}

/// Renames a corrupt file to `<name>.corrupt-<unix seconds>` next to it.
fn set_aside(path: &Path, now: DateTime<Utc>) -> Result<PathBuf, SsoError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{}", now.timestamp()));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside).map_err(|e| SsoError::io("set aside", path, &e))?;
    Ok(aside)
}

#[cfg(test)]
mod tests;
