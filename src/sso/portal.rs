//! The AWS access portal (aws-sdk-sso): role credentials, the accounts and roles a
//! signed-in person may use, and signing out.

use super::cache::SsoToken;
use super::pacing::{CallError, FailureKind};
use super::{Sso, SsoError, SsoSessionConfig};
use crate::call_failure::{examine, CallFailure};
use crate::credentials::Credentials;
use crate::secret::Secret;
use aws_sdk_sso::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// The portal's page size for ListAccounts and ListAccountRoles: its maximum (it refuses
/// more with InvalidRequestException).
pub const PAGE_SIZE: i32 = 100;

/// One page of a list call: its items and the token of the next page (`None`: the last).
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// `items` and the portal's next-page token, an empty one read as none (the last page).
    fn new(items: Vec<T>, next_token: Option<&str>) -> Self {
        Page {
            items,
            next_token: next_token.filter(|t| !t.is_empty()).map(str::to_string),
        }
    }
}

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

    /// One page of ListAccounts (at most [`PAGE_SIZE`] accounts) from `next_token`:
    /// `(account id, account name)` pairs and the token of the next page.
    pub(crate) async fn list_accounts_page(
        &self,
        client: &aws_sdk_sso::Client,
        config: &SsoSessionConfig,
        token: &SsoToken,
        next_token: Option<String>,
    ) -> Result<Page<(String, String)>, CallError> {
        let subject = Subject {
            operation: "ListAccounts",
            account_id: None,
            role_name: None,
        };
        let out = client
            .list_accounts()
            .access_token(token.access_token.expose())
            .max_results(PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.call_error(config, subject, e))?;
        let items = out
            .account_list()
            .iter()
            .filter_map(|a| {
                let id = a.account_id()?.to_string();
                let name = a.account_name().unwrap_or(&id).to_string();
                Some((id, name))
            })
            .collect();
        Ok(Page::new(items, out.next_token()))
    }

    /// One page of ListAccountRoles for `account_id` from `next_token`: role names and the
    /// token of the next page.
    pub(crate) async fn list_account_roles_page(
        &self,
        client: &aws_sdk_sso::Client,
        config: &SsoSessionConfig,
        token: &SsoToken,
        account_id: &str,
        next_token: Option<String>,
    ) -> Result<Page<String>, CallError> {
        let subject = Subject {
            operation: "ListAccountRoles",
            account_id: Some(account_id),
            role_name: None,
        };
        let out = client
            .list_account_roles()
            .access_token(token.access_token.expose())
            .account_id(account_id)
            .max_results(PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.call_error(config, subject, e))?;
        let items = out
            .role_list()
            .iter()
            .filter_map(|r| r.role_name().map(str::to_string))
            .collect();
        Ok(Page::new(items, out.next_token()))
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
    /// A failed discovery call: its error, and whether waiting and trying again may help
    /// (HTTP 429 or `TooManyRequestsException`: the quota; HTTP 5xx; no answer).
    fn call_error<E>(
        &self,
        config: &SsoSessionConfig,
        subject: Subject<'_>,
        err: SdkError<E, HttpResponse>,
    ) -> CallError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let status = err.raw_response().map(|r| r.status().as_u16());
        let throttling = matches!(
            err.code(),
            Some("TooManyRequestsException" | "ThrottlingException")
        );
        let kind = match (status, &err) {
            (Some(429), _) => FailureKind::Throttled,
            _ if throttling => FailureKind::Throttled,
            (Some(500..=599), _) => FailureKind::ServerError,
            (_, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)) => {
                FailureKind::Unreachable
            }
            _ => FailureKind::Fatal,
        };
        CallError {
            error: self.classify(config, subject, err),
            kind,
        }
    }
}

fn invalid(config: &SsoSessionConfig, subject: Subject<'_>) -> SsoError {
    SsoError::incomplete_answer(config.describe(), subject.operation, "roleCredentials")
}
