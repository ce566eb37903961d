//! STS error paths, from a loopback stub returning STS's real XML error bodies
//! (moto_server validates nothing, so it never fails these calls).

mod common;

use common::sts_standin::{closed_port_url, Answer, StsStandIn};
use common::{failed, Env, Reply, Stub};

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
const CONFIG: &str = "[profile denied]\nrole_arn = arn:aws:iam::123456789012:role/Denied\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/tester\n\n[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/Second\nsource_profile = denied\n";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        common::root()
            .join("tests/fixtures/sts")
            .join(format!("{name}.xml")),
    )
    .unwrap()
}

fn stub_answering(status: u16, fixture_name: &str) -> Stub {
    let body = fixture(fixture_name);
    Stub::start(move |_| Reply::Status(status, body.clone()))
}

fn run(stub_url: &str, args: &[&str]) -> String {
    let mut env = Env::new(CONFIG, CREDENTIALS);
    env.set("AWS_ENDPOINT_URL_STS", stub_url);
    failed(&env.rolecall(args))
}

fn assert_no_secret(message: &str) {
    for secret in ["wJalrXUtnFEMI", "AKIAIOSFODNN7EXAMPLE", "123456\n"] {
        assert!(!message.contains(secret), "secret in message: {message}");
    }
}

#[test]
fn access_denied_names_the_profile_and_the_step() {
    let stub = stub_answering(403, "access_denied");
    let err = run(
        &stub.url,
        &[
            "export",
            "chained",
            "--mfa-per-role",
            "--mfa-code",
            "123456",
        ],
    );
    assert!(err.contains("profile 'chained': step 2/3 (assume arn:aws:iam::123456789012:role/Denied from 'base'): AccessDenied: User: arn:aws:iam::123456789012:user/tester is not authorized"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_no_secret(&err);
}

#[test]
fn wrong_mfa_code_says_so() {
    let stub = stub_answering(403, "wrong_mfa");
    let err = run(&stub.url, &["export", "denied", "--mfa-code", "000000"]);
    assert!(err.contains("profile 'denied'"), "{err}");
    assert!(
        err.contains("wrong MFA code: MultiFactorAuthentication failed"),
        "{err}"
    );
    assert_no_secret(&err);
    // The request that carried the code was GetSessionToken (MFA once per source).
    let first = stub.requests.try_recv().expect("the stub saw a request");
    assert!(
        first.body.contains("Action=GetSessionToken"),
        "{}",
        first.body
    );
    assert!(first.body.contains("TokenCode=000000"), "{}", first.body);
}

#[test]
fn expired_source_credentials() {
    let stub = stub_answering(403, "expired_token");
    let err = run(
        &stub.url,
        &["export", "denied", "--mfa-per-role", "--mfa-code", "123456"],
    );
    assert!(err.contains("the source credentials have expired (The security token included in the request is expired)"), "{err}");
}

#[test]
fn throttling_is_reported_after_bounded_retries() {
    let stub = stub_answering(400, "throttling");
    let err = run(
        &stub.url,
        &["export", "denied", "--mfa-per-role", "--mfa-code", "123456"],
    );
    assert!(err.contains("Throttling: Rate exceeded"), "{err}");
    let attempts = stub.requests.try_iter().count();
    assert!((1..=2).contains(&attempts), "{attempts} attempts");
}

/// What `export denied` with the code on AssumeRole (never retried) says when the STS
/// stand-in answers `answer`, and the stand-in's URL.
fn failure_from(answer: Answer) -> (String, String) {
    let standin = StsStandIn::start(&[answer.clone(), answer]);
    let err = run(
        &standin.url,
        &["export", "denied", "--mfa-per-role", "--mfa-code", "123456"],
    );
    assert_no_secret(&err);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    (err, standin.url)
}

const STEP: &str = "step 2/2 (assume arn:aws:iam::123456789012:role/Denied from 'base'): ";
const CHECK_ENDPOINT: &str =
    "check the endpoint (AWS_ENDPOINT_URL_STS, the profile's endpoint_url), or try again later";

#[test]
fn an_answer_that_is_not_xml_says_what_came_back() {
    let (err, url) = failure_from(Answer::Garbage);
    assert_eq!(
        err,
        format!(
            "rolecall: profile 'denied': {STEP}STS at {url} (us-east-1) answered HTTP 200 with 22 bytes \
             that are not a complete answer of STS (cut short, or not STS at all); {CHECK_ENDPOINT}\n"
        )
    );
}

#[test]
fn an_answer_cut_short_is_not_quoted() {
    let (err, url) = failure_from(Answer::Truncated);
    assert!(
        err.starts_with(&format!(
            "rolecall: profile 'denied': {STEP}STS at {url} (us-east-1) answered HTTP 200 with "
        )),
        "{err}"
    );
    assert!(err.contains("not a complete answer of STS"), "{err}");
    // The half it got may hold the new keys: none of it is quoted.
    for part in ["ASIASTANDIN", "standin-", "Credentials"] {
        assert!(!err.contains(part), "{err}");
    }
}

#[test]
fn an_html_error_page_is_quoted_short_and_visible() {
    let (err, url) = failure_from(Answer::Html503);
    assert_eq!(
        err,
        format!(
            "rolecall: profile 'denied': {STEP}STS at {url} (us-east-1) answered HTTP 503 with a body \
             that is not an error of STS (first bytes: \"<html> <body>\\u{{1b}}]0;pwned\\u{{7}}Service \
             Unavailable</body></html>\"); {CHECK_ENDPOINT}\n"
        )
    );
}

#[test]
fn a_huge_answer_is_neither_read_whole_nor_echoed() {
    let (err, url) = failure_from(Answer::Huge(20 << 20));
    assert_eq!(
        err,
        format!(
            "rolecall: profile 'denied': {STEP}STS at {url} (us-east-1) answered HTTP 503 with a body \
             larger than 1024 KiB, which is not an answer of STS; {CHECK_ENDPOINT}\n"
        )
    );
}

#[test]
fn unreachable_endpoint_is_named() {
    let url = closed_port_url();
    let err = run(
        &url,
        &["export", "denied", "--mfa-per-role", "--mfa-code", "123456"],
    );
    assert_eq!(
        err,
        format!(
            "rolecall: profile 'denied': {STEP}could not reach STS at {url} (us-east-1) (Connection \
             refused (os error 111)): check the endpoint (AWS_ENDPOINT_URL_STS, the profile's \
             endpoint_url) and the network\n"
        )
    );
}
