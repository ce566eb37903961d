//! A dotenv file as a crash sees it: `rolecall env-file` killed while writing leaves no
//! secret behind, and the next run leaves the directory clean.

mod common;

use common::{ok, Env};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Output;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn env() -> Env {
    Env::new(
        "",
        &format!(
            "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n"
        ),
    )
}

fn killed(out: &Output) {
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGKILL),
        "not killed at the hook: {out:?}"
    );
}

/// The files in `dir` (not below it) that hold the secret key.
fn files_with_the_secret(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .filter(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).contains(SECRET))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn env_file_killed_while_writing_leaves_no_secret_behind() {
    let mut env = env();
    let project = env.dir.path().to_path_buf();

    // Killed with the file written but not yet linked in: nothing named is on disk.
    env.set("ROLECALL_TEST_WRITE_HOOK", "kill-before-link:.env");
    killed(&env.rolecall(&["env-file", "base"]));
    assert_eq!(files_with_the_secret(&project), Vec::<String>::new());

    // Killed in the instant it has a temporary name; the next run removes that name.
    env.set("ROLECALL_TEST_WRITE_HOOK", "kill-before-rename:.env");
    killed(&env.rolecall(&["env-file", "base"]));
    assert_eq!(common::temp_files(&project).len(), 1);
    env.set("ROLECALL_TEST_WRITE_HOOK", "");
    ok(&env.rolecall(&["env-file", "base"]));
    assert_eq!(common::temp_files(&project), Vec::<String>::new());
    assert_eq!(files_with_the_secret(&project), vec![".env"]);
}

#[test]
fn an_env_file_saved_by_someone_else_during_the_write_is_kept() {
    let mut env = env();
    let path = env.dir.path().join(".env");
    ok(&env.rolecall(&["env-file", "base"]));
    env.set("ROLECALL_TEST_WRITE_HOOK", "stop-before-rename:.env");
    let child = env
        .command(env!("CARGO_BIN_EXE_rolecall"))
        .args(["env-file", "base"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    common::wait_until_stopped(&child);
    std::fs::write(&path, "MINE=1\n").unwrap();
    common::resume(&child);
    let err = common::failed(&child.wait_with_output().unwrap());
    assert!(
        err.contains("cannot write .env: it changed on disk"),
        "{err}"
    );
    assert!(err.contains("run the command again"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "MINE=1\n");
    assert_eq!(common::temp_files(env.dir.path()), Vec::<String>::new());
}
