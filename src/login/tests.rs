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
