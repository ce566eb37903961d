//! `docker create $(rolecall export P --format docker) IMAGE` through the real docker CLI.
//!
//! No daemon: `DOCKER_HOST` points the CLI at a fake Engine API on a unix socket, which
//! answers the version ping and records the body of `POST /containers/create`. Its `Env`
//! array is exactly what the CLI parsed from the flags, so the test reads what a container
//! would start with, after the shell split the substitution into words.

mod common;

use common::{failed, ok, Env, Moto};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

const CONFIG: &str = "\
[profile ops]
role_arn = arn:aws:iam::111111111111:role/Ops
source_profile = base
region = eu-west-1

[profile spaced]
region = eu west 1
";

const CREDENTIALS: &str = "\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[spaced]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
";

/// A fake Docker Engine API on a unix socket: it answers `/_ping` (both methods the CLI
/// uses) with an API version and `POST /…/containers/create` with a created container,
/// and sends each create body on `creates`.
struct FakeEngine {
    socket: PathBuf,
    creates: mpsc::Receiver<serde_json::Value>,
}

impl FakeEngine {
    fn start(dir: &Path) -> FakeEngine {
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("bind the fake engine's socket");
        let (tx, creates) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let tx = tx.clone();
                std::thread::spawn(move || serve(stream, &tx));
            }
        });
        FakeEngine { socket, creates }
    }

    fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }
}

/// Answers the requests of one connection (the CLI keeps it alive) until it closes.
fn serve(stream: UnixStream, creates: &mpsc::Sender<serde_json::Value>) {
    let mut writer = stream.try_clone().expect("clone the stream");
    let mut reader = BufReader::new(stream);
    while let Some((method, path, body)) = read_request(&mut reader) {
        let (status, body) = if path.ends_with("/_ping") {
            ("200 OK", if method == "HEAD" { "" } else { "OK" })
        } else if method == "POST" && path.contains("/containers/create") {
            let json = serde_json::from_slice(&body).expect("a JSON create body");
            let _ = creates.send(json);
            ("201 Created", r#"{"Id":"0123456789ab","Warnings":[]}"#)
        } else {
            ("404 Not Found", r#"{"message":"not in the fake engine"}"#)
        };
        let length = if method == "HEAD" { 0 } else { body.len() };
        let reply = format!(
            "HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nOstype: linux\r\n\
             Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{body}"
        );
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// One request: method, path and body (Content-Length or chunked).
fn read_request(reader: &mut impl BufRead) -> Option<(String, String, Vec<u8>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let (mut length, mut chunked) = (0, false);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.trim().eq_ignore_ascii_case("chunked");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    if chunked {
        body = read_chunks(reader)?;
    }
    Some((method, path, body))
}

fn read_chunks(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).ok()?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// The docker CLI's directory (`.ci/setup` installs Debian's docker.io).
fn docker_dir() -> PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", "command -v docker"])
        .output()
        .expect("run sh");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        out.status.success() && !path.is_empty(),
        "the docker CLI is missing: run `bash .ci/setup` first"
    );
    Path::new(&path).parent().unwrap().to_path_buf()
}

/// An environment where `rolecall` and `docker` are on PATH and docker talks to `engine`.
fn env_with_docker(engine_dir: &Path, moto: &Moto) -> (Env, FakeEngine) {
    let mut env = Env::new(CONFIG, CREDENTIALS);
    env.set("AWS_ENDPOINT_URL_STS", &moto.url);
    let rolecall_dir = Path::new(env!("CARGO_BIN_EXE_rolecall")).parent().unwrap();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        rolecall_dir.display(),
        docker_dir().display()
    );
    env.set("PATH", &path);
    let engine = FakeEngine::start(engine_dir);
    env.set("DOCKER_HOST", &engine.host());
    env.set(
        "DOCKER_CONFIG",
        &env.dir.path().join("docker").display().to_string(),
    );
    (env, engine)
}

/// The session's variables as `shell` gets them, read from the dotenv format of the same
/// cached session (its values are bare `KEY=value` for every real key, token, expiration
/// and region), sorted. Through the shell, because fish replaces `USER` (as root), and the
/// role session name, so the cached session, follows it.
fn session_vars(env: &Env, shell: &str, profile: &str) -> Vec<String> {
    let script = format!("rolecall export {profile} --format dotenv");
    let out = env.command(shell).args(["-c", &script]).output().unwrap();
    let mut vars = ok(&out).lines().map(str::to_string).collect::<Vec<_>>();
    vars.sort();
    vars
}

/// The `Env` array of the one container `script` created, sorted (an environment has no
/// order, and docker's own order is not the flags').
fn created_env(env: &Env, engine: &FakeEngine, shell: &str, script: &str) -> Vec<String> {
    let out = env.command(shell).args(["-c", script]).output().unwrap();
    ok(&out);
    let body = engine
        .creates
        .try_recv()
        .expect("the CLI created a container");
    assert!(engine.creates.try_recv().is_err(), "one create only");
    let mut vars = body["Env"]
        .as_array()
        .expect("an Env array")
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect::<Vec<_>>();
    vars.sort();
    vars
}

#[test]
fn docker_receives_the_session_exactly_from_an_unquoted_substitution() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (env, engine) = env_with_docker(dir.path(), &moto);
    let script = "docker create $(rolecall export ops --format docker) example/image";
    // fish splits a substitution at newlines only, so one word per line serves it too.
    for shell in ["sh", "bash", "zsh", "fish"] {
        let want = session_vars(&env, shell, "ops");
        assert!(
            want.iter().any(|v| v.starts_with("AWS_SESSION_TOKEN=")),
            "{want:?}"
        );
        assert!(
            want.contains(&"AWS_REGION=eu-west-1".to_string()),
            "{want:?}"
        );
        assert_eq!(created_env(&env, &engine, shell, script), want, "{shell}");
    }
}

#[test]
fn a_value_a_shell_would_split_is_refused_by_name() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (env, _engine) = env_with_docker(dir.path(), &moto);
    let out = env.rolecall(&["export", "spaced", "--format", "docker"]);
    let err = failed(&out);
    assert!(out.stdout.is_empty(), "nothing to split: {:?}", out.stdout);
    assert!(err.contains("AWS_REGION"), "{err}");
    assert!(err.contains("'spaced'"), "{err}");
    assert!(!err.contains("wJalrXUtnFEMI"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
