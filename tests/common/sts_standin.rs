//! A scriptable STS on loopback: answers each request with the next scripted reply (a
//! success body for the action asked, or one of STS's real XML error bodies), and records
//! what it was sent. For the sequences moto cannot produce: a denial, then a success.

use super::{Reply, Request, Stub};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// What the stand-in answers to one request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// Success for whatever action was asked, with credentials numbered by the request.
    Ok,
    /// HTTP status and a fixture name under tests/fixtures/sts.
    Error(u16, &'static str),
    /// HTTP 200 with a body that is not XML.
    Garbage,
    /// HTTP 200 with the first half of a success body (credentials cut off mid-way).
    Truncated,
    /// HTTP 503 with an HTML page, as a proxy or load balancer sends.
    Html503,
    /// HTTP 503 with a body of this many bytes.
    Huge(usize),
}

/// The HTML page [`Answer::Html503`] sends.
pub const HTML_503: &str = "<html>\r\n<body>\x1b]0;pwned\x07Service Unavailable</body></html>";

/// The URL of a loopback port nothing listens on (bound, then closed).
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

/// A running stand-in; `requests` are the recorded bodies (form-encoded STS queries).
pub struct StsStandIn {
    pub url: String,
    stub: Stub,
    pub script: Arc<Mutex<VecDeque<Answer>>>,
}

impl StsStandIn {
    /// Answers from `script` in order, then `Ok` once the script is used up.
    pub fn start(script: &[Answer]) -> StsStandIn {
        let queue = Arc::new(Mutex::new(script.iter().cloned().collect::<VecDeque<_>>()));
        let served = Arc::new(Mutex::new(0u32));
        let q = queue.clone();
        let stub = Stub::start(move |req: &Request| {
            let answer = q.lock().unwrap().pop_front().unwrap_or(Answer::Ok);
            let mut n = served.lock().unwrap();
            *n += 1;
            match answer {
                Answer::Ok => Reply::Status(200, success_body(&req.body, *n)),
                Answer::Error(status, fixture) => Reply::Status(status, error_body(fixture)),
                Answer::Garbage => Reply::Status(200, "this is not STS at all".into()),
                Answer::Truncated => {
                    let body = success_body(&req.body, *n);
                    Reply::Status(200, body[..body.len() / 2].to_string())
                }
                Answer::Html503 => Reply::Status(503, HTML_503.into()),
                Answer::Huge(len) => Reply::Status(503, "x".repeat(len)),
            }
        });
        StsStandIn {
            url: stub.url.clone(),
            stub,
            script: queue,
        }
    }

    /// Every request received since the last call.
    pub fn requests(&self) -> Vec<Request> {
        self.stub.requests.try_iter().collect()
    }

    /// The bodies of every request received since the last call.
    pub fn bodies(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.body).collect()
    }
}

/// One of STS's real error bodies.
pub fn error_body(fixture: &str) -> String {
    std::fs::read_to_string(
        super::root()
            .join("tests/fixtures/sts")
            .join(format!("{fixture}.xml")),
    )
    .unwrap()
}

/// The value of `key` in a form-encoded body.
pub fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| v.replace("%3A", ":").replace("%2F", "/"))
    })
}

/// A success response for the body's `Action`, expiring in an hour (or DurationSeconds).
fn success_body(body: &str, n: u32) -> String {
    let action = form_value(body, "Action").unwrap_or_default();
    let seconds: i64 = form_value(body, "DurationSeconds")
        .and_then(|d| d.parse().ok())
        .unwrap_or(3600);
    let expiration = (chrono::Utc::now() + chrono::Duration::seconds(seconds))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let credentials = format!(
        "<Credentials><AccessKeyId>ASIASTANDIN{n:02}EXAMPLE</AccessKeyId>\
         <SecretAccessKey>standin-secret-{n}</SecretAccessKey>\
         <SessionToken>standin-token-{n}</SessionToken>\
         <Expiration>{expiration}</Expiration></Credentials>"
    );
    let extra = if action == "AssumeRole" {
        "<AssumedRoleUser><AssumedRoleId>AROASTANDIN:s</AssumedRoleId>\
         <Arn>arn:aws:sts::123456789012:assumed-role/R/s</Arn></AssumedRoleUser>"
    } else {
        ""
    };
    format!(
        "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{action}Result>{credentials}{extra}</{action}Result>\
         <ResponseMetadata><RequestId>standin-{n}</RequestId></ResponseMetadata>\
         </{action}Response>"
    )
}
