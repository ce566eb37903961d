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
    assert!(text.contains("sign-in at"), "{text}");
    assert!(!text.contains("run `bash assets/demo/run.sh`"), "{text}");
    let alone = crate::testing::env(&[("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4599")]);
    assert!(banner_for(&alone).contains("run `bash assets/demo/run.sh`"));
}

#[test]
fn every_default_endpoint_is_loopback_and_follows_the_demo_port() {
    let names: Vec<&str> = endpoint_defaults(None).iter().map(|(n, _)| *n).collect();
    assert!(names.contains(&crate::console::FEDERATION_ENDPOINT_VAR));
    for port in [None, Some("5000"), Some("0"), Some("x"), Some("65535")] {
        for (var, url) in endpoint_defaults(port) {
            assert!(is_loopback_url(&url), "{var}={url}");
        }
    }
    let urls = |port| {
        endpoint_defaults(port)
            .into_iter()
            .map(|(_, url)| url)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        urls(None),
        [
            "http://127.0.0.1:4599",
            "http://127.0.0.1:4599/",
            "http://127.0.0.1:4600",
            "http://127.0.0.1:4600",
            "http://127.0.0.1:4600/federation",
        ]
    );
    assert_eq!(urls(Some("5000"))[0], "http://127.0.0.1:5000");
    assert_eq!(urls(Some("5000"))[4], "http://127.0.0.1:5001/federation");
    // A port emulators.sh would pick at random (0) or that is not one: the defaults.
    assert_eq!(urls(Some("0")), urls(None));
    assert_eq!(urls(Some("x")), urls(None));
}

#[test]
fn outside_the_demo_an_unreachable_endpoint_keeps_its_own_advice() {
    assert_eq!(unreachable_advice("check the network"), "check the network");
}
