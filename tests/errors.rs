//! Errors a person can act on: each says what failed, where, and what to do, once, on one
//! line. (STS's and the portal's are in sts_errors.rs and sso.rs.)

mod common;

use common::{failed, ok, Env};
use std::path::Path;

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// The whole of stderr of a failed `rolecall ARGS`, checked to be one line.
fn one_line_error(env: &Env, args: &[&str]) -> String {
    let err = failed(&env.rolecall(args));
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn env_file_names_the_io_error_once() {
    let env = Env::new("", CREDENTIALS);
    let err = one_line_error(&env, &["env-file", "base", "missing/.env"]);
    assert_eq!(
        err,
        "rolecall: cannot write missing/.env: No such file or directory (os error 2)\n"
    );
}

#[test]
fn env_file_refuses_a_symlink_naming_it_once() {
    let env = Env::new("", CREDENTIALS);
    let target = env.dir.path().join("target.txt");
    std::fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, env.dir.path().join("link.env")).unwrap();
    let expected =
        "rolecall: refusing to write link.env: it is a symbolic link; remove it and try again\n";
    // Before the session is made (whose file is it?) and when writing (--force).
    assert_eq!(
        one_line_error(&env, &["env-file", "base", "link.env"]),
        expected
    );
    assert_eq!(
        one_line_error(&env, &["env-file", "base", "link.env", "--force"]),
        expected
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
}

#[test]
fn a_role_without_a_source_gives_the_reason_check_gives() {
    let config = "[profile orphan]\nrole_arn = arn:aws:iam::123456789012:role/R\n";
    let env = Env::new(config, CREDENTIALS);
    let check = String::from_utf8(env.rolecall(&["check"]).stdout).unwrap();
    let reason = "role_arn is set but neither source_profile nor credential_source says where \
                  its source credentials come from";
    assert!(check.contains(reason), "{check}");
    assert_eq!(
        one_line_error(&env, &["export", "orphan"]),
        format!("rolecall: profile 'orphan': {reason}\n")
    );
}

/// `export base` and `list` with the config file replaced by `make(path)`: the error names
/// the file and why it could not be read.
fn with_unreadable_config(make: impl Fn(&Path), why: &str) {
    let mut env = Env::new("", "");
    let config = env.dir.path().join("config-here");
    make(&config);
    let shown = config.display().to_string();
    env.set("AWS_CONFIG_FILE", &shown);
    let problem = format!(
        "{shown}: cannot read file: it is not a regular file ({why}); point AWS_CONFIG_FILE or \
         AWS_SHARED_CREDENTIALS_FILE at a file"
    );
    assert_eq!(
        one_line_error(&env, &["export", "base"]),
        format!("rolecall: profile 'base': no such profile: {problem}\n")
    );
    let list = ok(&env.rolecall(&["list"]));
    assert!(list.contains(&format!("\n{problem}\n")), "{list}");
}

#[test]
fn an_unreadable_config_file_is_named_in_export_and_list() {
    with_unreadable_config(
        |p| {
            let c = std::ffi::CString::new(p.display().to_string()).unwrap();
            // SAFETY: a valid C string; mkfifo has no other precondition.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        },
        "a FIFO",
    );
    with_unreadable_config(|p| std::fs::create_dir(p).unwrap(), "a directory");
    with_unreadable_config(
        |p| std::os::unix::fs::symlink("/dev/zero", p).unwrap(),
        "a device",
    );
}

#[test]
fn a_byte_order_mark_is_named_where_the_first_section_is_lost() {
    let env = Env::new(
        "\u{feff}[profile a]\nregion = eu-west-1\n\n[profile b]\nregion = us-east-1\n",
        "",
    );
    let out = env.rolecall(&["check"]);
    let check = String::from_utf8(out.stdout).unwrap();
    let config = env.home().join(".aws/config");
    assert_eq!(
        check.lines().next(),
        Some(
            format!(
                "{}:1: Expected a profile definition; ignored this line (the file starts with a \
                 UTF-8 byte order mark, U+FEFF, which the AWS CLI and SDKs do not accept either: \
                 save it as UTF-8 without a BOM)",
                config.display()
            )
            .as_str()
        )
    );
}

#[test]
fn a_mistyped_profile_is_answered_with_the_name_it_may_have_meant() {
    let env = Env::new(
        "[profile prod-admin]\nregion = eu-west-1\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
        "",
    );
    let out = env.rolecall(&["export", "prod-admn"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rolecall: profile 'prod-admn': no such profile: did you mean 'prod-admin'?\n"
    );
    // Nothing close: where to look instead.
    let out = env.rolecall(&["export", "staging"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rolecall: profile 'staging': no such profile (see `rolecall list`)\n"
    );
}

#[test]
fn a_relative_home_never_reads_config_from_the_current_directory() {
    // A cloned repository could plant `.aws/config` where a relative HOME points.
    let mut env = Env::new("[profile planted]\nregion = eu-west-1\n", "");
    env.vars
        .retain(|(k, _)| k != "AWS_CONFIG_FILE" && k != "AWS_SHARED_CREDENTIALS_FILE");
    env.set("HOME", "home");
    assert!(env.dir.path().join("home/.aws/config").exists());
    let table = ok(&env.rolecall(&["list"]));
    assert!(!table.contains("planted"), "{table}");
}
