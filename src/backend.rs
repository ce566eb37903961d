//! The TUI's [`Backend`] on the real core: the resolver, STS and the session store.

use crate::fsutil::modification_times;
use crate::profile::ProfileGraph;
use crate::resolve::{
    list_sessions, FixedMfa, MfaMode, Planner, ResolveError, ResolveErrorKind, ResolveOptions,
    Resolver, Vars,
};
use crate::session::{ListedSession, SessionKey, SessionStore};
use crate::source::ChildTerminal;
use crate::sso::Sso;
use crate::sso::{SsoError, SsoSessionConfig};
use crate::sts::{MfaCode, Sts};
use crate::tui::backend::{AssumeFailure, Assumed, Backend, SignInPrompt, SignInStatus};
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Loads the profile graph afresh, so an assume always sees the files as they are now.
pub type GraphLoader = Arc<dyn Fn() -> ProfileGraph + Send + Sync>;

/// A loaded graph and the modification times of the files it came from.
type CachedGraph = (Vec<Option<SystemTime>>, Arc<ProfileGraph>);

/// The real backend; cheap to clone into each background task.
#[derive(Clone)]
pub struct CoreBackend {
    load_graph: GraphLoader,
    graph: Arc<Mutex<Option<CachedGraph>>>,
    sts: Arc<Sts>,
    store: Arc<SessionStore>,
    sso: Sso,
}

impl CoreBackend {
    pub fn new(load_graph: GraphLoader, sts: Sts, store: SessionStore) -> Self {
        CoreBackend {
            load_graph,
            graph: Arc::new(Mutex::new(None)),
            sts: Arc::new(sts),
            store: Arc::new(store),
            sso: Sso::from_env(),
        }
    }

    /// A resolver over `graph` with this backend's STS, store and IAM Identity Center.
    fn resolver<'a>(&'a self, graph: &'a ProfileGraph, vars: &'a Vars<'a>) -> Resolver<'a> {
        Resolver::new(graph, &self.sts, &self.store, vars, &self.sso)
    }

    /// The backend with `graph` (just loaded by the caller) as its current one.
    pub fn with_graph(self, graph: Arc<ProfileGraph>) -> Self {
        *self.graph.lock().unwrap_or_else(|e| e.into_inner()) = Some((file_times(&graph), graph));
        self
    }

    /// The profile graph as the files are now, with the roles discovery has cached: loaded
    /// once, and again only when the config or credentials file changed, so an assume does
    /// not re-parse thousands of profiles.
    fn current_graph(&self) -> Arc<ProfileGraph> {
        let mut slot = self.graph.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((times, graph)) = slot.as_ref() {
            if *times == file_times(graph) {
                return graph.clone();
            }
        }
        let graph = Arc::new(self.load());
        *slot = Some((file_times(&graph), graph.clone()));
        graph
    }

    /// The files' profiles and the cached discovery's.
    fn load(&self) -> ProfileGraph {
        let graph = (self.load_graph)();
        crate::sso::with_discovered(&graph, &self.sso).unwrap_or(graph)
    }

    fn keep(&self, graph: ProfileGraph) -> Arc<ProfileGraph> {
        let graph = Arc::new(graph);
        *self.graph.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((file_times(&graph), graph.clone()));
        graph
    }

    /// Discovers the roles of every IAM Identity Center session with a valid token (from the
    /// cache when it is fresh, unless `refresh`); sessions not signed in are skipped.
    async fn discover_signed_in(&self, graph: &ProfileGraph, refresh: bool) {
        for config in SsoSessionConfig::all(graph) {
            let signed_in = self
                .sso
                .cached_token(&config)
                .ok()
                .flatten()
                .is_some_and(|t| !t.is_expired(self.sso.now()));
            if signed_in {
                // A failure leaves the cached discovery as it was; the list is still usable.
                let _ = self.sso.discover(&config, refresh).await;
            }
        }
    }
}

fn file_times(graph: &ProfileGraph) -> Vec<Option<SystemTime>> {
    modification_times(&[graph.paths.config.clone(), graph.paths.credentials.clone()])
}

