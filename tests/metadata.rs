//! credential_source against metadata endpoints on loopback: IMDSv2, the IMDSv1 fallback,
//! the container endpoint with its authorization token (and token file), bounded timeouts.
//! Never 169.254.169.254: every endpoint comes from its documented environment variable.

mod common;

use common::{failed, ok, Env, Moto, Reply, Stub};
use std::sync::{Arc, Mutex};

const CONFIG: &str = "\
[profile from-ec2]
role_arn = arn:aws:iam::123456789012:role/FromEc2
credential_source = Ec2InstanceMetadata
region = us-east-1

[profile from-ecs]
role_arn = arn:aws:iam::123456789012:role/FromEcs
credential_source = EcsContainer
region = us-east-1

[profile on-instance]
role_arn = arn:aws:iam::123456789012:role/OnInstance
credential_source = Ec2InstanceMetadata

[profile from-env]
role_arn = arn:aws:iam::123456789012:role/FromEnv
credential_source = Environment
region = us-east-1
";

const CREDS_JSON: &str = r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","Token":"IQoJb3JpZ2luX2VjEXAMPLETOKEN","Expiration":"2099-01-01T00:00:00Z"}"#;

#[test]
fn imdsv2_through_moto_then_assume_role() {
    let moto = Moto::start();
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        &format!("{}/", moto.url),
    );
    assert_eq!(
        env.caller_arn("from-ec2", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEc2/tester"
    );
    let sessions = ok(&env.rolecall(&["sessions"]));
    assert!(sessions.contains("iam-role"), "{sessions}");
}

/// How a stub IMDS answers the token request.
#[derive(Clone, Copy)]
enum TokenReply {
    /// 200 with a token (IMDSv2).
    Token,
    /// 405, as an IMDS with tokens off.
    Refused,
    /// Reads the PUT and closes the connection without an answer.
    Closed,
}

/// An IMDS stub; `v2` decides whether the token endpoint works. Records every request.
fn imds_stub(v2: bool) -> (Stub, Arc<Mutex<Vec<String>>>) {
    imds_stub_on(
        "127.0.0.1:0",
        if v2 {
            TokenReply::Token
        } else {
            TokenReply::Refused
        },
    )
}

fn imds_stub_on(addr: &str, token_reply: TokenReply) -> (Stub, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let stub = Stub::start_on(addr, move |req| {
        let token = req
            .header("x-aws-ec2-metadata-token")
            .unwrap_or("-")
            .to_string();
        log.lock()
            .unwrap()
            .push(format!("{} {} token={token}", req.method, req.path));
        match (req.method.as_str(), req.path.as_str()) {
            ("PUT", "/latest/api/token") => match token_reply {
                TokenReply::Token => Reply::Status(200, "TOKEN-123".into()),
                TokenReply::Refused => Reply::Status(405, String::new()),
                TokenReply::Closed => Reply::Close,
            },
            ("GET", "/latest/meta-data/iam/security-credentials/") => {
                Reply::Status(200, "my-role\n".into())
            }
            ("GET", "/latest/meta-data/iam/security-credentials/my-role") => {
                Reply::Status(200, CREDS_JSON.into())
            }
            ("GET", "/latest/meta-data/placement/region") => Reply::Status(200, "us-east-2".into()),
            _ => Reply::Status(404, String::new()),
        }
    });
    (stub, seen)
}

fn export_via_imds(imds_url: &str, moto: &Moto) -> std::process::Output {
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url);
    env.rolecall(&["export", "from-ec2", "--format", "json"])
}

#[test]
fn imdsv2_sends_the_token_on_every_read() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(true);
    ok(&export_via_imds(&stub.url, &moto));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], "PUT /latest/api/token token=-");
    assert!(
        seen[1..].iter().all(|r| r.ends_with("token=TOKEN-123")),
        "{seen:?}"
    );
    assert!(seen
        .iter()
        .any(|r| r.contains("security-credentials/my-role")));
}

