
use super::*;

#[test]
fn reads_the_credentials_document() {
    let c = parse_credentials(
            br#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAX","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-02T03:04:05Z"}"#,
        )
        .unwrap();
    assert_eq!(c.access_key_id, "ASIAX");
    assert_eq!(c.session_token.unwrap().expose(), "t");
    assert_eq!(
        c.expiration.unwrap().to_rfc3339(),
        "2030-01-02T03:04:05+00:00"
    );
}

#[test]
fn an_expiration_rfc_3339_cannot_write_is_refused_without_quoting() {
    // Found by fuzzing (fuzz/session_store, the same reading): year -1 in UTC.
    let err = parse_credentials(
            br#"{"AccessKeyId":"A","SecretAccessKey":"SECRETSECRET","Expiration":"0000-01-01T00:00:00+00:01"}"#,
        )
        .unwrap_err();
    assert!(err.contains("Data error"), "{err}");
    assert!(!err.contains("SECRETSECRET"), "{err}");
}
