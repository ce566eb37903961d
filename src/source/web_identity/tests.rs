use super::*;

fn problem(file: &Path) -> String {
    read_token(file, "web_identity_token_file of 'ci'")
        .unwrap_err()
        .to_string()
}

#[test]
fn the_token_is_read_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "eyJhbGciOi.payload.sig\n").unwrap();
    assert_eq!(
        read_token(&file, "x").unwrap().expose(),
        "eyJhbGciOi.payload.sig"
    );
}

#[test]
fn each_problem_names_the_file_and_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, " \n").unwrap();
    let large = dir.path().join("large");
    std::fs::write(&large, "a".repeat(MAX_TOKEN_BYTES as usize + 1)).unwrap();
    let binary = dir.path().join("binary");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    for (file, expected) in [
        (&missing, "does not exist"),
        (&empty, "is empty"),
        (&large, "is larger than 20000 bytes"),
        (&binary, "is not text"),
        (
            &dir.path().to_path_buf(),
            "is not a regular file (a directory)",
        ),
    ] {
        let message = problem(file);
        assert!(
            message.starts_with(&format!(
                "web identity token file {} (web_identity_token_file of 'ci') {expected}",
                file.display()
            )),
            "{message}"
        );
    }
}

#[test]
fn a_token_of_the_largest_size_sts_accepts_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "a".repeat(MAX_TOKEN_BYTES as usize)).unwrap();
    assert_eq!(
        read_token(&file, "x").unwrap().expose().len(),
        MAX_TOKEN_BYTES as usize
    );
}

#[test]
fn default_session_names_are_the_sdk_s() {
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 123_000_000).unwrap();
    assert_eq!(
        default_session_name(false, now),
        "web-identity-token-profile-1700000000123"
    );
    assert_eq!(
        default_session_name(true, now),
        "web-identity-token-1700000000123"
    );
}
