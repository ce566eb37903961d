//! The loopback listener a browser sign-in comes back to: `http://127.0.0.1:PORT/oauth/callback`
//! on a free port, as the AWS CLI's `AuthCodeFetcher` listens. It answers every request
//! with a short page and hands back the first callback that carries `code` and `state`, or
//! `error`. Requests are bounded (8 KiB of head, 10 seconds each), so a local process that
//! connects and says nothing cannot hold the sign-in.

use percent_encoding::percent_decode_str;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The most bytes of a request's head read.
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The page the browser shows once it has come back.
const DONE_PAGE: &str = "<!doctype html><title>rolecall</title><p>Signed in. You can close this tab and return to rolecall.</p>";

/// What the sign-in page sent the browser back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCallback {
    /// `code` and `state`.
    Code { code: String, state: String },
    /// `error` (and `error_description` when given).
    Refused(String),
}

/// The listener; see the module documentation.
#[derive(Debug)]
pub struct LoginRedirectListener {
    listener: TcpListener,
    port: u16,
}

impl LoginRedirectListener {
    /// Listens on 127.0.0.1 on a free port.
    pub async fn bind() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        Ok(LoginRedirectListener { listener, port })
    }

    /// The redirect URI the authorize request names.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/oauth/callback", self.port)
    }

    /// Waits for the callback (for ever: the caller bounds the wait).
    pub async fn callback(&self) -> LoginCallback {
        loop {
            let Ok((stream, _)) = self.listener.accept().await else {
                continue;
            };
            let answered = tokio::time::timeout(REQUEST_TIMEOUT, answer(stream)).await;
            if let Ok(Some(callback)) = answered {
                return callback;
            }
        }
    }
}

/// Reads one request, answers it, and returns the callback it carries, if any.
async fn answer(mut stream: TcpStream) -> Option<LoginCallback> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let target = line.lines().next()?.split_whitespace().nth(1)?.to_string();
    let callback = parse_callback(&target);
    let (status, body) = match callback {
        Some(_) => ("200 OK", DONE_PAGE),
        None => ("404 Not Found", "not found"),
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    callback
}

/// The callback in a request target `/oauth/callback?…`; `None` for any other request.
pub fn parse_callback(target: &str) -> Option<LoginCallback> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/oauth/callback" {
        return None;
    }
    let mut params = std::collections::HashMap::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        params.insert(decode(key), decode(value));
    }
    if let Some(error) = params.get("error") {
        let detail = params
            .get("error_description")
            .map(|d| format!("{error}: {d}"))
            .unwrap_or_else(|| error.clone());
        return Some(LoginCallback::Refused(detail));
    }
    Some(LoginCallback::Code {
        code: params.remove("code")?,
        state: params.remove("state")?,
    })
}

#[cfg(test)]
mod tests;
