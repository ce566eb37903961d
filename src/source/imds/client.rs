//! Plain-HTTP requests to the instance metadata service, on the hyper 1 client the
//! binary already carries (hyper-util's legacy client, HTTP/1.1, one pooled connection),
//! each request bounded by one timeout over connect, send and body.
//!
//! Not `crate::http::client()`: that is the SDK's HTTPS client, and the IMDSv1 fallback
//! needs to tell a refused or dropped token request from an answer, which aws-config's
//! IMDSv2-only client does not expose.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::{Method, Request};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
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
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
}

/// One client per credential fetch: its connection is reused by the token, listing and
/// credentials requests, and closed when the fetch is done.
pub struct MetadataClient {
    client: Client<HttpConnector, Empty<Bytes>>,
    timeout: Duration,
}

impl MetadataClient {
    pub fn new(timeout: Duration) -> Self {
        MetadataClient {
            client: Client::builder(TokioExecutor::new()).build_http(),
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
            .body(Empty::new())
            .map_err(|_| HttpError::BadRequest(url.to_string()))?;
        let unreachable = |e: &dyn std::error::Error| HttpError::Unreachable {
            url: url.to_string(),
            reason: error_chain(e),
        };
        let exchange = async {
            let response = self
                .client
                .request(request)
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
    if parts.len() > 1 && parts[0].starts_with("client error (") {
        parts.remove(0);
    }
    parts.join(": ")
}
