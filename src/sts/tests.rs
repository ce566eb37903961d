
use super::*;

#[test]
fn mfa_codes_are_six_digits() {
    assert!(MfaCode::parse(" 123456 ").is_ok());
    for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
        assert!(MfaCode::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        format!("{:?}", MfaCode::parse("123456").unwrap()),
        "MfaCode(******)"
    );
}

#[test]
fn session_names_are_sanitised() {
    assert_eq!(sanitize_session_name("jane.doe@corp"), "jane.doe@corp");
    assert_eq!(sanitize_session_name("Jane Doe/ü"), "Jane-Doe--");
    assert_eq!(sanitize_session_name(""), "rolecall");
    assert_eq!(sanitize_session_name("x"), "rolecallx");
    assert_eq!(sanitize_session_name(&"a".repeat(100)).len(), 64);
}
