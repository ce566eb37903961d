//! The TUI's [`Backend`] on the real core: the resolver, STS and the session store.

use crate::profile::ProfileGraph;
use crate::resolve::{FixedMfa, ResolveErrorKind, ResolveOptions, Resolver};
use crate::session::{Session, SessionKind, SessionStore};
use crate::source::MetadataConfig;
use crate::sts::{MfaCode, Sts};
use crate::tui::backend::{AssumeFailure, Backend};
use futures::future::BoxFuture;
use std::sync::Arc;

/// Loads the profile graph afresh, so an assume always sees the files as they are now.
pub type GraphLoader = Arc<dyn Fn() -> ProfileGraph + Send + Sync>;

/// The real backend; cheap to clone into each background task.
#[derive(Clone)]
pub struct CoreBackend {
    load_graph: GraphLoader,
    sts: Arc<Sts>,
    store: Arc<SessionStore>,
}

impl CoreBackend {
    pub fn new(load_graph: GraphLoader, sts: Sts, store: SessionStore) -> Self {
        CoreBackend {
            load_graph,
            sts: Arc::new(sts),
            store: Arc::new(store),
        }
    }
}

impl Backend for CoreBackend {
    fn assume(
        &self,
        profile: String,
        mfa_code: Option<String>,
    ) -> BoxFuture<'static, Result<Session, AssumeFailure>> {
        let this = self.clone();
        Box::pin(async move {
            let code = match mfa_code.as_deref().map(MfaCode::parse).transpose() {
                Ok(code) => code,
                Err(message) => return Err(AssumeFailure::WrongMfa { message }),
            };
            let had_code = code.is_some();
            let graph = (this.load_graph)();
            let resolver = Resolver {
                graph: &graph,
                sts: &this.sts,
                store: Some(&this.store),
                metadata: MetadataConfig::from_env(),
            };
            let options = ResolveOptions {
                // A code typed after a failure must reach STS, not the cached session.
                force_refresh: had_code,
                ..ResolveOptions::default()
            };
            resolver
                .obtain(&profile, &FixedMfa(code), &options)
                .await
                .map_err(|e| match &e.kind {
                    ResolveErrorKind::MfaRequired { serial } => AssumeFailure::NeedsMfa {
                        serial: serial.clone(),
                    },
                    kind if kind.is_wrong_mfa() => AssumeFailure::WrongMfa {
                        message: kind.to_string(),
                    },
                    // The TUI names the profile itself; give it the step and the cause.
                    kind => AssumeFailure::Failed {
                        message: format!("{}{kind}", e.step),
                    },
                })
        })
    }

    fn sessions(&self) -> BoxFuture<'static, Result<Vec<Session>, String>> {
        let store = self.store.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.load())
                .await
                .map_err(|e| e.to_string())?
                .map(|loaded| {
                    loaded
                        .sessions
                        .into_iter()
                        .filter(|s| s.kind == SessionKind::Profile)
                        .collect()
                })
                .map_err(|e| e.to_string())
        })
    }

    fn forget(&self, profile: String) -> BoxFuture<'static, Result<(), String>> {
        let store = self.store.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.remove(Some(&profile)).map(|_| ()))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())
        })
    }
}
