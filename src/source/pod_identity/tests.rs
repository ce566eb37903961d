use super::*;

#[test]
fn the_hosts_the_sdks_allow_over_http_are_allowed() {
    for uri in [
        "http://127.0.0.1:8080/creds",
        "http://127.1.2.3/creds",
        "http://[::1]:9/creds",
        "http://169.254.170.2/v2/credentials",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
        "https://creds.example.com/v1",
        // A host name is resolved and checked by aws-config.
        "http://localhost:8080/creds",
    ] {
        assert!(check_full_uri(uri).is_ok(), "{uri}");
    }
}

#[test]
fn other_addresses_are_refused_without_a_connection() {
    for uri in [
        "http://169.254.170.24/creds",
        "http://10.0.0.1/creds",
        "http://[fd00:ec2::2]/creds",
    ] {
        let err = check_full_uri(uri).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "container credentials endpoint: AWS_CONTAINER_CREDENTIALS_FULL_URI {uri} is refused"
            )) && err.contains("169.254.170.23 and fd00:ec2::23"),
            "{err}"
        );
    }
    assert!(check_full_uri("http:///creds").is_err());
}

#[test]
fn a_token_file_with_a_line_break_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "tok\n").unwrap();
    let err = check_authorization_token_file(&file)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {} holds a line break",
            file.display()
        )),
        "{err}"
    );
    std::fs::write(&file, "tok").unwrap();
    assert!(check_authorization_token_file(&file).is_ok());
}
