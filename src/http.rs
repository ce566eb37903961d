//! The one HTTPS client every AWS call goes through (STS, SSO, SSO OIDC, the container
//! endpoint): hyper 1 with rustls on ring.
//!
//! The SDK crates can bring their own client, but each would pick its TLS stack through
//! its features; building it here once keeps a single stack in the binary and lets every
//! client share one connection pool. Building it is cheap: the TLS roots are read when
//! the first connection is made.

use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::error::display::DisplayErrorContext;
use std::sync::OnceLock;

/// The process's HTTPS client (plain HTTP works too, for loopback endpoints).
pub fn client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            aws_smithy_http_client::Builder::new()
                .tls_provider(Provider::Rustls(CryptoMode::Ring))
                .build_https()
        })
        .clone()
}

/// Why a [`get`] failed. It never holds the URL: a URL can carry a secret (the console
/// federation endpoint's `getSigninToken` query holds a session), so callers name the
/// endpoint themselves.
#[derive(Debug, thiserror::Error)]
pub enum GetError {
    #[error("the URL is not valid")]
    BadUrl,
    #[error("no answer within {0:?}")]
    Timeout(std::time::Duration),
    #[error("{0}")]
    Connection(String),
}

/// A plain GET of `url` over the same HTTPS stack (hyper 1, rustls on ring) as the AWS
/// calls, for the endpoints no SDK client covers (the console's federation endpoint).
/// Returns the status and the whole body; `timeout` bounds the whole exchange.
pub async fn get(url: &str, timeout: std::time::Duration) -> Result<(u16, Vec<u8>), GetError> {
    use aws_smithy_runtime_api::client::http::HttpConnector;
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::byte_stream::ByteStream;

    static CONNECTOR: OnceLock<aws_smithy_http_client::Connector> = OnceLock::new();
    let connector = CONNECTOR.get_or_init(|| {
        aws_smithy_http_client::Connector::builder()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build()
    });
    let mut request = HttpRequest::new(SdkBody::empty());
    request.set_uri(url).map_err(|_| GetError::BadUrl)?;
    request.headers_mut().insert(
        "user-agent",
        concat!("rolecall/", env!("CARGO_PKG_VERSION")),
    );
    let exchange = async {
        let response = connector
            .call(request)
            .await
            .map_err(|e| GetError::Connection(DisplayErrorContext(&e).to_string()))?;
        let status = response.status().as_u16();
        let body = ByteStream::new(response.into_body())
            .collect()
            .await
            .map_err(|e| GetError::Connection(DisplayErrorContext(&e).to_string()))?;
        Ok((status, body.into_bytes().to_vec()))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| GetError::Timeout(timeout))?
}
