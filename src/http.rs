//! The one HTTPS client every AWS call goes through (STS, SSO, SSO OIDC, the container
//! endpoint): hyper 1 with rustls on ring.
//!
//! The SDK crates can bring their own client, but each would pick its TLS stack through
//! its features; building it here once keeps a single stack in the binary and lets every
//! client share one connection pool. Building it is cheap: the TLS roots are read when
//! the first connection is made.

use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
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
