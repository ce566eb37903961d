//! The MFA session of a chain's long-term keys (GetSessionToken with a code): one code
//! makes it, the store keeps it, and every role assumed from the same keys is assumed
//! with it without asking again. When STS refuses a cached one (too old for a role's
//! `aws:MultiFactorAuthAge`, or revoked), the walk asks for a new code once and makes a
//! new one.

use super::plan::{MfaMode, MfaSessionPlan};
use super::{Link, Obtained, ResolveError, ResolveErrorKind, Resolver, Walk};
use crate::credentials::Credentials;
use crate::session::{Session, SessionKey, SessionKind};
use crate::source::BaseCredentials;
use crate::sts::{MfaCode, StsError};
use chrono::Utc;

/// The MFA session a walk assumes its first role with, kept for the one retry when STS
/// refuses it.
pub(super) struct MfaSessionInUse<'p> {
    pub(super) plan: &'p MfaSessionPlan,
    /// The long-term keys it is a session of (a new one is made of them).
    keys: Credentials,
    /// Where they came from (`keyring (Secret Service)`), for the session's `source`.
    origin: String,
    /// Whether it came from the store: only a cached one is renewed when STS refuses it.
    pub(super) cached: bool,
}

impl<'w> Walk<'w> {
    /// The MFA step: when the plan has an MFA session and the base turned out to hold
    /// long-term keys, the chain goes on from that session (the cached one, else a new one
    /// made with a code).
    pub(super) async fn mfa_session(
        &mut self,
        base: BaseCredentials,
    ) -> Result<Link, ResolveError> {
        let mut link = Link {
            description: base.origin.to_string(),
            credentials: base.credentials,
        };
        let plan = self.plan;
        let long_term = link.credentials.session_token.is_none();
        let base_origin = link.description.clone();
        let Some(ms) = plan.mfa_session.as_ref().filter(|_| long_term) else {
            return Ok(link);
        };
        let keys = link.credentials.clone();
        let (credentials, cached) = self
            .mfa_session_credentials(ms, &keys, &link.description, self.options.renew_mfa)
            .await
            .map_err(|kind| {
                self.error(
                    1,
                    || format!("GetSessionToken with MFA for '{}'", ms.profile),
                    kind,
                )
            })?;
        link.credentials = credentials;
        if !ms.for_first_hop {
            link.description = match ms.serial {
                Some(_) => format!("session-token with MFA ({})", link.description),
                None => format!("session-token ({})", link.description),
            };
        }
        self.mfa_session = Some(MfaSessionInUse {
            plan: ms,
            keys,
            origin: base_origin,
            cached,
        });
        Ok(link)
    }

    /// A new MFA session in place of the cached one STS refused with `refusal`, with a new
    /// code (the one more a resolution may ask for).
    pub(super) async fn renew_refused_mfa_session(
        &mut self,
        refusal: &StsError,
    ) -> Result<Credentials, ResolveErrorKind> {
        let in_use = self
            .mfa_session
            .as_mut()
            .expect("a cached MFA session is in use");
        in_use.cached = false;
        let (ms, keys) = (in_use.plan, in_use.keys.clone());
        let origin = in_use.origin.clone();
        let (credentials, _) = self
            .mfa_session_credentials(ms, &keys, &origin, true)
            .await
            .map_err(|kind| match kind {
                ResolveErrorKind::MfaRequired { serial, .. } => ResolveErrorKind::MfaRequired {
                    serial,
                    reason: Some(format!("STS refused the cached MFA session ({refusal})")),
                },
                other => other,
            })?;
        Ok(credentials)
    }

