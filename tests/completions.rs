//! Shell completion, driven through the real shells: fish's `complete -C`, bash's
//! registered function with `COMP_WORDS`/`COMP_CWORD`, and zsh's `compdef`'d function.
//! Profile names come from the files `AWS_CONFIG_FILE` names, as for every command.
//! Also the manual page.

mod common;

use common::{ok, Env};
use std::process::Output;

const CONFIG: &str = "\
[profile prod-admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile prod-readonly]
region = eu-west-1

[profile dev]
region = us-east-1
";

const CREDENTIALS: &str = "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n";

fn rolecall() -> &'static str {
    env!("CARGO_BIN_EXE_rolecall")
}

/// Runs `script` in `shell` (no user configuration) inside `env`.
fn shell(env: &Env, shell: &str, args: &[&str], script: &str) -> Output {
    env.command(shell)
        .args(args)
        .arg(script)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shell} (bash .ci/setup installs it): {e}"))
}

fn lines(out: &Output) -> Vec<String> {
    let text = ok(out);
    assert!(
        out.stderr.is_empty(),
        "completion printed on stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines().map(str::to_string).collect()
}

/// `complete -C LINE` in fish with rolecall's completion sourced: the candidates'
/// values (descriptions cut off).
fn fish_complete(env: &Env, line: &str) -> Vec<String> {
    let script = format!(
        "{} completions fish | source; complete -C '{line}'",
        rolecall()
    );
    lines(&shell(env, "fish", &["--no-config", "-c"], &script))
        .into_iter()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect()
}

#[test]
fn fish_completes_profile_names_from_the_config() {
    let env = Env::new(CONFIG, CREDENTIALS);
    assert_eq!(
        fish_complete(&env, "rolecall export prod"),
        ["prod-admin", "prod-readonly"]
    );
    // The base profile from the credentials file too, for every command taking a profile.
    for command in ["exec", "env-file", "console", "sessions clear"] {
        let all = fish_complete(&env, &format!("rolecall {command} "));
        for name in ["base", "dev", "prod-admin", "prod-readonly"] {
            assert!(all.contains(&name.to_string()), "{command}: {all:?}");
        }
    }
    // Descriptions say what a profile is.
    let script = format!(
        "{} completions fish | source; complete -C 'rolecall export prod-a'",
        rolecall()
    );
    assert_eq!(
        lines(&shell(&env, "fish", &["--no-config", "-c"], &script)),
        ["prod-admin\trole Admin in 222222222222"]
    );
}

#[test]
fn fish_completes_subcommands_flags_and_formats() {
    let env = Env::new(CONFIG, CREDENTIALS);
    let subcommands = fish_complete(&env, "rolecall e");
    for name in ["export", "exec", "env-file"] {
        assert!(subcommands.contains(&name.to_string()), "{subcommands:?}");
    }
    assert_eq!(
        fish_complete(&env, "rolecall export dev --format "),
        [
            "sh",
            "fish",
            "powershell",
            "dotenv",
            "json",
            "credential-process",
            "docker",
            "redshift"
        ]
    );
    let flags = fish_complete(&env, "rolecall console dev --");
    for flag in ["--print", "--service", "--destination", "--duration"] {
        assert!(flags.contains(&flag.to_string()), "{flags:?}");
    }
    assert_eq!(
        fish_complete(&env, "rolecall completions p"),
        ["powershell"]
    );
}

/// The values bash's registered completion offers for `words`, the last being completed.
fn bash_complete(env: &Env, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    // What bash does on Tab: find the function `complete -F` registered for the command,
    // set COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT and call it with (command, current
    // word, previous word).
    let script = format!(
        r#"source <({rolecall} completions bash) || exit 9
spec=$(complete -p rolecall) || exit 8
func=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<<"$spec")
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
"$func" rolecall "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        rolecall = rolecall(),
        words = quoted.join(" ")
    );
    lines(&shell(
        env,
        "bash",
        &["--norc", "--noprofile", "-c"],
        &script,
    ))
    .into_iter()
    .filter(|l| !l.is_empty())
    .collect()
}

#[test]
fn bash_registers_and_completes_profile_names() {
    let env = Env::new(CONFIG, CREDENTIALS);
    assert_eq!(
        bash_complete(&env, &["rolecall", "export", "prod"]),
        ["prod-admin", "prod-readonly"]
    );
    assert_eq!(bash_complete(&env, &["rolecall", "exec", "d"]), ["dev"]);
    assert_eq!(
        bash_complete(&env, &["rolecall", "export", "dev", "-f", "cred"]),
        ["credential-process"]
    );
    assert!(bash_complete(&env, &["rolecall", "export", "nosuch"]).is_empty());
}

#[test]
fn zsh_registers_and_completes_profile_names() {
    let env = Env::new(CONFIG, CREDENTIALS);
    // The completion system proper needs a terminal; its `_describe` is what receives the
    // candidates, so a stand-in for it prints them.
    let script = format!(
        r#"autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump" || exit 9
source <({rolecall} completions zsh) || exit 8
func=${{_comps[rolecall]}}
[[ -n $func ]] || exit 7
_describe() {{ local c; for c in "${{(@P)3}}"; do print -r -- "${{c%%:*}}"; done }}
words=(rolecall export prod)
CURRENT=3
$func"#,
        rolecall = rolecall()
    );
    assert_eq!(
        lines(&shell(&env, "zsh", &["-f", "-c"], &script)),
        ["prod-admin", "prod-readonly"]
    );
}

#[test]
fn completion_never_prints_errors_into_the_shell() {
    // A config with lines that do not parse: the good profiles are still offered, and
    // nothing reaches stderr.
    let broken = format!("{CONFIG}\nthis line is not ini\n[profile prod-x\n");
    let env = Env::new(&broken, CREDENTIALS);
    assert_eq!(
        fish_complete(&env, "rolecall export prod"),
        ["prod-admin", "prod-readonly"]
    );
    // A request for a shell rolecall has no completer for: no output at all.
    let out = env
        .command(rolecall())
        .env("ROLECALL_COMPLETE", "tcsh")
        .args(["--", "rolecall", "ex"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
}

#[test]
fn a_complete_variable_of_another_tool_changes_nothing() {
    let mut env = Env::new(CONFIG, CREDENTIALS);
    env.set("COMPLETE", "fish");
    let out = ok(&env.rolecall(&["list"]));
    assert!(out.contains("prod-admin"), "{out}");
}

#[test]
fn every_shell_gets_a_script_and_a_wrong_one_is_refused() {
    let env = Env::new(CONFIG, CREDENTIALS);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(&env.rolecall(&["completions", shell]));
        assert!(script.contains(rolecall()), "{shell}: {script}");
    }
    let out = env.rolecall(&["completions", "tcsh"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[possible values: bash, zsh, fish, powershell]"),
        "{err}"
    );
}

#[test]
fn man_pages_for_rolecall_and_its_subcommands() {
    let env = Env::new(CONFIG, CREDENTIALS);
    let page = ok(&env.rolecall(&["man"]));
    assert!(page.contains(".TH rolecall 1"), "{page}");
    for sub in ["export", "console", "completions", "prompt"] {
        assert!(page.contains(sub), "{sub} missing from rolecall(1)");
    }
    let page = ok(&env.rolecall(&["man", "console"]));
    assert!(page.contains(".TH rolecall-console 1"), "{page}");
    assert!(page.contains("\\fBrolecall console\\fR"), "{page}");
    assert!(page.contains("\\-\\-destination"), "{page}");
    let out = env.rolecall(&["man", "nosuch"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("pages exist for: list, check"));
}
