use super::*;

#[test]
fn the_session_is_the_id_token_s_subject_when_it_is_an_arn() {
    let token = |claims: &str| {
        format!(
            "e30.{}.sig",
            super::super::dpop::base64url(claims.as_bytes())
        )
    };
    assert_eq!(
        session_of(&token(r#"{"sub":"arn:aws:iam::111122223333:user/alice"}"#)).as_deref(),
        Some("arn:aws:iam::111122223333:user/alice")
    );
    assert_eq!(session_of(&token(r#"{"sub":"alice"}"#)), None);
    assert_eq!(session_of("not a jwt"), None);
}

#[tokio::test]
async fn the_authorize_url_names_the_same_device_client_the_loopback_and_s256() {
    let vars = |name: &str| (name == "HOME").then(|| "/h".to_string());
    let sessions = LoginSessions::from_lookup(&vars);
    let sign_in = LoginSignIn::start(sessions, "dev", "eu-west-1")
        .await
        .unwrap();
    let url = sign_in.authorize_url();
    assert!(
        url.starts_with("https://eu-west-1.signin.aws.amazon.com/v1/authorize?response_type=code&client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fsame-device&state="),
        "{url}"
    );
    for part in [
        "&code_challenge_method=SHA-256&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        "%2Foauth%2Fcallback&code_challenge=",
    ] {
        assert!(url.contains(part), "{url}");
    }
    // The challenge is the S256 of the verifier kept for the exchange.
    let verifier = sign_in.pkce.verifier.clone();
    let challenge = Pkce::from_verifier(verifier).challenge;
    assert!(
        url.ends_with(&format!("&code_challenge={challenge}")),
        "{url}"
    );
    let shown = format!("{sign_in:?}");
    assert!(!shown.contains(sign_in.pkce.verifier.expose()), "{shown}");
}

#[tokio::test]
async fn a_region_that_is_not_a_region_name_builds_no_authorize_url() {
    let vars = |name: &str| (name == "HOME").then(|| "/h".to_string());
    let sessions = LoginSessions::from_lookup(&vars);
    let err = LoginSignIn::start(sessions, "dev", "evil.example/x#")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("profile dev") || err.contains("'dev'"),
        "{err}"
    );
    assert!(err.contains("region"), "{err}");
    assert!(!err.contains("evil.example"), "{err}");
}
