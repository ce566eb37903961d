//! What every front end builds once and shares: the profile graph (the files, or the
//! demo's, with the roles IAM Identity Center discovery has cached), STS, the session
//! store, IAM Identity Center, the long-term key store, the process's environment and
//! whether this is the demo.
//!
//! The CLI builds one per run, the TUI one for its whole life (its tasks and the
//! credential endpoint's feed hold clones), as aws-vault builds its `AwsVault` once.
//! Building one costs nothing: STS, the store and IAM Identity Center are made on first
//! use, and the graph is parsed when it is first asked for, then again only when the files
//! change. A command that only lists profiles never touches the rest.

use crate::fsutil::modification_times;
use crate::keys::{KeyError, KeyStore};
use crate::profile::{ConfigPaths, ProfileGraph};
use crate::resolve::{MfaMode, Planner, Resolver, Vars};
use crate::session::SessionStore;
use crate::sso::Sso;
use crate::sts::Sts;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// Parses the profile files afresh, so a caller always sees them as they are now.
pub type GraphLoader = Arc<dyn Fn() -> ProfileGraph + Send + Sync>;

/// Where the context's own warnings go (the CLI prints them on stderr).
pub type WarningSink = Arc<dyn Fn(&str) + Send + Sync>;

/// The session set-up every front end shares; cheap to clone (one `Arc` inside).
#[derive(Clone)]
pub struct Context {
    shared: Arc<Shared>,
}

struct Shared {
    load_files: GraphLoader,
    watched: Vec<PathBuf>,
    demo: bool,
    current: Mutex<Option<Current>>,
    sts: OnceLock<Sts>,
    /// The store, and why it lives in memory only when its directory could not be used.
    store: OnceLock<(SessionStore, Option<String>)>,
    sso: OnceLock<Sso>,
    keys: OnceLock<KeyStore>,
    vars: Vars<'static>,
    on_warning: OnceLock<WarningSink>,
}

/// The current graph and the modification times of the files it came from.
struct Current {
    times: Vec<Option<SystemTime>>,
    graph: Arc<ProfileGraph>,
}

impl Context {
    /// The user's files (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws`)
    /// and caches.
    pub fn from_env() -> Self {
        let paths = ConfigPaths::from_env();
        let watched = vec![paths.config.clone(), paths.credentials.clone()];
        Self::build(Arc::new(move || ProfileGraph::load(&paths)), watched, false)
    }

    /// The bundled demo's profiles (see [`crate::demo`]), after pointing every call of
    /// this process at the local emulators ([`crate::demo::prepare_environment`]): a demo
    /// context never exists without that guard. Its IAM Identity Center sign-in is kept in
    /// the demo's own cache. The error says what to unset.
    pub fn demo() -> Result<Self, String> {
        crate::demo::prepare_environment()?;
        let sso = Sso::from_env_with_token_cache(crate::demo::token_cache_dir());
        Ok(Self::demo_profiles().with_sso(sso))
    }

    fn demo_profiles() -> Self {
        Self::build(Arc::new(crate::demo::graph), Vec::new(), true)
    }

    /// Profiles from `load_files` (tests, benchmarks), everything else from the
    /// environment on first use.
    pub fn new(load_files: GraphLoader) -> Self {
        Self::build(load_files, Vec::new(), false)
    }

    fn build(load_files: GraphLoader, watched: Vec<PathBuf>, demo: bool) -> Self {
        Context {
            shared: Arc::new(Shared {
                load_files,
                watched,
                demo,
                current: Mutex::new(None),
                sts: OnceLock::new(),
                store: OnceLock::new(),
                sso: OnceLock::new(),
                keys: OnceLock::new(),
                vars: Vars::process(),
                on_warning: OnceLock::new(),
            }),
        }
    }

    /// This context with `sts` instead of one made on first use (set before first use).
    pub fn with_sts(self, sts: Sts) -> Self {
        let unused = self.shared.sts.set(sts).is_ok();
        debug_assert!(unused, "Context::with_sts after its first use");
        self
    }

    /// This context with `store` instead of the default directory's (set before first use).
    pub fn with_store(self, store: SessionStore) -> Self {
        let unused = self.shared.store.set((store, None)).is_ok();
        debug_assert!(unused, "Context::with_store after its first use");
        self
    }

