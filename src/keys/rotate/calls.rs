//! The AWS calls a rotation makes, behind a trait so the unit tests can play IAM and STS
//! (and crash between any two calls) without a network.

use crate::credentials::Credentials;
use crate::iam::{AccessKeyInfo, CreatedKey, Iam, IamError, IamTarget};
use crate::sts::{CallerIdentity, MfaCode, Sts, StsError, StsTarget};
use futures::future::BoxFuture;
use std::sync::Mutex;
use std::time::Duration;

/// What a rotation asks of AWS.
pub trait RotationCalls {
    /// GetCallerIdentity with `creds`.
    fn identity<'a>(
        &'a self,
        creds: &'a Credentials,
    ) -> BoxFuture<'a, Result<CallerIdentity, StsError>>;
    /// What signs the IAM calls made for `key`: the key itself, or its MFA session when
    /// the profile has `mfa_serial` (IAM refuses sessions made without MFA, and a policy
    /// may ask for MFA).
    fn signer<'a>(&'a self, key: &'a Credentials) -> BoxFuture<'a, Result<Credentials, StsError>>;
    /// ListAccessKeys of `user` (`None`: the caller's).
    fn list_keys<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<AccessKeyInfo>, IamError>>;
    /// CreateAccessKey for `user`.
    fn create_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CreatedKey, IamError>>;
    /// DeleteAccessKey of `id`.
    fn delete_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
        id: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>>;
    /// Waits `wait` before GetCallerIdentity is tried again with a new key.
    fn pause(&self, wait: Duration) -> BoxFuture<'static, ()>;
}

/// The real calls: STS through [`Sts`], IAM through [`Iam`].
pub struct AwsRotationCalls {
    pub sts: Sts,
    pub sts_target: StsTarget,
    pub iam: Iam,
    pub iam_target: IamTarget,
    /// `mfa_serial` and a code, for the MFA session that signs the IAM calls. The code is
    /// good once: it is taken by the first [`RotationCalls::signer`].
    pub mfa: Mutex<Option<(String, MfaCode)>>,
}

/// The shortest session GetSessionToken makes: a rotation takes well under a minute.
const MFA_SESSION_SECONDS: u32 = 900;

impl RotationCalls for AwsRotationCalls {
    fn identity<'a>(
        &'a self,
        creds: &'a Credentials,
    ) -> BoxFuture<'a, Result<CallerIdentity, StsError>> {
        Box::pin(self.sts.get_caller_identity(creds, &self.sts_target))
    }

    fn signer<'a>(&'a self, key: &'a Credentials) -> BoxFuture<'a, Result<Credentials, StsError>> {
        let mfa = self.mfa.lock().unwrap_or_else(|e| e.into_inner()).take();
        Box::pin(async move {
            match mfa {
                None => Ok(key.clone()),
                Some((serial, code)) => {
                    self.sts
                        .get_session_token(
                            key,
                            &self.sts_target,
                            Some((serial.as_str(), &code)),
                            Some(MFA_SESSION_SECONDS),
                        )
                        .await
                }
            }
        })
    }

    fn list_keys<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<AccessKeyInfo>, IamError>> {
        Box::pin(self.iam.list_access_keys(signer, &self.iam_target, user))
    }

    fn create_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
    ) -> BoxFuture<'a, Result<CreatedKey, IamError>> {
        Box::pin(self.iam.create_access_key(signer, &self.iam_target, user))
    }

    fn delete_key<'a>(
        &'a self,
        signer: &'a Credentials,
        user: Option<&'a str>,
        id: &'a str,
    ) -> BoxFuture<'a, Result<(), IamError>> {
        Box::pin(
            self.iam
                .delete_access_key(signer, &self.iam_target, user, id),
        )
    }

    fn pause(&self, wait: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(wait))
    }
}
