//! The one HTTPS client every AWS call goes through (STS, SSO, SSO OIDC, the container
//! endpoint): hyper 1 with rustls on ring.
//!
//! The SDK crates can bring their own client, but each would pick its TLS stack through
//! its features; building it here once keeps a single stack in the binary and lets every
//! client share one connection pool.
//!
//! The system's TLS roots are read only when a request needs TLS. The SDK asks its HTTP
//! client for a connector before the first call, and the HTTPS connector reads every
//! certificate under `/etc/ssl/certs` when it is built: most of a command's own work when
//! STS is plain `http://` on loopback (moto, the demo, a proxy). So the connector handed to
//! the SDK here picks per request, and builds the HTTPS one on the first `https://` URL.

use crate::error_chain::{holds, root_cause};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use std::sync::OnceLock;

/// The most bytes of one answer an SDK call reads. STS and IAM Identity Center answer in
/// a few KiB (a page of 100 accounts is about 10 KiB); a larger body is not theirs, and
/// reading it whole would cost memory in proportion to whatever a wrong endpoint sends.
pub const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The process's HTTPS client (plain HTTP works too, for loopback endpoints). Answers are
/// read up to [`MAX_ANSWER_BYTES`]; beyond that, the call fails with
/// [`http_body_util::LengthLimitError`] in its chain.
pub fn client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            SharedHttpClient::new(Bounded {
                plain: aws_smithy_http_client::Builder::new().build_http(),
                tls: aws_smithy_http_client::Builder::new()
                    .tls_provider(Provider::Rustls(CryptoMode::Ring))
                    .build_https(),
            })
        })
        .clone()
}

/// Whether an error's chain holds the answer-size limit of [`client`] and [`get`].
pub fn too_large(err: &(dyn std::error::Error + 'static)) -> bool {
    holds::<http_body_util::LengthLimitError>(err)
}

/// An HTTP client whose answers' bodies stop at [`MAX_ANSWER_BYTES`], and whose HTTPS
/// connector (with the TLS roots) is built only for a request that needs it.
#[derive(Debug)]
struct Bounded {
    /// Plain `http://` (loopback emulators, the demo): no TLS set-up at all.
    plain: SharedHttpClient,
    tls: SharedHttpClient,
}

impl HttpClient for Bounded {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BoundedConnector {
            plain: Lazy::new(&self.plain, settings, components),
            tls: Lazy::new(&self.tls, settings, components),
        })
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.tls.connector_metadata()
    }
}

/// One of [`Bounded`]'s clients' connectors, asked for on first use.
#[derive(Debug)]
struct Lazy {
    client: SharedHttpClient,
    settings: HttpConnectorSettings,
    components: RuntimeComponents,
    connector: OnceLock<SharedHttpConnector>,
}

impl Lazy {
    fn new(
        client: &SharedHttpClient,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> Self {
        Lazy {
            client: client.clone(),
            settings: settings.clone(),
            components: components.clone(),
            connector: OnceLock::new(),
        }
    }

    fn get(&self) -> &SharedHttpConnector {
        self.connector
            .get_or_init(|| self.client.http_connector(&self.settings, &self.components))
    }
}

#[derive(Debug)]
struct BoundedConnector {
    plain: Lazy,
    tls: Lazy,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let plain = request.uri().starts_with("http://");
        let connector = if plain { &self.plain } else { &self.tls };
        let answer = connector.get().call(request);
        HttpConnectorFuture::new(async move {
            Ok(answer.await?.map(|body| {
                SdkBody::from_body_1_x(http_body_util::Limited::new(body, MAX_ANSWER_BYTES))
            }))
        })
    }
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
    #[error("an answer larger than {} KiB", MAX_ANSWER_BYTES >> 10)]
    TooLarge,
}

/// A plain GET of `url` over the same HTTPS stack (hyper 1, rustls on ring) as the AWS
/// calls, for the endpoints no SDK client covers (the console's federation endpoint).
/// Returns the status and the whole body (at most [`MAX_ANSWER_BYTES`]); `timeout` bounds
/// the whole exchange.
pub async fn get(url: &str, timeout: std::time::Duration) -> Result<(u16, Vec<u8>), GetError> {
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
            .map_err(|e| GetError::Connection(root_cause(&e)))?;
        let status = response.status().as_u16();
        let limited = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES);
        let body = ByteStream::new(SdkBody::from_body_1_x(limited))
            .collect()
            .await
            .map_err(|e| {
                if too_large(&e) {
                    GetError::TooLarge
                } else {
                    GetError::Connection(root_cause(&e))
                }
            })?;
        Ok((status, body.into_bytes().to_vec()))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| GetError::Timeout(timeout))?
}