    /// This context with `sso` instead of [`Sso::from_env`] (set before first use).
    pub fn with_sso(self, sso: Sso) -> Self {
        let unused = self.shared.sso.set(sso).is_ok();
        debug_assert!(unused, "Context::with_sso after its first use");
        self
    }

    /// This context telling `sink` what the user should know about it: a session store
    /// that could not be used (sessions then live in memory only).
    pub fn on_warning(self, sink: WarningSink) -> Self {
        let unused = self.shared.on_warning.set(sink).is_ok();
        debug_assert!(unused, "Context::on_warning after its first use");
        self
    }

    /// Whether this is the bundled demo (`--demo`).
    pub fn is_demo(&self) -> bool {
        self.shared.demo
    }

    /// The files whose change means the profiles changed (none for the demo).
    pub fn watched_files(&self) -> &[PathBuf] {
        &self.shared.watched
    }

    /// The profiles the files define, parsed now: no discovered role, nothing cached.
    /// For what reads the graph once (`list`, `check`, `sso`).
    pub fn files_graph(&self) -> ProfileGraph {
        let files = (self.shared.load_files)();
        if self.shared.demo {
            return files;
        }
        with_environment_default(files, &self.shared.vars)
    }

    /// `files` with the roles IAM Identity Center discovery has cached (no network; see
    /// [`crate::sso::with_discovered`]), or `files` as it is when discovery knows none.
    pub fn with_discovery(&self, files: ProfileGraph) -> ProfileGraph {
        self.discovered(&files).unwrap_or(files)
    }

    /// `graph` with the roles IAM Identity Center discovery has cached (its cache: no
    /// network), or `None` when discovery has nothing to add to it.
    pub fn discovered(&self, graph: &ProfileGraph) -> Option<ProfileGraph> {
        crate::sso::with_discovered(graph, self.sso())
    }

    /// The current graph: the last one loaded or set while the files are unchanged, else
    /// the files' profiles and the roles discovery has cached, loaded now. So an assume
    /// does not re-parse thousands of profiles, yet always sees the files as they are.
    pub fn graph(&self) -> Arc<ProfileGraph> {
        if let Some(graph) = self.unchanged() {
            return graph;
        }
        self.set_graph(self.with_discovery(self.files_graph()))
    }

    /// A graph that defines `profile` if anything does: the current one when it has it,
    /// else the files', with discovery read only when no file defines `profile` (a name
    /// no file defines may be a role discovery found, named as `rolecall sso sync` would).
    pub fn graph_for(&self, profile: &str) -> Arc<ProfileGraph> {
        if let Some(graph) = self.unchanged().filter(|g| g.get(profile).is_some()) {
            return graph;
        }
        let files = self.files_graph();
        let graph = match files.get(profile) {
            Some(_) => files,
            None => self.with_discovery(files),
        };
        self.set_graph(graph)
    }

    /// Makes `graph` (just loaded from the files) the current one until the files change.
    pub fn set_graph(&self, graph: impl Into<Arc<ProfileGraph>>) -> Arc<ProfileGraph> {
        let graph = graph.into();
        let current = Current {
            times: file_times(&graph),
            graph: graph.clone(),
        };
        *self
            .shared
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(current);
        graph
    }

    /// The current graph, when the files it came from are unchanged.
    fn unchanged(&self) -> Option<Arc<ProfileGraph>> {
        let slot = self
            .shared
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let current = slot.as_ref()?;
        (current.times == file_times(&current.graph)).then(|| current.graph.clone())
    }

    /// A resolver over `graph` with this context's STS, store, environment and IAM
    /// Identity Center.
    pub fn resolver<'a>(&'a self, graph: &'a ProfileGraph) -> Resolver<'a> {
        Resolver::new(graph, self.sts(), self.store(), self.vars(), self.sso()).with_keys(self)
    }

