
use super::*;

fn session() -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new("se/cr+et"),
        session_token: Some(Secret::new("to&ken=")),
        expiration: None,
    }
}

#[test]
fn endpoints_by_partition() {
    assert_eq!(
        endpoint_of("aws-cn"),
        Some("https://signin.amazonaws.cn/federation")
    );
    assert_eq!(
        endpoint_of("aws-us-gov"),
        Some("https://signin.amazonaws-us-gov.com/federation")
    );
    assert_eq!(endpoint_of("aws-iso"), None);
}

#[test]
fn destinations_are_in_the_region() {
    assert_eq!(
        Destination::Home.url(Some("eu-west-1"), "aws").unwrap(),
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    );
    assert_eq!(
        Destination::Service("ec2".into())
            .url(Some("cn-north-1"), "aws-cn")
            .unwrap(),
        "https://cn-north-1.console.amazonaws.cn/ec2/home?region=cn-north-1"
    );
    assert_eq!(
        Destination::Service("s3".into()).url(None, "aws").unwrap(),
        "https://console.aws.amazon.com/s3/home"
    );
    assert_eq!(
        Destination::Url("https://x.example/y?z".into())
            .url(Some("eu-west-1"), "aws")
            .unwrap(),
        "https://x.example/y?z"
    );
    assert!(Destination::Home.url(None, "aws-iso").is_none());
}

#[test]
fn service_names_are_plain() {
    assert!(is_service_name("cloudformation"));
    assert!(is_service_name("systems-manager"));
    for bad in ["", "ec2/../x", "s3?x=1", "EC2 x"] {
        assert!(!is_service_name(bad), "{bad}");
    }
}

#[test]
fn the_session_is_encoded_json() {
    let url = signin_token_request("https://h/federation", &session(), Some(3600));
    let url = url.expose();
    let (head, session) = url.split_once("&Session=").unwrap();
    assert_eq!(
        head,
        "https://h/federation?Action=getSigninToken&SessionDuration=3600"
    );
    let decoded = percent_encoding::percent_decode_str(session)
        .decode_utf8()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(json["sessionId"], "ASIAEXAMPLE");
    assert_eq!(json["sessionKey"], "se/cr+et");
    assert_eq!(json["sessionToken"], "to&ken=");
    assert!(!session.contains('&') && !session.contains('+'));
}

#[test]
fn the_token_is_read_and_placed() {
    let token = parse_signin_token(br#"{"SigninToken":"abc+/="}"#).unwrap();
    assert!(parse_signin_token(b"{}").is_none());
    assert!(parse_signin_token(br#"{"SigninToken":""}"#).is_none());
    assert!(parse_signin_token(b"<html>").is_none());
    let url = login_url(
        "https://h/federation",
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1",
        &token,
    );
    assert_eq!(
        url.expose(),
        "https://h/federation?Action=login&Issuer=rolecall&Destination=https%3A%2F%2Feu-west-1.\
             console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=abc%2B%2F%3D"
    );
}
