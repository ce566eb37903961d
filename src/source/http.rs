//! A minimal HTTP/1.0 client for the metadata endpoints (plain HTTP on link-local or
//! loopback addresses), with one bounded timeout over the whole exchange.
//!
//! aws-config's IMDS client speaks IMDSv2 only; the AWS CLI falls back to IMDSv1 when the
//! token request is refused, and rolecall must too, so IMDS gets this small client.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response: status code and body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

/// Why a request failed, without any secret (headers are never echoed).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("invalid endpoint URL '{0}' (expected http://HOST[:PORT]/…)")]
    BadUrl(String),
    #[error("no answer from {url} within {timeout:?}")]
    Timeout { url: String, timeout: Duration },
    #[error("cannot reach {url}: {source}")]
    Io {
        url: String,
        #[source]
        source: std::io::Error,
    },
    #[error("malformed HTTP response from {0}")]
    Malformed(String),
}

/// Splits `http://host:port/path` into (host:port, path).
fn split_url(url: &str) -> Result<(String, String), HttpError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| HttpError::BadUrl(url.to_string()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(HttpError::BadUrl(url.to_string()));
    }
    let authority = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        || authority.ends_with(']')
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_string()))
}

/// Sends one request and reads the whole response, all within `timeout`.
pub async fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    timeout: Duration,
) -> Result<Response, HttpError> {
    let (authority, path) = split_url(url)?;
    let exchange = async {
        let io = |source| HttpError::Io {
            url: url.to_string(),
            source,
        };
        let mut stream = TcpStream::connect(&authority).await.map_err(io)?;
        let mut head =
            format!("{method} {path} HTTP/1.0\r\nHost: {authority}\r\nUser-Agent: rolecall\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if method == "PUT" || method == "POST" {
            head.push_str("Content-Length: 0\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.map_err(io)?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.map_err(io)?;
        parse_response(&raw).ok_or_else(|| HttpError::Malformed(url.to_string()))
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .map_err(|_| HttpError::Timeout {
            url: url.to_string(),
            timeout,
        })?
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let status = head
        .lines()
        .next()?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    let body = String::from_utf8_lossy(&raw[split + 4..]).into_owned();
    Some(Response { status, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/latest/x").unwrap(),
            ("127.0.0.1:8080".into(), "/latest/x".into())
        );
        assert_eq!(
            split_url("http://host").unwrap(),
            ("host:80".into(), "/".into())
        );
        assert!(split_url("https://host/").is_err());
    }

    #[test]
    fn parses_responses() {
        let r = parse_response(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody").unwrap();
        assert_eq!((r.status, r.body.as_str()), (200, "body"));
        assert!(parse_response(b"garbage").is_none());
    }
}