#[test]
fn imdsv1_fallback_when_tokens_are_refused() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(false);
    ok(&export_via_imds(&stub.url, &moto));
    let seen = seen.lock().unwrap().clone();
    assert!(seen[1..].iter().all(|r| r.ends_with("token=-")), "{seen:?}");
    assert!(seen
        .iter()
        .any(|r| r.starts_with("GET /latest/meta-data/iam/security-credentials/my-role")));
}

#[test]
fn imdsv1_fallback_when_the_token_connection_is_closed() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub_on("127.0.0.1:0", TokenReply::Closed);
    ok(&export_via_imds(&stub.url, &moto));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[0], "PUT /latest/api/token token=-");
    assert!(seen[1..].iter().all(|r| r.ends_with("token=-")), "{seen:?}");
    assert!(seen
        .iter()
        .any(|r| r.starts_with("GET /latest/meta-data/iam/security-credentials/my-role")));
}

#[test]
fn v1_disabled_turns_a_failed_token_request_into_an_error() {
    let moto = Moto::start();
    for token in [TokenReply::Refused, TokenReply::Closed] {
        let (stub, seen) = imds_stub_on("127.0.0.1:0", token);
        let mut env = Env::new(CONFIG, "");
        env.set("AWS_ENDPOINT_URL_STS", &moto.url);
        env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
        env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
        let err = failed(&env.rolecall(&["export", "from-ec2"]));
        assert!(
            err.contains("instance metadata: the IMDSv2 token request failed")
                && err.contains("IMDSv1 fallback is disabled by AWS_EC2_METADATA_V1_DISABLED"),
            "{err}"
        );
        // Only the token request: no IMDSv1 read.
        assert_eq!(
            seen.lock().unwrap().clone(),
            ["PUT /latest/api/token token=-"]
        );
    }
    // IMDSv2 itself is unaffected.
    let (stub, _) = imds_stub(true);
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
    ok(&env.rolecall(&["export", "from-ec2"]));
}

#[test]
fn disabled_imds_is_an_error_and_sends_nothing() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(true);
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    env.set("AWS_EC2_METADATA_DISABLED", "TRUE");
    let err = failed(&env.rolecall(&["export", "from-ec2"]));
    assert!(
        err.contains("instance metadata: disabled by AWS_EC2_METADATA_DISABLED=true"),
        "{err}"
    );
    assert!(seen.lock().unwrap().is_empty());
    // The same stub serves as soon as the switch is off.
    env.set("AWS_EC2_METADATA_DISABLED", "false");
    ok(&env.rolecall(&["export", "from-ec2"]));
    assert!(!seen.lock().unwrap().is_empty());
}

#[test]
fn imds_on_an_ipv6_loopback_endpoint() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub_on("[::1]:0", TokenReply::Token);
    assert!(stub.url.starts_with("http://[::1]:"), "{}", stub.url);
    ok(&export_via_imds(&format!("{}/", stub.url), &moto));
    let seen = seen.lock().unwrap().clone();
    assert!(seen
        .iter()
        .any(|r| r == "GET /latest/meta-data/iam/security-credentials/my-role token=TOKEN-123"));
}

/// The endpoint choice is asserted on the configuration only: a test never connects to
/// the real IMDS addresses.
#[test]
fn explicit_endpoint_wins_over_the_endpoint_mode() {
    use rolecall::source::{MetadataConfig, ProfileMetadataSettings};
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let url = |c: MetadataConfig| c.imds.expect("usable").url;
    let mode_only = vars(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]);
    assert_eq!(
        url(MetadataConfig::resolve(&mode_only, &Default::default())),
        "http://[fd00:ec2::254]/"
    );
    let both = vars(&[
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[::1]:8999"),
    ]);
    assert_eq!(
        url(MetadataConfig::resolve(&both, &Default::default())),
        "http://[::1]:8999/"
    );
    let profile = ProfileMetadataSettings {
        endpoint: Some("http://127.0.0.1:8998/".into()),
        ..Default::default()
    };
    assert_eq!(
        url(MetadataConfig::resolve(&mode_only, &profile)),
        "http://127.0.0.1:8998/"
    );
}

