//! The TUI's [`Backend`] on the real core: a [`Context`]'s resolver, STS, store and IAM
//! Identity Center.

use super::arrivals::Arrivals;
use super::{
    AssumeFailure, Assumed, Backend, DiscoverySender, MfaWaitSender, SignInPrompt, SignInStatus,
};
use crate::context::Context;
use crate::profile::ProfileGraph;
use crate::resolve::{
    list_sessions, FixedMfa, MfaAsk, MfaMode, MfaPrompt, ResolveError, ResolveErrorKind,
    ResolveOptions,
};
use crate::session::{ListedSession, SessionKey};
use crate::source::{mfa_code, ChildTerminal, MfaProcessError};
use crate::sso::{choose_flow, FlowChoice, SignInFlow, SsoError, SsoSessionConfig, Surroundings};
use crate::sts::MfaCode;
use futures::future::BoxFuture;
use std::sync::Arc;

/// The real backend; cheap to clone into each background task.
#[derive(Clone)]
pub struct CoreBackend {
    context: Context,
}

impl CoreBackend {
    /// The backend over `context`, whose current graph is the one the TUI shows.
    pub fn new(context: Context) -> Self {
        CoreBackend { context }
    }

    /// Discovers the roles of every IAM Identity Center session with a valid token (from the
    /// cache when it is fresh, unless `refresh`), telling `progress` of the accounts as they
    /// arrive; sessions not signed in are skipped.
    async fn discover_signed_in(
        &self,
        graph: &ProfileGraph,
        refresh: bool,
        progress: &DiscoverySender,
    ) {
        let sso = self.context.sso();
        for config in SsoSessionConfig::all(graph) {
            let signed_in = sso
                .cached_token(&config)
                .ok()
                .flatten()
                .is_some_and(|t| !t.is_expired(sso.now()));
            if signed_in {
                // A failure leaves the cached discovery as it was; the list is still usable.
                let arrivals = Arrivals::new(&self.context, graph, &config, progress);
                let observe = |p: crate::sso::DiscoveryProgress<'_>| arrivals.step(&p);
                if let Err(e) = sso.discover_reporting(&config, refresh, &observe).await {
                    arrivals.failed(&e);
                }
            }
        }
    }
}

/// The flow the sign-in window runs: the rule's, or the device code when the person asked
/// for it in the window (`d`), which is what the window then says.
fn flow_for(config: &SsoSessionConfig, use_device_code: bool) -> FlowChoice {
    let choice = choose_flow(config, false, &Surroundings::detect());
    if use_device_code && choice.flow == SignInFlow::AuthCode {
        return FlowChoice {
            flow: SignInFlow::DeviceCode,
            why: "asked for in this window (d)",
        };
    }
    choice
}

/// The TUI's MFA codes: the one typed into the MFA window, else what the device's
/// `mfa_process` prints (with no terminal: the TUI reads the keys), else none (the UI then
/// opens the window).
struct DeviceMfa {
    typed: Option<MfaCode>,
    waiting: MfaWaitSender,
}

impl MfaPrompt for DeviceMfa {
    fn code<'a>(
        &'a self,
        ask: MfaAsk<'a>,
    ) -> BoxFuture<'a, Result<Option<MfaCode>, MfaProcessError>> {
        Box::pin(async move {
            if let Some(code) = &self.typed {
                return Ok(Some(code.clone()));
            }
            let Some(device) = ask.device else {
                return Ok(None);
            };
            let _ = self.waiting.send(device.waiting());
            mfa_code(device, ChildTerminal::None).await.map(Some)
        })
    }
}

/// The code device `serial` prints, for renewing the MFA session of `base`'s keys: the
/// `mfa_process` [`ProfileGraph::mfa_process_for_keys`] finds; without one, the MFA window
/// asks.
async fn keys_device_code(
    resolver: &crate::resolve::Resolver<'_>,
    base: &str,
    serial: &str,
    waiting: &MfaWaitSender,
) -> Result<MfaCode, AssumeFailure> {
    let device = resolver
        .planner(MfaMode::SessionToken)
        .mfa_session_of_keys(base, serial)
        .and_then(|ms| ms.mfa_process)
        .ok_or_else(|| AssumeFailure::NeedsMfa {
            serial: serial.to_string(),
            reason: None,
        })?;
    let _ = waiting.send(device.waiting());
    mfa_code(&device, ChildTerminal::None)
        .await
        .map_err(|e| AssumeFailure::MfaProcessFailed {
            serial: serial.to_string(),
            message: e.to_string(),
        })
}

