//! The loopback listener the browser comes back to at the end of the authorization-code
//! sign-in: `http://127.0.0.1:<free port>/oauth/callback?code=…&state=…`.
//!
//! Everything that arrives here is outside text (any local program, or any web page the
//! browser shows, may send a request), so the listener:
//! - binds 127.0.0.1 only, on a port the system picks;
//! - reads at most [`MAX_HEAD`] bytes of a request head, for at most [`READ_TIMEOUT`], and
//!   serves at most [`MAX_CONNECTIONS`] connections at once;
//! - takes an answer only from `GET /oauth/callback` with `Host: 127.0.0.1:<port>` (no
//!   other name: a page on a domain rebound to 127.0.0.1 sends its own) and the `state` it
//!   is waiting for (each name once): any other request is answered and ignored;
//! - answers the browser with fixed pages that echo nothing it sent;
//! - passes on an OAuth `error` only when it is a plain code (`[a-z_]`, 40 characters at
//!   most), so nothing a request carries reaches the terminal.

use crate::secret::Secret;
use percent_encoding::percent_decode_str;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The redirect URI's path.
pub const CALLBACK_PATH: &str = "/oauth/callback";

/// The redirect URI RegisterClient is given, without a port (the AWS CLI's; a loopback
/// redirect may use any port, RFC 8252 section 7.3).
pub const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";

/// The longest request head read (a browser's is about a kilobyte).
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request head (the AWS CLI's 10 s).
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait in the system's queue.
const MAX_CONNECTIONS: usize = 8;
/// The pause after a failed `accept` (out of file descriptors, a connection reset in the
/// queue): the error may last, and trying again at once would spin a core.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// What the browser brought back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BrowserAnswer {
    /// The authorization code (a secret: it buys a token with the verifier).
    Code(Secret),
    /// The OAuth `error` code the authorize step redirected with, or `unrecognised_error`.
    Refused(String),
}

/// The loopback listener; see the module documentation. Dropping it closes the port.
#[derive(Debug)]
pub(crate) struct CallbackListener {
    listener: TcpListener,
    port: u16,
}

impl CallbackListener {
    /// Listens on 127.0.0.1, on a free port.
    pub(crate) async fn bind() -> io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        Ok(CallbackListener { listener, port })
    }

    /// The redirect URI with this listener's port: what the authorize URL and CreateToken
    /// name.
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Serves requests until one brings the answer for `state`. Never ends otherwise: the
    /// caller bounds the wait.
    pub(crate) async fn answer(&self, state: &str) -> BrowserAnswer {
        let mut serving = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept(), if serving.len() < MAX_CONNECTIONS => {
                    match accepted {
                        Ok((stream, _)) => {
                            let host = format!("127.0.0.1:{}", self.port);
                            serving.spawn(serve(stream, host, state.to_string()));
                        }
                        Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
                    }
                }
                Some(served) = serving.join_next() => {
                    if let Ok(Some(answer)) = served {
                        return answer;
                    }
                }
            }
        }
    }
}

/// Whether `sent` is `state`, compared in constant time: how long a wrong guess takes to
/// refuse tells nothing of how much of it was right.
fn same_state(sent: &str, state: &str) -> bool {
    use subtle::ConstantTimeEq;
    sent.as_bytes().ct_eq(state.as_bytes()).into()
}

/// One connection: read the head, judge it, answer with a fixed page.
async fn serve(mut stream: TcpStream, host: String, state: String) -> Option<BrowserAnswer> {
    let head = tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()?
        .ok()?;
    let (page, answer) = if names_host(&head, &host) {
        judge(head.split("\r\n").next().unwrap_or(""), &state)
    } else {
        (BrowserPage::NotThisSignIn, None)
    };
    let _ = stream.write_all(page.response().as_bytes()).await;
    let _ = stream.shutdown().await;
    answer
}

