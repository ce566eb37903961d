//! Plain-HTTP requests to the instance metadata service on the one HTTP stack the SDK
//! clients use (`crate::http`: hyper-util's legacy client, HTTP/1.1 with keep-alive, here
//! one pool per credential fetch), each request bounded by one timeout over connect,
//! send and body.
//!
//! The same connector type as `crate::http::client()` on purpose: a second instantiation
//! of hyper-util's client over another connector or body type added 1.1 MB to the binary
//! (docs: IMDS client). aws-config's own IMDS client is not used because it speaks
//! IMDSv2 only and does not tell a refused or dropped token request from an answer.

use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::HttpConnector;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::{Method, Request};
use std::sync::OnceLock;
use std::time::Duration;

/// IMDS documents are a few hundred bytes; a larger body is not IMDS.
const BODY_LIMIT: usize = 64 * 1024;

/// A response: status code and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
}

/// Why a request failed, without any secret (headers are never echoed).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot build a request to {0} (the URL or the IMDS token is not valid in HTTP)")]
    BadRequest(String),
    #[error("no answer from {url} within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    #[error("cannot reach {url}: {reason}{}", demo_advice())]
    Unreachable { url: String, reason: String },
}

/// In the demo, what to do when its emulator (which serves the metadata) does not answer.
fn demo_advice() -> String {
    if crate::demo::is_active() {
        format!(" ({})", crate::demo::START_EMULATORS)
    } else {
        String::new()
    }
}

/// The metadata requests of a fetch, each bounded by `timeout`.
pub struct MetadataClient {
    connector: &'static Connector,
    timeout: Duration,
}

/// One connector for the process (building one parses the TLS roots, 0.1 ms a fetch): its
/// pool keeps the IMDS connection for the token, listing and credentials requests.
fn connector() -> &'static Connector {
    static CONNECTOR: OnceLock<Connector> = OnceLock::new();
    CONNECTOR.get_or_init(|| {
        Connector::builder()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build()
    })
}

impl MetadataClient {
    pub fn new(timeout: Duration) -> Self {
        MetadataClient {
            connector: connector(),
            timeout,
        }
    }

    /// Sends one request and reads the whole body, all within the timeout.
    pub async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&'static str, &str)],
    ) -> Result<Reply, HttpError> {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(url)
            .header(hyper::header::USER_AGENT, "rolecall");
        if method == Method::PUT {
            request = request.header(hyper::header::CONTENT_LENGTH, "0");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(SdkBody::empty())
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| HttpError::BadRequest(url.to_string()))?;
        let unreachable = |e: &dyn std::error::Error| HttpError::Unreachable {
            url: url.to_string(),
            reason: error_chain(e),
        };
        let exchange = async {
            let response = self
                .connector
                .call(request)
                .await
                .map_err(|e| unreachable(&e))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), BODY_LIMIT)
                .collect()
                .await
                .map_err(|e| unreachable(&*e))?
                .to_bytes();
            Ok(Reply { status, body })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| HttpError::Timeout {
                url: url.to_string(),
                timeout: self.timeout,
            })?
    }
}

/// hyper's errors say little at the top ("client error (Connect)"): the cause is below.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    // The wrappers' own words ("io error", "client error (Connect)") say nothing the
    // innermost cause does not.
    let last = parts.len().saturating_sub(1);
    let generic = |p: &str| p == "io error" || p.starts_with("client error (");
    let kept: Vec<&str> = parts
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == last || !generic(p))
        .map(|(_, p)| p.as_str())
        .collect();
    kept.join(": ")
}
