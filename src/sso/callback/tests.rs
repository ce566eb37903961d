//! The loopback listener: what it takes from a request, what it answers, and where it
//! listens.

use super::*;

const STATE: &str = "0123456789abcdef0123456789abcdef";

fn code(answer: Option<BrowserAnswer>) -> Option<String> {
    match answer {
        Some(BrowserAnswer::Code(c)) => Some(c.expose().to_string()),
        _ => None,
    }
}

#[test]
fn the_callback_with_the_right_state_brings_the_code() {
    let line = format!("GET /oauth/callback?code=abc%2Fdef&state={STATE} HTTP/1.1");
    let (page, answer) = judge(&line, STATE);
    assert_eq!(page, BrowserPage::SignedIn);
    assert_eq!(code(answer).as_deref(), Some("abc/def"));
}

#[test]
fn another_state_no_state_a_repeated_name_or_another_path_is_ignored() {
    for line in [
        "GET /oauth/callback?code=abc&state=wrong HTTP/1.1".to_string(),
        "GET /oauth/callback?code=abc HTTP/1.1".to_string(),
        format!("GET /oauth/callback?code=abc&state={STATE}&state=other HTTP/1.1"),
        format!("GET /oauth/callback?code=a&code=b&state={STATE} HTTP/1.1"),
        format!("GET /oauth/callback?state={STATE} HTTP/1.1"),
        format!("GET /oauth/callback?code=&state={STATE} HTTP/1.1"),
        format!("GET /oauth/callback?code=%FF&state={STATE} HTTP/1.1"),
    ] {
        let (page, answer) = judge(&line, STATE);
        assert_eq!(page, BrowserPage::NotThisSignIn, "{line}");
        assert!(answer.is_none(), "{line}");
    }
    for line in [
        format!("GET /favicon.ico?state={STATE}&code=x HTTP/1.1"),
        format!("POST /oauth/callback?code=abc&state={STATE} HTTP/1.1"),
        "garbage".to_string(),
        String::new(),
    ] {
        assert_eq!(judge(&line, STATE), (BrowserPage::NotFound, None), "{line}");
    }
}

#[test]
fn an_error_passes_only_as_a_plain_code() {
    let refused = |error: &str| {
        let line = format!("GET /oauth/callback?error={error}&state={STATE} HTTP/1.1");
        judge(&line, STATE)
    };
    assert_eq!(
        refused("access_denied"),
        (
            BrowserPage::Refused,
            Some(BrowserAnswer::Refused("access_denied".into()))
        )
    );
    for hostile in [
        "%1B%5D0%3Bpwned%07",
        "access_denied%0A%5Brolecall%5D%20fake",
        "Access_Denied",
        &"a".repeat(41),
        "",
    ] {
        assert_eq!(
            refused(hostile),
            (
                BrowserPage::Refused,
                Some(BrowserAnswer::Refused("unrecognised_error".into()))
            ),
            "{hostile}"
        );
    }
}

#[test]
fn only_a_request_to_the_loopback_address_and_port_counts() {
    let host = "127.0.0.1:49152";
    let head =
        |hosts: &str| format!("GET /oauth/callback HTTP/1.1\r\n{hosts}User-Agent: x\r\n\r\n");
    assert!(names_host(&head("Host: 127.0.0.1:49152\r\n"), host));
    assert!(names_host(&head("host:127.0.0.1:49152 \r\n"), host));
    for other in [
        "",
        "Host: evil.example:49152\r\n",
        "Host: localhost:49152\r\n",
        "Host: 127.0.0.1:1\r\n",
        "Host: 127.0.0.1:49152\r\nHost: evil.example\r\n",
    ] {
        assert!(!names_host(&head(other), host), "{other:?}");
    }
}

#[test]
fn the_pages_are_fixed_and_echo_nothing() {
    let line =
        format!("GET /oauth/callback?code=SECRET-CODE&state={STATE}&x=%3Cscript%3E HTTP/1.1");
    let (page, _) = judge(&line, STATE);
    let response = page.response();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(!response.contains("SECRET-CODE") && !response.contains(STATE));
    assert!(!response.contains("script"));
    assert!(response.contains("Cache-Control: no-store"));
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.contains(&format!("Content-Length: {}", body.len())));
}

#[test]
fn an_answer_is_not_debug_printed() {
    let answer = BrowserAnswer::Code(Secret::new("the-authorization-code"));
    assert!(!format!("{answer:?}").contains("the-authorization-code"));
}

/// One request to the listener; the whole response.
async fn get(port: u16, target: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test]
async fn the_listener_is_on_loopback_and_waits_through_strangers_for_its_state() {
    let listener = CallbackListener::bind().await.unwrap();
    let addr = listener.listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    assert_eq!(
        listener.redirect_uri(),
        format!("http://127.0.0.1:{}/oauth/callback", addr.port())
    );
    let port = addr.port();
    let browser = tokio::spawn(async move {
        let stranger = get(port, "/oauth/callback?code=evil&state=guess").await;
        let favicon = get(port, "/favicon.ico").await;
        // The right state from a page on a name rebound to 127.0.0.1: not taken.
        let mut rebound = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let request = format!(
            "GET /oauth/callback?code=rebound&state={STATE} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"
        );
        rebound.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        rebound.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        // A connection that never sends anything does not hold the others up.
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let good = get(port, &format!("/oauth/callback?code=good&state={STATE}")).await;
        (stranger, favicon, good)
    });
    let answer = listener.answer(STATE).await;
    assert_eq!(answer, BrowserAnswer::Code(Secret::new("good")));
    let (stranger, favicon, good) = browser.await.unwrap();
    assert!(stranger.starts_with("HTTP/1.1 400"), "{stranger}");
    assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
    assert!(good.contains("Signed in."), "{good}");
}

#[tokio::test]
async fn dropping_the_listener_closes_the_port() {
    let listener = CallbackListener::bind().await.unwrap();
    let port = listener.listener.local_addr().unwrap().port();
    drop(listener);
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[test]
fn the_state_is_compared_whole() {
    assert!(same_state(STATE, STATE));
    assert!(!same_state(&STATE[..STATE.len() - 1], STATE));
    assert!(!same_state(&format!("{STATE}x"), STATE));
    assert!(!same_state("", STATE));
}