/// How a resolution failure reaches the TUI: as the MFA modal, or a status line.
fn failure(e: ResolveError) -> AssumeFailure {
    match e.kind {
        ResolveErrorKind::MfaRequired { serial, reason } => {
            AssumeFailure::NeedsMfa { serial, reason }
        }
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
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.current_graph();
            let vars = Vars::process();
            let resolver = this.resolver(&graph, &vars);
            let options = ResolveOptions {
                // A code typed after a failure must reach STS, not a cached session: it
                // was asked for because the cached MFA session would not do.
                force_refresh: refresh || mfa_code.is_some(),
                renew_mfa: mfa_code.is_some(),
                mfa_mode: MfaMode::SessionToken,
                // The TUI reads the keys itself: a prompt could not be answered.
                process_terminal: ChildTerminal::None,
            };
            let obtained = resolver
                .obtain(&profile, &FixedMfa(mfa_code), &options)
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
        code: MfaCode,
    ) -> BoxFuture<'static, Result<Assumed, AssumeFailure>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.current_graph();
            let vars = Vars::process();
            let resolver = this.resolver(&graph, &vars);
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
                let loaded = this.store.load().map_err(|e| e.to_string())?;
                let graph = this.current_graph();
                let vars = Vars::process();
                let planner = Planner {
                    graph: &graph,
                    vars: &vars,
                    mfa_mode: MfaMode::SessionToken,
                };
                Ok(list_sessions(loaded.sessions, &planner))
            })
            .await
            .map_err(|e| e.to_string())?
        })
    }

    fn forget(&self, key: SessionKey) -> BoxFuture<'static, Result<(), String>> {
        let store = self.store.clone();
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
        prompt: tokio::sync::oneshot::Sender<SignInPrompt>,
    ) -> BoxFuture<'static, Result<(), String>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.current_graph();
            let config =
                SsoSessionConfig::for_profile(&graph, &profile).map_err(|e| e.to_string())?;
            let pending = this
                .sso
                .start_sign_in(&config)
                .await
                .map_err(|e| e.to_string())?;
            let url = pending
                .verification_uri_complete()
                .unwrap_or(pending.verification_uri())
                .to_string();
            let browser = match crate::browser::open(&url) {
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
                url,
                user_code: pending.user_code().to_string(),
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
            let graph = this.current_graph();
            SsoSessionConfig::all(&graph)
                .into_iter()
                .filter_map(|config| {
                    let token = this.sso.cached_token(&config).ok().flatten()?;
                    Some(SignInStatus {
                        session: config.describe(),
                        expires_at: token.expires_at,
                    })
                })
                .collect()
        })
    }

    fn reload(&self, rediscover: bool) -> BoxFuture<'static, Arc<ProfileGraph>> {
        let this = self.clone();
        Box::pin(async move {
            let files = (this.load_graph)();
            if rediscover {
                this.discover_signed_in(&files, true).await;
            }
            let graph = crate::sso::with_discovered(&files, &this.sso).unwrap_or(files);
            this.keep(graph)
        })
    }

    fn discover(&self) -> BoxFuture<'static, Option<Arc<ProfileGraph>>> {
        let this = self.clone();
        Box::pin(async move {
            let current = this.current_graph();
            this.discover_signed_in(&current, false).await;
            let graph = crate::sso::with_discovered(&current, &this.sso)?;
            Some(this.keep(graph))
        })
    }

    fn serve(
        &self,
        profile: String,
    ) -> BoxFuture<'static, Result<crate::server::CredentialServer, String>> {
        let this = self.clone();
        Box::pin(async move {
            let graph = this.clone();
            let feed = crate::server::ResolverFeed {
                profile,
                graph: Arc::new(move || graph.current_graph()),
                sts: (*this.sts).clone(),
                store: (*this.store).clone(),
                sso: this.sso.clone(),
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
            let graph = this.current_graph();
            let vars = Vars::process();
            let resolver = this.resolver(&graph, &vars);
            let signed_in = crate::console::sign_in(
                &resolver,
                &profile,
                &FixedMfa(None),
                &ResolveOptions::default(),
                &crate::console::ConsoleRequest::default(),
            )
            .await
            .map_err(|e| e.to_string())?;
            let print = format!("`rolecall console {profile} --print` prints the URL");
            let mut told = match crate::browser::open(signed_in.url.expose()) {
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
            let graph = this.clone();
            let graph = tokio::task::spawn_blocking(move || drop(graph.current_graph()));
            this.sts.prepare().await;
            let _ = graph.await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ConfigPaths;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A backend over `[profile a]` in a temporary directory, counting its graph loads.
    fn counting_backend() -> (tempfile::TempDir, Arc<AtomicUsize>, CoreBackend) {
        let dir = tempfile::tempdir().unwrap();
        let paths = ConfigPaths::in_dir(dir.path());
        std::fs::write(&paths.config, "[profile a]\nregion = x\n").unwrap();
        let loads = Arc::new(AtomicUsize::new(0));
        let counter = loads.clone();
        let loader: GraphLoader = Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            ProfileGraph::load(&paths)
        });
        let store = SessionStore::open(dir.path().join("cache")).unwrap();
        (dir, loads, CoreBackend::new(loader, Sts::new(), store))
    }

    #[tokio::test]
    async fn prepare_loads_what_the_first_assume_needs() {
        let (_dir, loads, backend) = counting_backend();
        assert!(
            !backend.sts.is_loaded(),
            "STS configuration loaded before it was needed"
        );
        assert_eq!(loads.load(Ordering::SeqCst), 0);
        backend.prepare().await;
        assert!(backend.sts.is_loaded());
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert!(backend.current_graph().get("a").is_some());
        assert_eq!(
            loads.load(Ordering::SeqCst),
            1,
            "the assume loaded the graph again"
        );
    }

    #[tokio::test]
    async fn graph_is_loaded_again_only_when_the_files_change() {
        let (dir, loads, backend) = counting_backend();
        let paths = ConfigPaths::in_dir(dir.path());
        assert!(backend.current_graph().get("a").is_some());
        assert!(backend.current_graph().get("a").is_some());
        assert_eq!(
            loads.load(Ordering::SeqCst),
            1,
            "unchanged files were parsed again"
        );
        std::fs::write(&paths.config, "[profile b]\nregion = x\n").unwrap();
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&paths.config)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(backend.current_graph().get("b").is_some());
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }
}
