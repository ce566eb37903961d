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

#[test]
fn the_banner_asks_for_an_emulator_only_when_run_sh_did_not_start_one() {
    let by_run_sh = crate::testing::env(&[
        ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4599"),
        (EMULATOR_STARTED_VAR, "running"),
    ]);
    let text = banner_for(&by_run_sh);
    assert!(text.contains("http://127.0.0.1:4599"), "{text}");
    assert!(!text.contains("run `bash assets/demo/run.sh`"), "{text}");
    let alone = crate::testing::env(&[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4599")]);
    assert!(banner_for(&alone).contains("run `bash assets/demo/run.sh`"));
}
