use super::*;
use std::path::Path;

#[test]
fn the_cache_directory_and_endpoint_come_from_the_environment() {
    let vars = |name: &str| match name {
        "HOME" => Some("/home/a".to_string()),
        "AWS_ENDPOINT_URL_SIGNIN" => Some("http://127.0.0.1:9".to_string()),
        "AWS_REGION" => Some("eu-central-1".to_string()),
        _ => None,
    };
    let sessions = LoginSessions::from_lookup(&vars);
    assert_eq!(sessions.cache.dir(), Path::new("/home/a/.aws/login/cache"));
    assert_eq!(sessions.endpoint.as_deref(), Some("http://127.0.0.1:9"));
    assert_eq!(sessions.env_region.as_deref(), Some("eu-central-1"));

    let vars = |name: &str| match name {
        "HOME" => Some("/home/a".to_string()),
        "AWS_LOGIN_CACHE_DIRECTORY" => Some("~/elsewhere".to_string()),
        _ => None,
    };
    let sessions = LoginSessions::from_lookup(&vars);
    assert_eq!(sessions.cache.dir(), Path::new("/home/a/elsewhere"));
    assert_eq!(sessions.endpoint, None);
    assert_eq!(
        sessions.endpoint_for("eu-west-1"),
        "https://eu-west-1.signin.aws.amazon.com"
    );
}

#[test]
fn a_throttled_refresh_says_to_try_again() {
    let e = LoginError::Refused {
        session: "arn:aws:iam::111122223333:user/a".into(),
        endpoint: "http://127.0.0.1:9".into(),
        code: "rate_exceeded".into(),
        message: "slow down".into(),
    };
    assert!(e.to_string().contains("try again shortly"), "{e}");
}

#[test]
fn without_home_the_cache_is_under_the_user_database_s_home_directory() {
    let sessions = LoginSessions::from_lookup(&|_| None);
    let dir = sessions.cache.dir();
    assert!(dir.is_absolute(), "{}", dir.display());
    assert!(dir.ends_with(".aws/login/cache"), "{}", dir.display());
}

#[test]
fn a_relative_cache_directory_is_refused() {
    let cache = LoginCache::new(".aws/login/cache");
    let arn = "arn:aws:iam::111122223333:user/a";
    let err = cache.read("dev", arn).err().expect("refused").to_string();
    assert!(err.contains("not an absolute path"), "{err}");
    assert!(err.contains("AWS_LOGIN_CACHE_DIRECTORY"), "{err}");
}

/// A sign-in service that takes connections and never answers: the call gives up by
/// itself (with timeouts shortened here; the SSO clients' by default).
#[tokio::test]
async fn a_sign_in_service_that_never_answers_is_given_up_on() {
    let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = server.accept().await {
            held.push(stream);
        }
    });
    let vars = |name: &str| match name {
        "HOME" => Some("/h".to_string()),
        "AWS_ENDPOINT_URL_SIGNIN" => Some(endpoint.clone()),
        _ => None,
    };
    let mut sessions = LoginSessions::from_lookup(&vars);
    let short = std::time::Duration::from_millis(50);
    sessions.timeouts = aws_smithy_types::timeout::TimeoutConfig::builder()
        .connect_timeout(short)
        .operation_attempt_timeout(short)
        .operation_timeout(short * 4)
        .build();
    let call = token::TokenCall {
        sessions: &sessions,
        profile: "dev",
        session: "arn:aws:iam::111122223333:user/a",
        region: "eu-west-1",
    };
    let body = aws_sdk_signin::types::CreateOAuth2TokenRequestBody::builder()
        .client_id("c")
        .grant_type("refresh_token")
        .refresh_token("r")
        .build()
        .unwrap();
    let key = std::sync::Arc::new(DpopKey::generate());
    let answer = tokio::time::timeout(std::time::Duration::from_secs(20), call.send(body, key))
        .await
        .expect("the call gives up by itself");
    let err = answer.unwrap_err();
    assert!(matches!(err, LoginError::Unreachable { .. }), "{err}");
}
