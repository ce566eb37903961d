//! The HTTP side: hyper answers on 127.0.0.1, this module decides each answer.

use super::cache::{error_body, Answer, Cache};
use super::connections::{Connection, Connections};
use super::token::AuthToken;
use super::MAX_REQUEST_HEAD;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ALLOW, AUTHORIZATION, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The one path that serves credentials; any other is a 404.
pub const CREDENTIALS_PATH: &str = "/";

/// A pause after a failed `accept` (out of file descriptors), so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(50);

/// The bounds on connections: see [`super::MAX_CONNECTIONS`] and [`super::HEADER_READ_TIMEOUT`].
#[derive(Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_read_timeout: Duration,
}

/// Decides the answer to each request: the token first, then path and method, then the cache.
pub(crate) struct Handler {
    pub(crate) token: AuthToken,
    pub(crate) cache: Arc<Cache>,
}

impl Handler {
    pub(crate) async fn handle<B>(&self, request: Request<B>) -> Response<Full<Bytes>> {
        let refused = |status, code, message| {
            self.cache.count_refused();
            json(status, error_body(code, message))
        };
        match request.headers().get(AUTHORIZATION) {
            None => {
                return refused(
                    StatusCode::UNAUTHORIZED,
                    "MissingAuthorization",
                    "rolecall: this endpoint needs the Authorization header \
                     (set it from AWS_CONTAINER_AUTHORIZATION_TOKEN)",
                )
            }
            Some(presented) if !self.token.matches(presented.as_bytes()) => {
                return refused(
                    StatusCode::FORBIDDEN,
                    "InvalidAuthorization",
                    "rolecall: the Authorization header does not match this endpoint's token",
                )
            }
            Some(_) => {}
        }
        if request.uri().path() != CREDENTIALS_PATH {
            return refused(
                StatusCode::NOT_FOUND,
                "NotFound",
                "rolecall: credentials are served at / only",
            );
        }
        if request.method() != Method::GET {
            let mut response = refused(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "rolecall: only GET is allowed",
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        match self.cache.answer().await {
            Answer::Credentials(body) => json(StatusCode::OK, body),
            Answer::Error(body) => json(StatusCode::INTERNAL_SERVER_ERROR, body),
        }
    }
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Accepts connections until `shutdown` turns true (or its sender is dropped), then lets
/// the open connections finish the request they are answering.
pub(crate) async fn serve(
    listener: TcpListener,
    handler: Arc<Handler>,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let mut open = Connections::new(limits.max_connections);
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                // With every connection inside a request, the newcomer is closed (dropped).
                Ok((stream, _)) => if let Some((connection, ended)) = open.admit() {
                    let serve = serve_connection(stream, handler.clone(), connection, limits, shutdown.clone());
                    connections.spawn(async move {
                        let _ended = ended;
                        serve.await;
                    });
                },
                Err(_) => tokio::time::sleep(ACCEPT_ERROR_PAUSE).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// Serves one connection until the client closes it, it idles past the header timeout,
/// the accept loop closes it to make room (dropping it closes the socket), or the
/// endpoint stops.
async fn serve_connection(
    stream: TcpStream,
    handler: Arc<Handler>,
    tracked: Arc<Connection>,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let phases = tracked.clone();
    let service = service_fn(move |request| {
        let handler = handler.clone();
        let phases = phases.clone();
        async move {
            phases.answering();
            let response = handler.handle(request).await;
            phases.answered();
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_REQUEST_HEAD)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = tracked.closed() => {}
        _ = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Resolves once the endpoint is told to stop, or once its handle is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
