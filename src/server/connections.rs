//! The endpoint's open connections, bounded ([`super::MAX_CONNECTIONS`]): which one to
//! close when a new one arrives at the limit.
//!
//! A connection that has not sent a complete request is the cheapest to lose (a real
//! client sends its request as soon as it connects), then one idle between requests
//! (a client reconnects); one inside a request is never closed. So a flood of connections
//! that send nothing, or half a request, only ever displaces itself, and a real client
//! arriving in the middle of it is accepted and served.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// No complete request yet.
const WAITING: u8 = 0;
/// Inside a request.
const ANSWERING: u8 = 1;
/// Answered, kept alive for the next.
const IDLE: u8 = 2;

/// One connection, as its task and the accept loop both see it.
#[derive(Default)]
pub(crate) struct Connection {
    phase: AtomicU8,
    ended: AtomicBool,
    close: Notify,
}

impl Connection {
    /// A request has arrived.
    pub(crate) fn answering(&self) {
        self.phase.store(ANSWERING, Ordering::Relaxed);
    }

    /// Its answer is given.
    pub(crate) fn answered(&self) {
        self.phase.store(IDLE, Ordering::Relaxed);
    }

    /// Resolves when the accept loop closes this connection to make room.
    pub(crate) async fn closed(&self) {
        self.close.notified().await;
    }

    fn is(&self, phase: u8) -> bool {
        self.phase.load(Ordering::Relaxed) == phase
    }
}

/// Marks its connection ended when the connection's task ends, however it ends.
pub(crate) struct Ended(Arc<Connection>);

impl Drop for Ended {
    fn drop(&mut self) {
        self.0.ended.store(true, Ordering::Relaxed);
    }
}

/// The open connections, oldest first.
pub(crate) struct Connections {
    open: VecDeque<Arc<Connection>>,
    limit: usize,
}

impl Connections {
    pub(crate) fn new(limit: usize) -> Self {
        Connections {
            open: VecDeque::new(),
            limit,
        }
    }

    /// Room for one more connection: at the limit, the oldest connection still waiting
    /// for its first request is closed, else the oldest idle one. `None` when every open
    /// connection is inside a request: the newcomer is refused.
    pub(crate) fn admit(&mut self) -> Option<(Arc<Connection>, Ended)> {
        if self.open.len() >= self.limit {
            self.open.retain(|c| !c.ended.load(Ordering::Relaxed));
            if self.open.len() >= self.limit && !self.close_one() {
                return None;
            }
        }
        let connection = Arc::new(Connection::default());
        self.open.push_back(connection.clone());
        Some((connection.clone(), Ended(connection)))
    }

    fn close_one(&mut self) -> bool {
        let oldest = |phase| self.open.iter().position(|c| c.is(phase));
        match oldest(WAITING).or_else(|| oldest(IDLE)) {
            Some(i) => {
                let connection = self.open.remove(i).expect("a position in the queue");
                connection.close.notify_one();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests;