    /// The MFA session of `keys` (from `origin`): the cached one (second value true) unless
    /// `renew`, else a GetSessionToken with a new code.
    async fn mfa_session_credentials(
        &mut self,
        ms: &MfaSessionPlan,
        keys: &Credentials,
        origin: &str,
        renew: bool,
    ) -> Result<(Credentials, bool), ResolveErrorKind> {
        if !renew {
            let key = SessionKey {
                profile: ms.profile.clone(),
                kind: SessionKind::MfaSession,
                fingerprint: ms.fingerprint.clone(),
            };
            if let Some(cached) = self.resolver.cached(&key, &mut self.warnings) {
                return Ok((cached.credentials, true));
            }
        }
        let code = match &ms.serial {
            Some(serial) => Some(self.code(serial, ms.mfa_process.as_ref()).await?),
            None => None,
        };
        let session = self
            .resolver
            .new_mfa_session(ms, (keys, origin), code.as_ref(), &mut self.warnings)
            .await?;
        Ok((session.credentials, false))
    }
}

impl Resolver<'_> {
    /// A new MFA session for `base`'s keys with `code` (the TUI's refresh of an MFA
    /// session row): what [`Resolver::obtain`] would make when it needs one.
    pub async fn renew_mfa_session(
        &self,
        base: &str,
        serial: &str,
        code: &MfaCode,
    ) -> Result<Obtained, ResolveError> {
        let fail = |kind: ResolveErrorKind| ResolveError {
            profile: base.to_string(),
            step: String::new(),
            kind,
        };
        let ms = self
            .planner(MfaMode::SessionToken)
            .mfa_session_of_keys(base, serial)
            .ok_or_else(|| {
                fail(ResolveErrorKind::NoSuchProfile(
                    self.graph.why_missing(base),
                ))
            })?;
        let keys = self.long_term_keys(base).map_err(fail)?;
        let mut warnings = Vec::new();
        let keys = (&keys.credentials, keys.origin.to_string());
        let session = self
            .new_mfa_session(&ms, (keys.0, &keys.1), Some(code), &mut warnings)
            .await
            .map_err(fail)?;
        Ok(Obtained { session, warnings })
    }

    /// The long-term keys of `base`: from the key store for a keyring profile, else from
    /// the files.
    fn long_term_keys(&self, base: &str) -> Result<BaseCredentials, ResolveErrorKind> {
        let profile = self.graph.get(base);
        if let Some(stored) = profile
            .filter(|p| p.kind == crate::profile::ProfileKind::Keyring)
            .and_then(|p| p.credential_process.as_deref())
            .and_then(crate::profile::bridge::bridged_profile)
        {
            return self.stored_key_credentials(&stored);
        }
        let keys = self.keys_in_files(base)?.ok_or_else(|| {
            ResolveErrorKind::Config(format!(
                "'{base}' holds no long-term keys to make an MFA session of"
            ))
        })?;
        Ok(crate::source::static_keys(&keys, "the files"))
    }

    /// A GetSessionToken session of `keys` (from the origin it is given with; with `code`
    /// for the plan's MFA device), stored (a store that fails is a warning: STS already
    /// answered) and handed back.
    async fn new_mfa_session(
        &self,
        ms: &MfaSessionPlan,
        (keys, origin): (&Credentials, &str),
        code: Option<&MfaCode>,
        warnings: &mut Vec<String>,
    ) -> Result<Session, ResolveErrorKind> {
        let mfa = ms.serial.as_deref().zip(code);
        let creds = self
            .sts
            .get_session_token(keys, &ms.sts, mfa, Some(ms.duration_seconds))
            .await?;
        let session = Session {
            profile: ms.profile.clone(),
            kind: SessionKind::MfaSession,
            credentials: creds,
            source: match &ms.serial {
                Some(serial) => format!("session-token with MFA {serial}"),
                None => format!("session-token ({origin})"),
            },
            region: self
                .graph
                .get(&ms.profile)
                .and_then(|p| p.region.as_deref().map(str::to_string)),
            region_from_instance: false,
            obtained: Utc::now(),
            fingerprint: ms.fingerprint.clone(),
            mfa_serial: ms.serial.clone(),
        };
        self.save(&session, warnings);
        Ok(session)
    }
}