/// How a resolution failure reaches the TUI: as the MFA modal, or a status line.
fn failure(e: ResolveError) -> AssumeFailure {
    match e.kind {
        ResolveErrorKind::MfaRequired { serial, reason } => {
            AssumeFailure::NeedsMfa { serial, reason }
        }
        // Without the CLI's `--mfa-code` hint: the TUI offers its MFA window.
        ResolveErrorKind::MfaProcess { serial, error } => AssumeFailure::MfaProcessFailed {
            serial,
            message: error.to_string(),
        },
        ResolveErrorKind::Sso(e) if e.needs_sign_in() => AssumeFailure::NeedsSignIn {
            session: match *e {
                SsoError::NotSignedIn { session, .. } | SsoError::Expired { session, .. } => {
                    session
                }
                other => other.to_string(),
            },
        },
        kind if kind.is_wrong_mfa() => AssumeFailure::WrongMfa {
            message: kind.to_string(),
        },
        // The TUI names the profile itself; give it the step and the cause.
        kind => AssumeFailure::Failed {
            message: format!("{}{kind}", e.step),
        },
    }
}

impl Backend for CoreBackend {
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<MfaCode>,
        refresh: bool,
        waiting: MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.context.graph();
            let resolver = this.context.resolver(&graph);
            let options = ResolveOptions {
                // A code typed after a failure must reach STS, not a cached session: it
                // was asked for because the cached MFA session would not do.
                force_refresh: refresh || mfa_code.is_some(),
                renew_mfa: mfa_code.is_some(),
                mfa_mode: MfaMode::SessionToken,
                // The TUI hands out sessions, never a stored key.
                no_session: false,
                // The TUI reads the keys itself: a prompt could not be answered.
                process_terminal: ChildTerminal::None,
            };
            let mfa = DeviceMfa {
                typed: mfa_code,
                waiting,
            };
            let obtained = resolver
                .obtain(&profile, &mfa, &options)
                .await
                .map_err(failure)?;
            Ok(Assumed {
                session: Box::new(obtained.session),
                warnings: obtained.warnings,
            })
        })
    }

    fn renew_mfa(
        &self,
        profile: String,
        serial: String,
        code: Option<MfaCode>,
        waiting: MfaWaitSender,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.context.graph();
            let resolver = this.context.resolver(&graph);
            let code = match code {
                Some(code) => code,
                None => keys_device_code(&resolver, &profile, &serial, &waiting).await?,
            };
            let obtained = resolver
                .renew_mfa_session(&profile, &serial, &code)
                .await
                .map_err(failure)?;
            Ok(Assumed {
                session: Box::new(obtained.session),
                warnings: obtained.warnings,
            })
        })
    }

    fn sessions(&self) -> BoxFuture<'static, Result<Vec<ListedSession>, String>> {
        let this = self.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let loaded = this.context.store().load().map_err(|e| e.to_string())?;
                let graph = this.context.graph();
                let planner = this.context.planner(&graph, MfaMode::SessionToken);
                Ok(list_sessions(loaded.sessions, &planner))
            })
            .await
            .map_err(|e| e.to_string())?
        })
    }

    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>> {
        let store = self.context.store().clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.remove_key(&key).map(|_| ()))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
        })
    }

    fn sign_in(
        &self,
        profile: String,
        use_device_code: bool,
        prompt: tokio::sync::oneshot::Sender<SignInPrompt>,
    ) -> BoxFuture<'static, Result<(), String>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.context.graph();
            let config =
                SsoSessionConfig::for_profile(&graph, &profile).map_err(|e| e.to_string())?;
            let choice = flow_for(&config, use_device_code);
            let pending = this
                .context
                .sso()
                .start_sign_in(&config, choice.flow)
                .await
                .map_err(|e| e.to_string())?;
            let browser = match crate::demo::open_in_browser(pending.url()) {
                crate::browser::Opened::Started(program) => format!("opened with {program}"),
                crate::browser::Opened::NoDisplay => {
                    "no display to open a browser on: open the URL yourself".into()
                }
                crate::browser::Opened::Failed(why) => {
                    format!("could not open a browser ({why}): open the URL yourself")
                }
            };
            let _ = prompt.send(SignInPrompt {
                session: config.describe(),
                flow: choice.flow,
                why: choice.why.to_string(),
                url: pending.url().to_string(),
                user_code: pending.user_code().map(str::to_string),
                expires_at: pending.expires_at(),
                browser,
            });
            pending.finish().await.map_err(|e| e.to_string())?;
            Ok(())
        })
    }

    fn sign_ins(&self) -> BoxFuture<'static, Vec<SignInStatus>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.context.graph();
            SsoSessionConfig::all(&graph)
                .into_iter()
                .filter_map(|config| {
                    let token = this.context.sso().cached_token(&config).ok().flatten()?;
                    Some(SignInStatus {
                        session: config.describe(),
                        expires_at: token.expires_at,
                    })
                })
                .collect()
        })
    }

    fn reload(&self) -> BoxFuture<'static, Arc<ProfileGraph>> {
        let this = self.clone();
        Box::pin(async move {
            let files = this.context.files_graph();
            this.context.set_graph(this.context.with_discovery(files))
        })
    }

    fn discover(
        &self,
        refresh: bool,
        progress: DiscoverySender,
    ) -> BoxFuture<'static, Option<Arc<ProfileGraph>>> {
        let this = self.clone();
        Box::pin(async move {
            let current = this.context.graph();
            this.discover_signed_in(&current, refresh, &progress).await;
            // `None`, and the current graph kept, when discovery has nothing to add.
            let graph = this.context.discovered(&current)?;
            Some(this.context.set_graph(graph))
        })
    }

    fn serve(
        &self,
        profile: String,
    ) -> BoxFuture<'static, Result<crate::server::CredentialServer, String>> {
        let this = self.clone();
        Box::pin(async move {
            let feed = crate::server::ResolverFeed {
                profile,
                context: this.context.clone(),
                mfa_mode: MfaMode::SessionToken,
            };
            let endpoint =
                crate::server::start(Arc::new(feed), crate::server::ServerConfig::default())
                    .await
                    .map_err(|e| e.to_string())?;
            endpoint.refresh_now().await.map_err(|e| e.to_string())?;
            Ok(endpoint)
        })
    }

    fn console(&self, profile: String) -> BoxFuture<'static, Result<String, String>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.context.graph();
            let resolver = this.context.resolver(&graph);
            let signed_in = crate::console::link(
                &resolver,
                &profile,
                &FixedMfa(None),
                &ResolveOptions::default(),
                &crate::console::ConsoleRequest::default(),
            )
            .await
            .map_err(|e| e.to_string())?;
            let demo = if this.context.is_demo() {
                " --demo"
            } else {
                ""
            };
            let print = format!("`rolecall{demo} console {profile} --print` prints the URL");
            let mut told = match crate::demo::open_in_browser(signed_in.url.expose()) {
                crate::browser::Opened::Started(program) => {
                    format!("opened the AWS console for {profile} with {program}")
                }
                crate::browser::Opened::NoDisplay => {
                    return Err(format!("no display to open a browser on; {print}"))
                }
                crate::browser::Opened::Failed(why) => {
                    return Err(format!("could not open a browser ({why}); {print}"))
                }
            };
            for note in &signed_in.notes {
                told.push_str(&format!("; {note}"));
            }
            Ok(told)
        })
    }

    /// Loads the STS configuration and the profile graph the first assume will need.
    fn prepare(&self) -> BoxFuture<'static, ()> {
        let this = self.clone();
        Box::pin(async move {
            let context = this.context.clone();
            let graph = tokio::task::spawn_blocking(move || drop(context.graph()));
            this.context.sts().prepare().await;
            let _ = graph.await;
        })
    }
}

#[cfg(test)]
mod tests;
