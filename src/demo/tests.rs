
use super::*;

#[test]
fn loopback_urls() {
    for url in [
        "http://127.0.0.1:4599",
        "http://127.1.2.3/x",
        "http://[::1]:9/federation",
        "http://localhost",
        "HTTP://LOCALHOST:1/",
        "http://user@127.0.0.1:1",
    ] {
        assert!(is_loopback_url(url), "{url}");
    }
    for url in [
        "https://signin.aws.amazon.com/federation",
        "http://169.254.169.254/",
        "http://127.0.0.1.evil.example/",
        "http://localhost.evil.example",
        "http://evil.example/@127.0.0.1",
        "http://127.0.0.1@evil.example",
        "",
    ] {
        assert!(!is_loopback_url(url), "{url}");
    }
}
