//! The AWS access portal (aws-sdk-sso): role credentials, the accounts and roles a
//! signed-in person may use, and signing out.

use super::cache::SsoToken;
use super::{Sso, SsoError, SsoSessionConfig};
use crate::call_failure::{examine, CallFailure};
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// The portal's page size for ListAccounts and ListAccountRoles (its maximum).
const PAGE_SIZE: i32 = 100;

/// What a portal call was about, for its error message.
#[derive(Clone, Copy)]
struct Subject<'a> {
    operation: &'static str,
    account_id: Option<&'a str>,
    role_name: Option<&'a str>,
}

impl Subject<'_> {
    fn what(&self) -> String {
        match (self.account_id, self.role_name) {
            (Some(a), Some(r)) => format!("account {a}, role {r}"),
            (Some(a), None) => format!("account {a}"),
            _ => "the portal".to_string(),
        }
    }
}

impl Sso {
    /// GetRoleCredentials: temporary credentials for `role_name` in `account_id`, expiring
    /// when the portal says (its epoch-millisecond `expiration`).
    pub async fn role_credentials(
        &self,
        config: &SsoSessionConfig,
        token: &SsoToken,
        account_id: &str,
        role_name: &str,
    ) -> Result<Credentials, SsoError> {
        let subject = Subject {
            operation: "GetRoleCredentials",
            account_id: Some(account_id),
            role_name: Some(role_name),
        };
        let out = self
            .portal_client(&config.region)
            .get_role_credentials()
            .access_token(token.access_token.expose())
            .account_id(account_id)
            .role_name(role_name)
            .send()
            .await
            .map_err(|e| self.classify(config, subject, e))?;
        let creds = out
            .role_credentials()
            .ok_or_else(|| invalid(config, subject))?;
        let (Some(id), Some(secret)) = (creds.access_key_id(), creds.secret_access_key()) else {
            return Err(invalid(config, subject));
        };
        Ok(Credentials {
            access_key_id: id.to_string(),
            secret_access_key: Secret::new(secret),
            session_token: creds.session_token().map(Secret::new),
            expiration: chrono::DateTime::from_timestamp_millis(creds.expiration()),
        })
    }

    /// ListAccounts, every page: `(account id, account name)`.
    pub(crate) async fn list_accounts(
        &self,
        client: &aws_sdk_sso::Client,
        config: &SsoSessionConfig,
        token: &SsoToken,
    ) -> Result<Vec<(String, String)>, SsoError> {
        let subject = Subject {
            operation: "ListAccounts",
            account_id: None,
            role_name: None,
        };
        let pages = client
            .list_accounts()
            .access_token(token.access_token.expose())
            .into_paginator()
            .page_size(PAGE_SIZE)
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.classify(config, subject, e))?;
        Ok(pages
            .into_iter()
            .filter_map(|a| {
                let id = a.account_id()?.to_string();
                let name = a.account_name().unwrap_or(&id).to_string();
                Some((id, name))
            })
            .collect())
    }

    /// ListAccountRoles for one account, every page: the role names.
    pub(crate) async fn list_account_roles(
        &self,
        client: &aws_sdk_sso::Client,
        config: &SsoSessionConfig,
        token: &SsoToken,
        account_id: &str,
    ) -> Result<Vec<String>, SsoError> {
        let subject = Subject {
            operation: "ListAccountRoles",
            account_id: Some(account_id),
            role_name: None,
        };
        let roles = client
            .list_account_roles()
            .access_token(token.access_token.expose())
            .account_id(account_id)
            .into_paginator()
            .page_size(PAGE_SIZE)
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| self.classify(config, subject, e))?;
        Ok(roles
            .into_iter()
            .filter_map(|r| r.role_name().map(str::to_string))
            .collect())
    }

    /// Logout: ends the portal session of `token` (the token stops working everywhere).
    pub(crate) async fn portal_logout(
        &self,
        config: &SsoSessionConfig,
        token: &SsoToken,
    ) -> Result<(), SsoError> {
        let subject = Subject {
            operation: "Logout",
            account_id: None,
            role_name: None,
        };
        self.portal_client(&config.region)
            .logout()
            .access_token(token.access_token.expose())
            .send()
            .await
            .map_err(|e| self.classify(config, subject, e))?;
        Ok(())
    }

    /// Sorts a portal error into what a person can act on.
    fn classify<E>(
        &self,
        config: &SsoSessionConfig,
        subject: Subject<'_>,
        err: SdkError<E, HttpResponse>,
    ) -> SsoError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let service = "the AWS access portal";
        match examine(&err, service) {
            CallFailure::Service { code, message } => match code.as_str() {
                "UnauthorizedException" => SsoError::Expired {
                    session: config.describe(),
                    command: config.login_command(),
                    note: Some(format!(
                        "the portal rejected the token in {}",
                        subject.operation
                    )),
                },
                "ForbiddenException" | "AccessDeniedException" => SsoError::Forbidden {
                    session: config.describe(),
                    what: subject.what(),
                    message,
                },
                "ResourceNotFoundException" => SsoError::NotFound {
                    session: config.describe(),
                    what: subject.what(),
                    message,
                },
                _ => SsoError::Service {
                    session: config.describe(),
                    operation: subject.operation,
                    code,
                    message,
                },
            },
            failure => SsoError::without_answer(
                failure,
                service,
                self.portal_endpoint(&config.region),
                config.describe(),
                subject.operation,
            ),
        }
    }
}

fn invalid(config: &SsoSessionConfig, subject: Subject<'_>) -> SsoError {
    SsoError::incomplete_answer(config.describe(), subject.operation, "roleCredentials")
}