    /// A planner over `graph` with this context's environment.
    pub fn planner<'a>(&'a self, graph: &'a ProfileGraph, mfa_mode: MfaMode) -> Planner<'a, 'a> {
        Planner::new(graph, self.vars(), mfa_mode)
    }

    /// STS; nothing is loaded until its first call (see [`Sts::prepare`]).
    pub fn sts(&self) -> &Sts {
        self.shared.sts.get_or_init(Sts::new)
    }

    /// The session store, opened on first use; a memory-only one (said once through
    /// [`Context::on_warning`], and by [`Context::store_warning`]) when its directory
    /// cannot be used: a broken cache must not stop anyone from getting a session.
    pub fn store(&self) -> &SessionStore {
        &self.opened_store().0
    }

    /// Why the store lives in memory only, when it does (opens it if needed).
    pub fn store_warning(&self) -> Option<&str> {
        self.opened_store().1.as_deref()
    }

    fn opened_store(&self) -> &(SessionStore, Option<String>) {
        self.shared.store.get_or_init(|| {
            let (store, warning) = SessionStore::open_or_memory(SessionStore::default_dir());
            if let (Some(warning), Some(sink)) = (&warning, self.shared.on_warning.get()) {
                sink(warning);
            }
            (store, warning)
        })
    }

    /// IAM Identity Center with the user's caches and the environment's endpoints.
    pub fn sso(&self) -> &Sso {
        self.shared.sso.get_or_init(Sso::from_env)
    }

    /// The long-term key store, opened on first use on the backend the environment
    /// chooses ([`KeyStore::open`]). Opening asks for nothing; an error (an unknown
    /// `ROLECALL_KEYRING`, no home for the key file) is returned each time it is asked for.
    pub fn keys(&self) -> Result<&KeyStore, KeyError> {
        if let Some(keys) = self.shared.keys.get() {
            return Ok(keys);
        }
        let vars = self.vars();
        let opened = KeyStore::open(&|name| vars.get(name))?;
        Ok(self.shared.keys.get_or_init(|| opened))
    }

    /// This context with `keys` instead of the store the environment chooses (set before
    /// first use).
    pub fn with_keys(self, keys: KeyStore) -> Self {
        let unused = self.shared.keys.set(keys).is_ok();
        debug_assert!(unused, "Context::with_keys after its first use");
        self
    }

    /// The process's environment, as planning reads it.
    pub fn vars(&self) -> &Vars<'static> {
        &self.shared.vars
    }
}

/// Keyring profiles' keys, from this context's key store (opened on first use: a profile
/// that is not one never opens it).
impl crate::resolve::StoredKeys for Context {
    fn stored_key(
        &self,
        profile: &str,
    ) -> Result<Option<(crate::credentials::Credentials, String)>, String> {
        let store = self.keys().map_err(|e| e.to_string())?;
        let Some(key) = store.get(profile).map_err(|e| e.to_string())? else {
            // Which store was asked: keys added in another (the Secret Service of a
            // desktop session, seen from SSH) are not found in this one.
            return Err(format!(
                "no key is stored for '{}' in {}: `rolecall keys add {}` stores one there, \
                 or ROLECALL_KEYRING names the store that holds it",
                crate::term_text::visible(profile),
                store.backend().describe(),
                crate::term_text::visible(profile)
            ));
        };
        let credentials = crate::credentials::Credentials {
            access_key_id: key.access_key_id.clone(),
            secret_access_key: key.secret_access_key.clone(),
            session_token: None,
            expiration: None,
        };
        Ok(Some((credentials, store.backend().name().to_string())))
    }
}

fn file_times(graph: &ProfileGraph) -> Vec<Option<SystemTime>> {
    modification_times(&[graph.paths.config.clone(), graph.paths.credentials.clone()])
}

/// `files` with an empty `[default]` when the environment holds a web identity
/// (`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`) and no file defines `default`: in a
/// pod or a CI job with no config file, `default` is that web identity, as the SDKs'
/// default chain finds it with no profile at all.
fn with_environment_default(files: ProfileGraph, vars: &Vars<'_>) -> ProfileGraph {
    let web_identity =
        vars.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() && vars.get("AWS_ROLE_ARN").is_some();
    if !web_identity || files.get("default").is_some() {
        return files;
    }
    let empty_default = ProfileGraph::from_texts(files.paths.clone(), "[default]\n", "");
    let mut profiles = files.profiles().to_vec();
    profiles.extend(empty_default.into_profiles());
    files.with_profiles(profiles)
}

#[cfg(test)]
mod tests;
