//! The base of a chain: the credentials its first link is made of, as aws-config's
//! `base_provider` starts its provider chain. Static keys from the files, the environment,
//! the instance metadata service, the container endpoint, a `credential_process`, IAM
//! Identity Center's role credentials, or a web identity's role; the plan says which
//! ([`BaseSource`]).

use super::plan::{BaseSource, Plan, WebIdentitySource};
use super::{ResolveError, ResolveErrorKind, ResolveOptions, Resolver, Walk};
use crate::credentials::Credentials;
use crate::source::{self, BaseCredentials, CredentialOrigin, MetadataConfig};
use crate::sso::SsoSessionConfig;

impl Walk<'_> {
    /// The base step: the credentials the chain starts from (step 1 in an error), and the
    /// instance's region when the base is the instance's and no profile names a region.
    pub(super) async fn base(&mut self) -> Result<BaseCredentials, ResolveError> {
        let base = self
            .resolver
            .base_credentials(self.plan, self.options)
            .await
            .map_err(|kind| {
                self.error(
                    1,
                    || format!("source credentials of '{}'", self.plan.base),
                    kind,
                )
            })?;
        if self.plan.source == BaseSource::InstanceMetadata && self.plan.region.is_none() {
            self.instance_region().await;
        }
        Ok(base)
    }

    /// The instance's region (IMDS `placement/region`), as aws-config's default region
    /// chain ends; one that cannot be read is a warning: the credentials are good.
    async fn instance_region(&mut self) {
        let config = self.resolver.metadata_config(&self.plan.base);
        match source::imds_region(&config).await {
            Ok(region) => self.instance_region = Some(region),
            Err(e) => self.warnings.push(format!(
                "profile '{}': no region configured, and the instance's could not be read: {e}",
                self.name
            )),
        }
    }
}

