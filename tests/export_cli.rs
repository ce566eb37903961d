//! `rolecall export` and `exec` as shells run them: the default format follows the shell
//! that runs rolecall, and a region rolecall set for an earlier session does not outlive
//! it in a child's environment.

mod common;

use common::{ok, Env, Moto};
use std::path::Path;

const CONFIG: &str = "\
[profile plain]

[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = plain

[profile west]
region = eu-west-1
";

const CREDENTIALS: &str = "\
[plain]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[west]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
";

/// An environment where the shells find `rolecall` on PATH, and nothing names a shell.
fn env() -> Env {
    let mut env = Env::new(CONFIG, CREDENTIALS);
    let rolecall_dir = Path::new(env!("CARGO_BIN_EXE_rolecall")).parent().unwrap();
    env.set("PATH", &format!("{}:/usr/bin:/bin", rolecall_dir.display()));
    env.vars.retain(|(k, _)| k != "SHELL");
    env
}

/// A POSIX sh line printing `NAME=value` or `NAME!` for each name, one a line.
fn report(names: &[&str]) -> String {
    format!(
        r#"for k in {}; do if eval "test \"\${{$k+set}}\" = set"; then eval "printf '%s=%s\n' \$k \"\${{$k}}\""; else printf '%s!\n' $k; fi; done"#,
        names.join(" ")
    )
}

const SEEN: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "ROLECALL_PROFILE",
];

const WEST: &str =
    "AWS_ACCESS_KEY_ID=AKIAI44QH8DHBEXAMPLE\nAWS_SESSION_TOKEN!\nAWS_REGION=eu-west-1\n\
                    AWS_DEFAULT_REGION=eu-west-1\nROLECALL_PROFILE=west\n";

/// Runs `script` in `shell`, with a stale session token to remove and the report of
/// [`SEEN`] in `$RC_REPORT`, and checks it said nothing on stderr.
fn run(env: &Env, shell: &str, script: &str) -> String {
    let out = env
        .command(shell)
        .args(["-c", script])
        .env("AWS_SESSION_TOKEN", "stale")
        .env("RC_REPORT", report(SEEN))
        .output()
        .unwrap();
    let stdout = ok(&out);
    assert!(
        out.stderr.is_empty(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn fish_evals_the_default_format() {
    let env = env();
    let got = run(
        &env,
        "fish",
        r#"eval "$(rolecall export west)"; and exec sh -c "$RC_REPORT""#,
    );
    assert_eq!(got, WEST);
    let got = run(
        &env,
        "fish",
        r#"rolecall export west | source; and exec sh -c "$RC_REPORT""#,
    );
    assert_eq!(got, WEST);
}

#[test]
fn sh_family_shells_eval_the_default_format() {
    let env = env();
    for shell in ["dash", "bash", "zsh"] {
        let got = run(
            &env,
            shell,
            r#"eval "$(rolecall export west)" && exec sh -c "$RC_REPORT""#,
        );
        assert_eq!(got, WEST, "{shell}");
    }
}

#[test]
fn without_a_known_parent_shell_the_format_follows_shell_then_sh() {
    let mut env = env();
    let sh = ok(&env.rolecall(&["export", "west"]));
    assert!(sh.contains("export AWS_REGION='eu-west-1'\n"), "{sh}");
    env.set("SHELL", "/usr/bin/fish");
    let fish = ok(&env.rolecall(&["export", "west"]));
    assert!(fish.contains("set -gx AWS_REGION 'eu-west-1';\n"), "{fish}");
    env.set("SHELL", "/opt/pwsh/pwsh");
    let pwsh = ok(&env.rolecall(&["export", "west"]));
    assert!(pwsh.contains("$Env:AWS_REGION = 'eu-west-1'\n"), "{pwsh}");
    assert!(ok(&env.rolecall(&["export", "west", "-f", "sh"])).contains("export AWS_REGION="));
}

/// What `exec ARGS -- sh -c REPORT` sees of the region, after `eval "$(rolecall export
/// west)"` and then `user_region` (if any) set by the user.
fn exec_regions(env: &mut Env, args: &[&str], user_region: Option<&str>) -> String {
    env.set("AWS_REGION", user_region.unwrap_or("eu-west-1"));
    env.set("AWS_DEFAULT_REGION", "eu-west-1");
    env.set("ROLECALL_REGION", "eu-west-1");
    env.set("ROLECALL_PROFILE", "west");
    let report = report(&["AWS_REGION", "AWS_DEFAULT_REGION", "ROLECALL_REGION"]);
    let mut argv = args.to_vec();
    argv.extend(["--", "sh", "-c", &report]);
    ok(&env.rolecall(&argv))
}

#[test]
fn exec_drops_the_region_rolecall_set_and_keeps_the_users() {
    let moto = Moto::start();
    let mut env = env();
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    // Fixed keys, and a served session (the endpoint's child, as the TUI's `s` runs it).
    for args in [
        &["exec", "--nested", "plain"][..],
        &["exec", "--nested", "--server", "ops"][..],
    ] {
        assert_eq!(
            exec_regions(&mut env, args, None),
            "AWS_REGION!\nAWS_DEFAULT_REGION!\nROLECALL_REGION!\n",
            "{args:?}"
        );
        assert_eq!(
            exec_regions(&mut env, args, Some("us-east-2")),
            "AWS_REGION=us-east-2\nAWS_DEFAULT_REGION!\nROLECALL_REGION!\n",
            "{args:?}"
        );
    }
}

#[test]
fn every_profile_argument_says_what_it_is_in_help() {
    let env = env();
    for command in ["export", "exec", "env-file", "console"] {
        let help = ok(&env.rolecall(&[command, "--help"]));
        let mut lines = help.lines().skip_while(|l| !l.starts_with("Arguments:"));
        let argument = lines
            .find(|l| l.trim_start().starts_with("<PROFILE>"))
            .unwrap_or_else(|| panic!("{command} --help has no <PROFILE> argument:\n{help}"));
        // clap puts the description on the same line, or (long help) on the next.
        let same_line = argument.trim_start().trim_start_matches("<PROFILE>").trim();
        let description = match same_line {
            "" => lines.next().unwrap_or("").trim(),
            text => text,
        };
        assert!(
            description.starts_with("The profile") && description.contains("rolecall list"),
            "{command} --help describes <PROFILE> as {description:?}:\n{help}"
        );
    }
}
