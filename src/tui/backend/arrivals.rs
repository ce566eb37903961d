//! The accounts of a running discovery as they arrive: each step goes to the TUI as a
//! status ("312 of 665 accounts") with the profile list, rebuilt at most once a second
//! with the roles found so far, so the list grows while discovery runs. Accounts not yet
//! asked again keep the roles the previous discovery cached.

use super::{DiscoverySender, DiscoveryStatus};
use crate::context::Context;
use crate::profile::ProfileGraph;
use crate::sso::{DiscoveredRole, DiscoveryProgress, SsoSessionConfig};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the list is rebuilt while accounts arrive (a rebuild of thousands of roles
/// takes milliseconds; every account would be too often).
const REBUILD_EVERY: Duration = Duration::from_secs(1);

/// One session's discovery as it goes; see the module documentation.
pub struct Arrivals<'a> {
    context: &'a Context,
    /// The profiles discovery started from.
    base: &'a ProfileGraph,
    session: String,
    progress: &'a DiscoverySender,
    found: Mutex<Found>,
}

#[derive(Default)]
struct Found {
    roles: Vec<DiscoveredRole>,
    rebuilt: Option<Instant>,
    /// The list last rebuilt: every report carries it, since only the latest is kept.
    graph: Option<Arc<ProfileGraph>>,
}

impl<'a> Arrivals<'a> {
    pub fn new(
        context: &'a Context,
        base: &'a ProfileGraph,
        config: &SsoSessionConfig,
        progress: &'a DiscoverySender,
    ) -> Self {
        Arrivals {
            context,
            base,
            session: config.describe(),
            progress,
            found: Mutex::new(Found::default()),
        }
    }

    /// Tells the TUI that the discovery failed, and why.
    pub fn failed(&self, error: &crate::sso::SsoError) {
        let status = DiscoveryStatus {
            session: self.session.clone(),
            accounts_listed: 0,
            accounts_total: None,
            accounts_done: 0,
            error: Some(error.to_string()),
        };
        let _ = self.progress.send(Some((status, None)));
    }

    /// Tells the TUI of `p`, with the list rebuilt when it is time.
    pub fn step(&self, p: &DiscoveryProgress<'_>) {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        found.roles.extend_from_slice(p.arrived);
        let complete = p.accounts_total == Some(p.accounts_done);
        let due = found.rebuilt.is_none_or(|t| t.elapsed() >= REBUILD_EVERY);
        if !p.arrived.is_empty() && (due || complete) {
            found.rebuilt = Some(Instant::now());
            let rebuilt =
                crate::sso::with_discovered_arriving(self.base, self.context.sso(), &found.roles);
            if let Some(graph) = rebuilt {
                found.graph = Some(self.context.set_graph(graph));
            }
        }
        let status = DiscoveryStatus {
            session: self.session.clone(),
            accounts_listed: p.accounts_listed,
            accounts_total: p.accounts_total,
            accounts_done: p.accounts_done,
            error: None,
        };
        let _ = self.progress.send(Some((status, found.graph.clone())));
    }
}