#[test]
fn container_source_names_the_uri_the_sdk_uses() {
    let both = |name: &str| match name {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI" => Some("/v2/credentials/abc".to_string()),
        "AWS_CONTAINER_CREDENTIALS_FULL_URI" => Some("http://127.0.0.1:9/creds".to_string()),
        _ => None,
    };
    assert_eq!(
        rolecall::source::container_endpoint(&both).as_deref(),
        Some("http://169.254.170.2/v2/credentials/abc")
    );
    let full = |name: &str| both(name).filter(|_| name.ends_with("FULL_URI"));
    assert_eq!(
        rolecall::source::container_endpoint(&full).as_deref(),
        Some("http://127.0.0.1:9/creds")
    );
    assert_eq!(rolecall::source::container_endpoint(&|_| None), None);
}

#[test]
fn imds_that_never_answers_times_out_with_a_clear_error() {
    let moto = Moto::start();
    let stub = Stub::start(|_| Reply::Hang);
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    env.set("AWS_METADATA_SERVICE_TIMEOUT", "0.5");
    let err = failed(&env.rolecall(&["export", "from-ec2"]));
    assert!(err.contains("profile 'from-ec2': step 1/2 (source credentials of 'from-ec2'): instance metadata: no answer from"), "{err}");
    assert!(err.contains("within 500ms"), "{err}");
}

#[test]
fn unreachable_imds_is_named() {
    let moto = Moto::start();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        &format!("http://127.0.0.1:{port}/"),
    );
    let err = failed(&env.rolecall(&["export", "from-ec2"]));
    assert!(err.contains("cannot reach http://127.0.0.1:"), "{err}");
}

