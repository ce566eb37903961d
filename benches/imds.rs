//! One IMDS credential fetch (token, role listing, credentials) against a loopback IMDS
//! stand-in (`cargo bench --bench imds`): once keeping connections alive, as the real
//! one does, once closing each after its response (a new connection per request). Prints
//! the median and p90 of 2,000 fetches each.
//!
//! Written against `MetadataConfig::from_env()` and `imds_credentials` only, so the same
//! file measures an older client by copying it into an older tree.

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::time::{Duration, Instant};

const CREDS: &str = r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","Token":"IQoJb3JpZ2luX2VjEXAMPLETOKEN","Expiration":"2099-01-01T00:00:00Z"}"#;

async fn imds(req: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = match (req.method().as_str(), req.uri().path()) {
        ("PUT", "/latest/api/token") => "TOKEN-123",
        ("GET", "/latest/meta-data/iam/security-credentials/") => "my-role",
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => CREDS,
        _ => {
            return Ok(Response::builder()
                .status(404)
                .body(Full::new(Bytes::new()))
                .unwrap())
        }
    };
    Ok(Response::new(Full::new(Bytes::from_static(
        body.as_bytes(),
    ))))
}

/// Serves the stand-in on a thread of its own; returns its URL.
fn start_stub(keep_alive: bool) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(keep_alive)
                        .serve_connection(TokioIo::new(stream), service_fn(imds))
                        .await;
                });
            }
        });
    });
    url
}

fn main() {
    for keep_alive in [true, false] {
        measure(keep_alive);
    }
}

fn measure(keep_alive: bool) {
    let url = start_stub(keep_alive);
    std::env::set_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url);
    let config = rolecall::source::MetadataConfig::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut runs: Vec<Duration> = Vec::with_capacity(2_000);
    rt.block_on(async {
        for i in 0..2_200 {
            let start = Instant::now();
            let creds = rolecall::source::imds_credentials(&config).await.unwrap();
            let elapsed = start.elapsed();
            std::hint::black_box(creds);
            if i >= 200 {
                runs.push(elapsed); // the first 200 warm up
            }
        }
    });
    runs.sort();
    println!(
        "IMDS credential fetch on loopback, stand-in {}: median {:?}, p90 {:?} ({} fetches)",
        if keep_alive {
            "keeping connections"
        } else {
            "closing each connection"
        },
        runs[runs.len() / 2],
        runs[runs.len() * 9 / 10],
        runs.len()
    );
}
