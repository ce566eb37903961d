use super::*;

#[test]
fn the_callback_carries_the_code_and_state_percent_decoded() {
    assert_eq!(
        parse_callback("/oauth/callback?code=a%2Bb&state=1234-5678"),
        Some(LoginCallback::Code {
            code: "a+b".into(),
            state: "1234-5678".into()
        })
    );
    assert_eq!(
        parse_callback("/oauth/callback?error=access_denied&error_description=no+thanks"),
        Some(LoginCallback::Refused("access_denied: no thanks".into()))
    );
    assert_eq!(parse_callback("/favicon.ico"), None);
    assert_eq!(parse_callback("/oauth/callback?code=only"), None);
}

#[tokio::test]
async fn the_listener_answers_a_stray_request_and_returns_the_callback() {
    let listener = LoginRedirectListener::bind().await.unwrap();
    let uri = listener.redirect_uri();
    assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/oauth/callback"));
    let port = uri
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/oauth/callback");
    let addr = format!("127.0.0.1:{port}");
    let client = tokio::spawn(async move {
        let mut replies = Vec::new();
        for target in ["/favicon.ico", "/oauth/callback?code=C&state=S"] {
            let mut s = TcpStream::connect(&addr).await.unwrap();
            s.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut reply = String::new();
            s.read_to_string(&mut reply).await.unwrap();
            replies.push(reply);
        }
        replies
    });
    let callback = listener.callback().await;
    assert_eq!(
        callback,
        LoginCallback::Code {
            code: "C".into(),
            state: "S".into()
        }
    );
    let replies = client.await.unwrap();
    assert!(replies[0].starts_with("HTTP/1.1 404"), "{}", replies[0]);
    assert!(replies[1].contains("Signed in."), "{}", replies[1]);
}
