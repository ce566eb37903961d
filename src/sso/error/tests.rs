
use super::*;

#[test]
fn messages_name_the_command_to_run() {
    let e = SsoError::NotSignedIn {
        session: "sso-session corp".into(),
        command: "rolecall sso login --sso-session corp".into(),
        note: None,
    };
    assert_eq!(
            e.to_string(),
            "not signed in to IAM Identity Center (sso-session corp): run `rolecall sso login --sso-session corp`"
        );
    assert!(e.needs_sign_in());
    let denied = SsoError::Oidc {
        session: "sso-session corp".into(),
        command: "rolecall sso login --sso-session corp".into(),
        operation: "CreateToken",
        error: "access_denied".into(),
    };
    assert!(denied
        .to_string()
        .contains("the sign-in was denied in the browser (access_denied)"));
}