/// The request head, up to the blank line (or [`MAX_HEAD`] bytes, or the peer's end).
async fn read_head(stream: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while head.len() < MAX_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// Whether the request head's one `Host` header is `host`.
pub(crate) fn names_host(head: &str, host: &str) -> bool {
    let mut hosts = head
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim());
    matches!((hosts.next(), hosts.next()), (Some(h), None) if h == host)
}

/// The fixed pages the browser is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BrowserPage {
    SignedIn,
    Refused,
    /// Not the request rolecall waits for (another state, no code).
    NotThisSignIn,
    NotFound,
}

impl BrowserPage {
    fn status(self) -> &'static str {
        match self {
            BrowserPage::SignedIn | BrowserPage::Refused => "200 OK",
            BrowserPage::NotThisSignIn => "400 Bad Request",
            BrowserPage::NotFound => "404 Not Found",
        }
    }

    fn text(self) -> &'static str {
        match self {
            BrowserPage::SignedIn => "Signed in. You can close this tab and go back to rolecall.",
            BrowserPage::Refused => {
                "The sign-in did not go through. Go back to rolecall to see why."
            }
            BrowserPage::NotThisSignIn => "This is not the sign-in rolecall is waiting for.",
            BrowserPage::NotFound => "Nothing here.",
        }
    }

    /// The whole HTTP response: fixed text, nothing from the request.
    pub(crate) fn response(self) -> String {
        let body = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>rolecall</title></head>\
             <body><p>{}</p></body></html>\n",
            self.text()
        );
        format!(
            "HTTP/1.1 {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
             Content-Security-Policy: default-src 'none'\r\nConnection: close\r\n\r\n{body}",
            self.status(),
            body.len()
        )
    }
}

/// What a request line means for the sign-in waiting for `state`: the page to answer
/// with, and the answer when it is the one.
pub(crate) fn judge(request_line: &str, state: &str) -> (BrowserPage, Option<BrowserAnswer>) {
    let mut words = request_line.split(' ');
    let (Some("GET"), Some(target)) = (words.next(), words.next()) else {
        return (BrowserPage::NotFound, None);
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return (BrowserPage::NotFound, None);
    }
    let Some(params) = CallbackParams::parse(query) else {
        return (BrowserPage::NotThisSignIn, None);
    };
    if !params.state.is_some_and(|sent| same_state(&sent, state)) {
        return (BrowserPage::NotThisSignIn, None);
    }
    match (params.error, params.code) {
        (Some(error), _) => (
            BrowserPage::Refused,
            Some(BrowserAnswer::Refused(plain_code(&error))),
        ),
        (None, Some(code)) if !code.expose().is_empty() => {
            (BrowserPage::SignedIn, Some(BrowserAnswer::Code(code)))
        }
        _ => (BrowserPage::NotThisSignIn, None),
    }
}

/// The callback's query: `code`, `state`, `error` (each at most once; others ignored).
struct CallbackParams {
    code: Option<Secret>,
    state: Option<String>,
    error: Option<String>,
}

impl CallbackParams {
    /// `None` when a name comes twice or a value is not UTF-8 once decoded.
    fn parse(query: &str) -> Option<Self> {
        let mut params = CallbackParams {
            code: None,
            state: None,
            error: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode_str(&value.replace('+', " "))
                .decode_utf8()
                .ok()?
                .into_owned();
            let twice = match name {
                "code" => params.code.replace(Secret::new(value)).is_some(),
                "state" => params.state.replace(value).is_some(),
                "error" => params.error.replace(value).is_some(),
                _ => false,
            };
            if twice {
                return None;
            }
        }
        Some(params)
    }
}

/// `error` when it is a plain OAuth code, else `unrecognised_error`: only these reach the
/// terminal.
fn plain_code(error: &str) -> String {
    let plain = !error.is_empty()
        && error.len() <= 40
        && error.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if plain {
        error.to_string()
    } else {
        "unrecognised_error".to_string()
    }
}

#[cfg(test)]
mod tests;
