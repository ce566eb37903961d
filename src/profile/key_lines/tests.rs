use super::*;

const LINE: &str = "credential_process = rolecall credential-process prod";

fn take(kind: FileKind, text: &str, profile: &str) -> Option<TakenKeys> {
    take_key_lines(kind, text, profile, Some(&LINE.replace("prod", profile))).unwrap()
}

#[test]
fn only_the_key_lines_change_every_other_byte_is_kept() {
    let text = "# my keys\r\n[prod]\r\naws_access_key_id = AKIAPROD\r\n; note\r\n\
                aws_secret_access_key=s3cret/prod \r\nregion = eu-west-1\r\n\r\n[dev]\r\n\
                aws_access_key_id = AKIADEV\r\naws_secret_access_key = devsecret";
    let taken = take(FileKind::Credentials, text, "prod").unwrap();
    assert_eq!(
        taken.text.as_str(),
        format!(
            "# my keys\r\n[prod]\r\n{LINE}\r\n; note\r\nregion = eu-west-1\r\n\r\n[dev]\r\n\
             aws_access_key_id = AKIADEV\r\naws_secret_access_key = devsecret"
        )
    );
    assert_eq!(taken.access_key_id.as_deref(), Some("AKIAPROD"));
    assert_eq!(
        taken.secret_access_key.as_deref().map(|s| s.as_str()),
        Some("s3cret/prod")
    );
}

#[test]
fn the_last_line_keeps_having_no_newline() {
    let text = "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret";
    let taken = take(FileKind::Credentials, text, "dev").unwrap();
    assert_eq!(
        taken.text.as_str(),
        "[dev]\ncredential_process = rolecall credential-process dev"
    );
    let text = "[dev]\naws_secret_access_key = devsecret\naws_access_key_id = AKIADEV";
    let taken = take(FileKind::Credentials, text, "dev").unwrap();
    assert_eq!(
        taken.text.as_str(),
        "[dev]\ncredential_process = rolecall credential-process dev"
    );
    // A last line kept keeps its lack of a newline.
    let text = "[dev]\naws_access_key_id = AKIADEV\nregion = x";
    let taken = take_key_lines(FileKind::Credentials, text, "dev", None)
        .unwrap()
        .unwrap();
    assert_eq!(taken.text.as_str(), "[dev]\nregion = x");
}

#[test]
fn config_sections_are_named_with_the_profile_prefix() {
    let text = "[default]\nregion = us-east-1\n[profile ci]\nAWS_ACCESS_KEY_ID=AKIACI\n\
                aws_secret_access_key=cisecret\n[sso-session ci]\nsso_region = us-east-1\n";
    let taken = take(FileKind::Config, text, "ci").unwrap();
    assert_eq!(
        taken.text.as_str(),
        "[default]\nregion = us-east-1\n[profile ci]\n\
         credential_process = rolecall credential-process ci\n\
         [sso-session ci]\nsso_region = us-east-1\n"
    );
    // `[ci]` is no profile in the config file, nor `[profile ci]` in the credentials file.
    assert!(take(FileKind::Config, "[ci]\naws_access_key_id=A\n", "ci").is_none());
    assert!(take(
        FileKind::Credentials,
        "[profile ci]\naws_access_key_id=A\n",
        "ci"
    )
    .is_none());
}

#[test]
fn a_key_written_twice_goes_twice_and_a_repeated_section_too() {
    let text = "[p]\naws_access_key_id=OLD\naws_access_key_id=NEW\n[q]\nx=1\n[p]\n\
                aws_secret_access_key=S\n";
    let taken = take(FileKind::Credentials, text, "p").unwrap();
    assert_eq!(
        taken.text.as_str(),
        "[p]\ncredential_process = rolecall credential-process p\n[q]\nx=1\n[p]\n"
    );
    assert_eq!(taken.access_key_id.as_deref(), Some("NEW"));
}

#[test]
fn without_a_replacement_the_lines_just_go() {
    let text = "[p]\naws_access_key_id=A\nregion=x\n";
    let taken = take_key_lines(FileKind::Credentials, text, "p", None)
        .unwrap()
        .unwrap();
    assert_eq!(taken.text.as_str(), "[p]\nregion=x\n");
}

#[test]
fn what_cannot_be_taken_safely_is_refused_with_its_line() {
    let continued = "[p]\naws_secret_access_key=\n  abc\naws_access_key_id=A\n";
    let err = take_key_lines(FileKind::Credentials, continued, "p", Some(LINE))
        .err()
        .unwrap();
    assert!(err.starts_with("line 2:"), "{err}");
    let process = "[p]\ncredential_process = other\naws_access_key_id=A\n";
    let err = take_key_lines(FileKind::Credentials, process, "p", Some(LINE))
        .err()
        .unwrap();
    assert!(
        err.contains("line 2 already sets credential_process"),
        "{err}"
    );
}

#[test]
fn a_profile_without_key_lines_in_the_file_is_none() {
    assert!(take(FileKind::Credentials, "[p]\nregion=x\n", "p").is_none());
    assert!(take(FileKind::Credentials, "", "p").is_none());
}

#[test]
fn the_profiles_own_bridge_line_is_kept_and_another_stops_the_edit() {
    let own = "[p]\ncredential_process = /opt/rolecall credential-process p\naws_access_key_id=A\n";
    let taken = take_key_lines(FileKind::Credentials, own, "p", None)
        .unwrap()
        .unwrap();
    assert_eq!(
        &*taken.text,
        "[p]\ncredential_process = /opt/rolecall credential-process p\n"
    );
    let others = "[p]\ncredential_process = rolecall credential-process q\naws_access_key_id=A\n";
    let err = take_key_lines(FileKind::Credentials, others, "p", None)
        .err()
        .unwrap();
    assert!(
        err.contains("line 2 already sets credential_process"),
        "{err}"
    );
}

#[test]
fn a_line_is_added_after_the_last_header_of_the_profile_or_in_a_new_section() {
    let add = |text: &str, profile: &str| {
        add_profile_line(FileKind::Config, text, profile, "[profile ci]", LINE)
    };
    assert_eq!(
        add("[profile ci]\r\nregion=x\r\n[profile ci]\r\n", "ci"),
        format!("[profile ci]\r\nregion=x\r\n[profile ci]\r\n{LINE}\r\n")
    );
    assert_eq!(add("[default]", "default"), format!("[default]\n{LINE}"));
    assert_eq!(
        add("# mine\n[profile x]", "ci"),
        format!("# mine\n[profile x]\n\n[profile ci]\n{LINE}\n")
    );
    assert_eq!(add("", "ci"), format!("[profile ci]\n{LINE}\n"));
    assert!(has_profile_section(
        FileKind::Config,
        "[default]\n",
        "default"
    ));
    assert!(!has_profile_section(
        FileKind::Credentials,
        "[profile ci]\n",
        "ci"
    ));
}
