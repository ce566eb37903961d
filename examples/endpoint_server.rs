//! The credential endpoint serving fixed credentials, for `benches/endpoint.sh`.
//!
//! Runs on a current-thread runtime (one core's worth of work, however many cores the
//! machine has), prints `URL TOKEN` on one line, serves until its stdin closes, then prints
//! how many requests it answered. The credentials never expire within a run, so every
//! request takes the hot path: the session cached, the JSON body pre-serialised.

use futures::future::BoxFuture;
use rolecall::credentials::Credentials;
use rolecall::secret::Secret;
use rolecall::server::{self, FeedError, ServerConfig, SessionFeed};
use std::io::{BufRead, Write};
use std::sync::Arc;

struct Fixed(Credentials);

impl SessionFeed for Fixed {
    fn obtain(&self, _force: bool) -> BoxFuture<'static, Result<Credentials, FeedError>> {
        let credentials = self.0.clone();
        Box::pin(async move { Ok(credentials) })
    }
}

fn main() {
    let credentials = Credentials {
        access_key_id: "ASIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        // A session token the size STS issues for an assumed role.
        session_token: Some(Secret::new("IQoJb3JpZ2luX2VjEXAMPLE".repeat(40))),
        expiration: Some(chrono::Utc::now() + chrono::TimeDelta::hours(12)),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let endpoint = server::start(Arc::new(Fixed(credentials)), ServerConfig::default())
            .await
            .expect("the endpoint starts");
        endpoint
            .refresh_now()
            .await
            .expect("the fixed feed answers");
        {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{} {}",
                endpoint.url(),
                endpoint.served_env().token().expose()
            )
            .and_then(|_| out.flush())
            .expect("write to stdout");
        }
        tokio::task::spawn_blocking(|| {
            for line in std::io::stdin().lock().lines() {
                if line.is_err() {
                    break;
                }
            }
        })
        .await
        .expect("wait for stdin to close");
        let status = endpoint.status();
        rolecall::term_eprintln!(
            "endpoint_server: {} requests served, {} refused, {} failed, {} refresh(es)",
            status.requests_served,
            status.requests_refused,
            status.requests_failed,
            status.refreshes
        );
        endpoint.shutdown().await;
    });
}