impl Resolver<'_> {
    /// The long-term key `plan`'s base signs with: from rolecall's key store when its
    /// source is a keyring, else read from the files as they are now. The console signs
    /// in with it (through GetFederationToken) when a profile's session would be that key.
    pub fn long_term_key(&self, plan: &Plan) -> Result<Credentials, ResolveErrorKind> {
        match &plan.source {
            BaseSource::Keyring { profile } => {
                Ok(self.stored_key_credentials(profile)?.credentials)
            }
            _ => self.static_keys(&plan.base),
        }
    }

    /// The static keys `profile` holds, read from the files as they are now (they may
    /// have changed since the graph was loaded). The console signs in with them when a
    /// profile's session would be its long-term keys.
    pub fn static_keys(&self, profile: &str) -> Result<Credentials, ResolveErrorKind> {
        self.keys_in_files(profile)?.ok_or_else(|| {
            ResolveErrorKind::Config(format!(
                "the keys of '{profile}' are no longer in the files"
            ))
        })
    }

    /// The static keys `profile` holds in the files now; `None` when it holds none.
    pub(super) fn keys_in_files(
        &self,
        profile: &str,
    ) -> Result<Option<Credentials>, ResolveErrorKind> {
        self.graph
            .load_static_keys(profile)
            .map_err(|e| ResolveErrorKind::Config(e.to_string()))
    }

    /// The base credentials of `plan`, from the source it names.
    async fn base_credentials(
        &self,
        plan: &Plan,
        options: &ResolveOptions,
    ) -> Result<BaseCredentials, ResolveErrorKind> {
        match &plan.source {
            BaseSource::StaticKeys { .. } => self.static_key_credentials(&plan.base),
            BaseSource::Environment => Ok(source::environment().await?),
            BaseSource::InstanceMetadata => {
                // The base profile's own metadata settings, under the environment's.
                let config = self.metadata_config(&plan.base);
                Ok(source::imds_credentials(&config).await?)
            }
            BaseSource::Container => Ok(source::container(&self.metadata).await?),
            BaseSource::Process { command } => {
                Ok(source::credential_process(command, options.process_terminal).await?)
            }
            BaseSource::Sso => self.sso_credentials(&plan.base).await,
            BaseSource::WebIdentity(w) => self.web_identity_credentials(w).await,
            BaseSource::Login { session } => self.login_credentials(plan, session).await,
            BaseSource::Keyring { profile } => self.stored_key_credentials(profile),
        }
    }

    /// The long-term key stored for `profile` in rolecall's key store, read directly: the
    /// profile's `credential_process` is rolecall's bridge, which would only read it too.
    pub(super) fn stored_key_credentials(
        &self,
        profile: &str,
    ) -> Result<BaseCredentials, ResolveErrorKind> {
        let keys = self.keys.ok_or_else(|| {
            ResolveErrorKind::Config(format!(
                "the key of '{profile}' is in rolecall's key store, which this front end cannot read"
            ))
        })?;
        let (credentials, backend) = keys
            .stored_key(profile)
            .map_err(ResolveErrorKind::Config)?
            .ok_or_else(|| {
                ResolveErrorKind::Config(format!(
                    "no key is stored for '{profile}'; `rolecall keys add {profile}` stores one"
                ))
            })?;
        Ok(BaseCredentials {
            credentials,
            origin: CredentialOrigin {
                kind: "keyring",
                location: backend,
            },
        })
    }

    /// A web identity's role session: the token read from its file now (EKS rotates it),
    /// then AssumeRoleWithWebIdentity. A refusal names the role and the file.
    async fn web_identity_credentials(
        &self,
        w: &WebIdentitySource,
    ) -> Result<BaseCredentials, ResolveErrorKind> {
        let token = source::web_identity::read_token(w.token_file.as_ref(), &w.named_by)?;
        let request = crate::sts::WebIdentityRequest {
            role_arn: w.role_arn.clone(),
            session_name: w.session_name.clone().unwrap_or_else(|| {
                source::web_identity::default_session_name(w.from_environment, chrono::Utc::now())
            }),
        };
        let credentials = self
            .sts
            .assume_role_with_web_identity(&w.sts, &request, &token)
            .await
            .map_err(|cause| {
                let call = format!(
                    "AssumeRoleWithWebIdentity of {} with the token in {} ({})",
                    w.role_arn, w.token_file, w.named_by
                );
                ResolveErrorKind::WebIdentity(Box::new((call, cause)))
            })?;
        Ok(BaseCredentials {
            credentials,
            origin: CredentialOrigin {
                kind: "assume-role-with-web-identity",
                location: w.token_file.clone(),
            },
        })
    }

    /// The static keys of `base`, located in the file that holds them.
    fn static_key_credentials(&self, base: &str) -> Result<BaseCredentials, ResolveErrorKind> {
        let keys = self.static_keys(base)?;
        let in_credentials = self
            .graph
            .get(base)
            .and_then(|p| p.static_keys)
            .is_some_and(|k| k.in_credentials);
        let file = if in_credentials {
            &self.graph.paths.credentials
        } else {
            &self.graph.paths.config
        };
        Ok(source::static_keys(&keys, &file.display().to_string()))
    }

    /// Where and how the instance metadata service is read for the profile `name` (whose
    /// `credential_source` is `Ec2InstanceMetadata`): the environment's variables, then
    /// the profile's `ec2_metadata_service_endpoint(_mode)`, `ec2_metadata_v1_disabled`,
    /// `metadata_service_timeout` and `metadata_service_num_attempts`.
    fn metadata_config(&self, name: &str) -> MetadataConfig {
        let settings = self.graph.get(name).map(|p| p.settings());
        let text = |v: Option<&str>| v.map(str::to_string);
        let profile = source::ProfileMetadataSettings {
            profile: Some(name.to_string()),
            endpoint: text(settings.and_then(|s| s.ec2_metadata_service_endpoint.as_deref())),
            endpoint_mode: text(
                settings.and_then(|s| s.ec2_metadata_service_endpoint_mode.as_deref()),
            ),
            v1_disabled: settings
                .and_then(|s| s.ec2_metadata_v1_disabled)
                .map(|b| b.to_string()),
            timeout: text(settings.and_then(|s| s.metadata_service_timeout.as_deref())),
            num_attempts: text(settings.and_then(|s| s.metadata_service_num_attempts.as_deref())),
        };
        MetadataConfig::resolve(&|var| self.vars.get(var), &profile)
    }

    /// An `aws login` profile's credentials: from the AWS CLI's login cache, refreshed
    /// through the sign-in service (and written back) when about to expire. The sign-in
    /// service is called where the cache says the person signed in, else in the profile's
    /// region (then the environment's).
    async fn login_credentials(
        &self,
        plan: &Plan,
        session: &str,
    ) -> Result<BaseCredentials, ResolveErrorKind> {
        let sessions = crate::login::LoginSessions::from_lookup(&|var| self.vars.get(var));
        let region = self.graph.get(&plan.base).and_then(|p| p.region.as_deref());
        let got = sessions
            .credentials(&plan.base, session, region, chrono::Utc::now())
            .await?;
        Ok(BaseCredentials {
            credentials: got.credentials,
            origin: CredentialOrigin {
                kind: "login",
                location: format!("{session}, {}", got.path.display()),
            },
        })
    }

    /// An SSO profile's role credentials: a token from the AWS CLI's cache (refreshed when
    /// it is about to expire), then GetRoleCredentials.
    async fn sso_credentials(&self, name: &str) -> Result<BaseCredentials, ResolveErrorKind> {
        let config = SsoSessionConfig::for_profile(self.graph, name)?;
        let profile = self
            .graph
            .get(name)
            .ok_or_else(|| ResolveErrorKind::NoSuchProfile(self.graph.why_missing(name)))?;
        let (Some(account), Some(role)) = (
            profile.sso_account_id.as_deref(),
            profile.sso_role_name.as_deref(),
        ) else {
            return Err(ResolveErrorKind::Config(format!(
                "'{name}' signs in to {} but names no sso_account_id and sso_role_name; \
                 `rolecall sso roles` lists the roles you may use",
                config.describe()
            )));
        };
        let token = self.sso.token_for(&config).await?;
        let credentials = self
            .sso
            .role_credentials(&config, &token, account, role)
            .await?;
        Ok(BaseCredentials {
            credentials,
            origin: CredentialOrigin {
                kind: "sso",
                location: format!("{} {account}/{role}", config.describe()),
            },
        })
    }
}
