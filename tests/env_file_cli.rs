//! `rolecall env-file` in a git work tree: live credentials one `git add .` from a commit
//! are warned about, and `--gitignore` adds the file to the `.gitignore` beside it.

mod common;

use common::{ok, Env};
use std::process::Output;

const KEYS: &str = "[profile keys]\nregion = eu-west-1\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

fn git(env: &Env, args: &[&str]) -> Output {
    env.command("git").args(args).output().expect("git runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_dotenv_file_git_would_offer_for_commit_is_warned_about_or_ignored() {
    let env = Env::new(KEYS, "");
    assert!(git(&env, &["init", "-q"]).status.success(), "git init");

    let out = env.rolecall(&["env-file", "keys"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let warning = stderr(&out);
    assert!(
        warning.contains("is in a git work tree and not ignored")
            && warning.contains("--gitignore"),
        "{warning}"
    );
    let status = ok(&git(&env, &["status", "--porcelain", "--", ".env"]));
    assert_eq!(
        status.trim(),
        "?? .env",
        "git offers it, as the warning said"
    );

    let out = env.rolecall(&["env-file", "keys", "--gitignore"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("added .env to"), "{}", stderr(&out));
    let gitignore = std::fs::read_to_string(env.dir.path().join(".gitignore")).unwrap();
    assert_eq!(gitignore, "/.env\n");
    assert_eq!(ok(&git(&env, &["status", "--porcelain", "--", ".env"])), "");

    // Ignored now: no warning, and the .gitignore is not added to again.
    let out = env.rolecall(&["env-file", "keys", "--gitignore"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let again = std::fs::read_to_string(env.dir.path().join(".gitignore")).unwrap();
    assert_eq!(again, "/.env\n");
}

#[test]
fn outside_a_work_tree_nothing_is_said() {
    let env = Env::new(KEYS, "");
    let out = env.rolecall(&["env-file", "keys"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("git"), "{}", stderr(&out));
}

#[test]
fn the_gitignore_line_matches_that_one_file_whatever_its_name() {
    let env = Env::new(KEYS, "");
    assert!(git(&env, &["init", "-q"]).status.success(), "git init");
    let out = env.rolecall(&["env-file", "keys", "#we*rd!.env", "--gitignore"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let gitignore = std::fs::read_to_string(env.dir.path().join(".gitignore")).unwrap();
    assert_eq!(gitignore, "/\\#we\\*rd\\!.env\n");
    // That file is ignored; a name the unescaped `*` would also match is not.
    std::fs::write(env.dir.path().join("#weXYZrd!.env"), "x").unwrap();
    let status = ok(&git(
        &env,
        &["status", "--porcelain", "--untracked-files=all"],
    ));
    assert!(!status.contains("#we*rd!.env"), "{status}");
    assert!(status.contains("#weXYZrd!.env"), "{status}");
}