/// A container endpoint that answers only with the right Authorization header.
fn container_stub(expected_token: &'static str) -> Stub {
    Stub::start(move |req| {
        if req.header("authorization") == Some(expected_token) {
            Reply::Status(200, CREDS_JSON.into())
        } else {
            Reply::Status(401, r#"{"message":"unauthorized"}"#.into())
        }
    })
}

#[test]
fn container_endpoint_with_authorization_token() {
    let moto = Moto::start();
    let stub = container_stub("Bearer-abc");
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/creds", stub.url),
    );
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer-abc");
    assert_eq!(
        env.caller_arn("from-ecs", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEcs/tester"
    );
    // The wrong token is refused, and the error says where.
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong");
    let err = failed(&env.rolecall(&["export", "from-ecs", "--refresh"]));
    assert!(err.contains("container credentials endpoint"), "{err}");
    assert!(!err.contains("wrong"), "token echoed: {err}");
}

#[test]
fn container_endpoint_with_authorization_token_file() {
    let moto = Moto::start();
    let stub = container_stub("from-file-token");
    let mut env = Env::new(CONFIG, "");
    let token_file = env.dir.path().join("token");
    std::fs::write(&token_file, "from-file-token").unwrap();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    env.set(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        &format!("{}/creds", stub.url),
    );
    env.set(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        &token_file.display().to_string(),
    );
    assert_eq!(
        env.caller_arn("from-ecs", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEcs/tester"
    );
}

#[test]
fn environment_credential_source() {
    let moto = Moto::start();
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let err = failed(&env.rolecall(&["export", "from-env"]));
    assert!(
        err.contains("profile 'from-env'") && err.contains("environment"),
        "{err}"
    );
    env.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    env.set(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    assert_eq!(
        env.caller_arn("from-env", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEnv/tester"
    );
}

#[test]
fn failing_credential_process_names_the_program_only() {
    let mut env = Env::new(
        "[profile proc]\ncredential_process = sh -c 'echo not-json' --token=VAULTTOKEN1\n\
         [profile dies]\ncredential_process = /bin/sh -c 'exit 3' --token=VAULTTOKEN2\n",
        "",
    );
    env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let err = failed(&env.rolecall(&["export", "proc"]));
    assert!(
        err.contains("profile 'proc'")
            && err.contains("credential_process `sh` failed")
            && err.contains("not JSON"),
        "{err}"
    );
    let err = failed(&env.rolecall(&["export", "dies"]));
    assert!(
        err.contains("credential_process `sh` failed: it exited with code 3"),
        "{err}"
    );
    assert!(!err.contains("VAULTTOKEN"), "{err}");
}

#[test]
fn the_profile_s_own_metadata_settings_are_used_under_the_environment_s() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(false);
    let config = format!(
        "[profile from-profile]\nrole_arn = arn:aws:iam::123456789012:role/FromImds\n\
         credential_source = Ec2InstanceMetadata\nregion = us-east-1\nec2_metadata_service_endpoint = {}/\n\n\
         [profile v1-off]\nrole_arn = arn:aws:iam::123456789012:role/FromImds\n\
         credential_source = Ec2InstanceMetadata\nec2_metadata_service_endpoint = {}/\n\
         ec2_metadata_v1_disabled = true\n",
        stub.url, stub.url
    );
    let mut env = Env::new(&config, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    // The endpoint comes from the profile (no AWS_EC2_METADATA_SERVICE_ENDPOINT set).
    assert_eq!(
        env.caller_arn("from-profile", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromImds/tester"
    );
    assert!(seen.lock().unwrap().iter().any(|r| r.starts_with("GET ")));
    // The profile turns the IMDSv1 fallback off: the refused token is an error naming it.
    seen.lock().unwrap().clear();
    let err = failed(&env.rolecall(&["export", "v1-off"]));
    assert!(err.contains("ec2_metadata_v1_disabled"), "{err}");
    assert!(
        seen.lock().unwrap().iter().all(|r| r.starts_with("PUT ")),
        "an IMDSv1 request was sent: {:?}",
        seen.lock().unwrap()
    );
    // The environment wins over the profile.
    env.set("AWS_EC2_METADATA_V1_DISABLED", "false");
    ok(&env.rolecall(&["export", "v1-off"]));
}

#[test]
fn a_session_on_the_instance_without_a_region_takes_the_instance_s() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(true);
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    let list = ok(&env.rolecall(&["list"]));
    let row = list.lines().find(|l| l.starts_with("on-instance")).unwrap();
    assert!(row.contains("(instance)"), "{list}");
    let region = ok(&env.rolecall(&["exec", "on-instance", "--", "sh", "-c", "echo $AWS_REGION"]));
    assert_eq!(region.trim(), "us-east-2");
    // Read with the IMDSv2 token, as the credentials are.
    assert!(
        seen.lock()
            .unwrap()
            .contains(&"GET /latest/meta-data/placement/region token=TOKEN-123".to_string()),
        "{seen:?}"
    );
    let sessions = ok(&env.rolecall(&["sessions"]));
    assert!(sessions.contains("us-east-2 (instance)"), "{sessions}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&env.rolecall(&["sessions", "--format", "json"]))).unwrap();
    let session = &json.as_array().unwrap()[0];
    assert_eq!(session["region"], "us-east-2");
    assert_eq!(session["region_from_instance"], true);
}

#[test]
fn a_configured_region_wins_and_the_instance_s_is_not_read() {
    let moto = Moto::start();
    let (stub, seen) = imds_stub(true);
    ok(&export_via_imds(&stub.url, &moto));
    assert!(
        !seen.lock().unwrap().iter().any(|r| r.contains("placement")),
        "{seen:?}"
    );
    // `[default]`'s region is configured too.
    let config = format!("[default]\nregion = eu-west-3\n{CONFIG}");
    let mut env = Env::new(&config, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    let region = ok(&env.rolecall(&["exec", "on-instance", "--", "sh", "-c", "echo $AWS_REGION"]));
    assert_eq!(region.trim(), "eu-west-3");
    assert!(!ok(&env.rolecall(&["list"])).contains("(instance)"));
}

#[test]
fn an_instance_region_that_cannot_be_read_is_a_warning() {
    let moto = Moto::start();
    // IMDS with credentials but no region document.
    let stub = Stub::start(|req| match req.path.as_str() {
        "/latest/api/token" => Reply::Status(200, "T".into()),
        "/latest/meta-data/iam/security-credentials/" => Reply::Status(200, "my-role".into()),
        "/latest/meta-data/iam/security-credentials/my-role" => {
            Reply::Status(200, CREDS_JSON.into())
        }
        _ => Reply::Status(404, String::new()),
    });
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set("AWS_EC2_METADATA_SERVICE_ENDPOINT", &stub.url);
    let out = env.rolecall(&["export", "on-instance", "--format", "json"]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no region configured, and the instance's could not be read")
            && stderr.contains("placement/region answered 404"),
        "{stderr}"
    );
}

/// A container endpoint that answers any request and records its Authorization header.
fn recording_container_stub() -> (Stub, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let stub = Stub::start(move |req| {
        log.lock()
            .unwrap()
            .push(req.header("authorization").unwrap_or("-").to_string());
        Reply::Status(200, CREDS_JSON.into())
    });
    (stub, seen)
}

/// An environment for EKS Pod Identity on a loopback stand-in: the full URI, and the
/// token file (holding `token`) that the agent's token is read from.
fn pod_identity_env(moto: &Moto, stub: &Stub, token: &str) -> (Env, std::path::PathBuf) {
    let mut env = Env::new(CONFIG, "");
    let token_file = env.dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, token).unwrap();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        .set(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            &format!("{}/v1/credentials", stub.url),
        )
        .set(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            &token_file.display().to_string(),
        );
    (env, token_file)
}

#[test]
fn pod_identity_reads_the_token_file_again_at_every_call() {
    let moto = Moto::start();
    let (stub, seen) = recording_container_stub();
    let (mut env, token_file) = pod_identity_env(&moto, &stub, "pod-token-1");
    // The file wins over the token in the environment, as in the SDKs.
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-token");
    assert_eq!(
        env.caller_arn("from-ecs", &[]),
        "arn:aws:sts::123456789012:assumed-role/FromEcs/tester"
    );
    std::fs::write(&token_file, "pod-token-2").unwrap();
    ok(&env.rolecall(&["export", "from-ecs", "--refresh"]));
    assert_eq!(*seen.lock().unwrap(), ["pod-token-1", "pod-token-2"]);
}

#[test]
fn pod_identity_token_file_problems_name_the_file() {
    let moto = Moto::start();
    let (stub, seen) = recording_container_stub();
    let (env, token_file) = pod_identity_env(&moto, &stub, "pod-token\n");
    let err = failed(&env.rolecall(&["export", "from-ecs"]));
    assert!(
        err.contains(&format!(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {} holds a line break",
            token_file.display()
        )),
        "{err}"
    );
    std::fs::remove_file(&token_file).unwrap();
    let err = failed(&env.rolecall(&["export", "from-ecs"]));
    assert!(
        err.contains(&format!("{} does not exist", token_file.display())),
        "{err}"
    );
    assert!(seen.lock().unwrap().is_empty(), "the endpoint was called");
}

#[test]
fn a_full_uri_on_a_host_the_sdks_refuse_is_refused_before_any_connection() {
    let moto = Moto::start();
    let mut env = Env::new(CONFIG, "");
    env.set("AWS_ENDPOINT_URL_STS", &moto.url)
        // TEST-NET-1 (RFC 5737): never routed, and never connected to: refused first.
        .set(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://192.0.2.10/creds",
        );
    let err = failed(&env.rolecall(&["export", "from-ecs"]));
    assert!(
        err.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI http://192.0.2.10/creds is refused")
            && err.contains("169.254.170.23 and fd00:ec2::23 (EKS Pod Identity)"),
        "{err}"
    );
}
