//! Test harness shared by the integration tests: moto_server, loopback stubs, and an
//! isolated environment for running the real `rolecall` binary and the AWS CLI.
#![allow(dead_code)]

pub mod demo;
pub mod hostile;
pub mod pty;
pub mod signin_standin;
pub mod sso_standin;
pub mod sts_standin;
pub mod tmux;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A "browser" to name in `BROWSER`: a script that writes the URL it is asked to open
/// into a file, whole (written aside, then renamed: a reader never sees half of it).
pub struct RecordingBrowser {
    /// The script, for `BROWSER`.
    pub script: PathBuf,
    opened: PathBuf,
}

impl RecordingBrowser {
    /// The script and its file, in `dir`.
    pub fn new(dir: &Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let opened = dir.join("opened");
        let script = dir.join("browser.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho \"$1\" > {0}.tmp && mv {0}.tmp {0}\n",
                opened.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        RecordingBrowser { script, opened }
    }

    /// `BROWSER`'s value.
    pub fn var(&self) -> String {
        self.script.display().to_string()
    }

    /// Whether it has recorded a URL.
    pub fn was_opened(&self) -> bool {
        self.opened.exists()
    }

    /// The URL it was asked to open. rolecall starts a browser without waiting for it, so
    /// this polls until the file is there (at most 10 s) and fails if it never comes.
    pub fn url(&self) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !self.opened.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the browser was not started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!self.opened.with_extension("tmp").exists());
        std::fs::read_to_string(&self.opened)
            .unwrap()
            .trim()
            .to_string()
    }
}

/// A tool from the project's venv (.ci/setup creates it).
pub fn venv_bin(name: &str) -> PathBuf {
    let p = root().join(".venv/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run `bash .ci/setup` first",
        p.display()
    );
    p
}

/// A moto_server on 127.0.0.1, on a port it picks itself; stopped on drop.
pub struct Moto {
    child: Child,
    pub url: String,
}

impl Moto {
    /// Starts moto_server and waits (bounded) for it to say where it listens.
    pub fn start() -> Moto {
        let mut child = Command::new(venv_bin("moto_server"))
            .args(["-H", "127.0.0.1", "-p", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start moto_server");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://127.0.0.1:") {
                    let _ = tx.send(line[i..].trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("moto_server did not report its address within 60 s");
        Moto { child, url }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP request as a stub sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a stub answers; `Hang` accepts and never answers (for timeouts); `Close` reads
/// the request and closes the connection without a response.
pub enum Reply {
    Status(u16, String),
    Hang,
    Close,
}

/// A loopback HTTP stub answering every request with `handler`; lives as long as the test.
pub struct Stub {
    pub url: String,
    pub requests: mpsc::Receiver<Request>,
}

/// A loopback listener whose every connection is served on a thread of its own by
/// `serve(stream, base_url)`, for the stand-ins that hold state across calls; returns the
/// base URL (`http://127.0.0.1:PORT`).
pub fn serve_connections(serve: impl Fn(TcpStream, &str) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let serve = std::sync::Arc::new(serve);
    let base = url.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (serve, base) = (serve.clone(), base.clone());
            std::thread::spawn(move || serve(stream, &base));
        }
    });
    url
}

impl Stub {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + 'static) -> Stub {
        Stub::start_on("127.0.0.1:0", handler)
    }

    /// A stub on another loopback address, e.g. `[::1]:0`.
    pub fn start_on(addr: &str, handler: impl Fn(&Request) -> Reply + Send + 'static) -> Stub {
        let listener = TcpListener::bind(addr).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut hung = Vec::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(req) = read_request_once(&mut stream) else {
                    continue;
                };
                let _ = tx.send(req.clone());
                match handler(&req) {
                    Reply::Hang => hung.push(stream),
                    Reply::Close => drop(stream),
                    Reply::Status(code, body) => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {code} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                }
            }
        });
        Stub { url, requests: rx }
    }
}

fn read_request_once(stream: &mut TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    read_request(&mut BufReader::new(stream.try_clone().ok()?))
}

/// Reads one HTTP/1.1 request (Content-Length bodies); `None` at the end of the stream.
pub fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// An isolated place to run rolecall: its own HOME, AWS files and session cache.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Env {
    /// A fresh environment whose AWS files hold `config` and `credentials`.
    pub fn new(config: &str, credentials: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(home.join(".aws/config"), config).unwrap();
        std::fs::write(home.join(".aws/credentials"), credentials).unwrap();
        let p = |x: &Path| x.display().to_string();
        let vars = vec![
            ("HOME".into(), p(&home)),
            (
                "PATH".into(),
                format!("{}:/usr/bin:/bin", p(&root().join(".venv/bin"))),
            ),
            ("AWS_CONFIG_FILE".into(), p(&home.join(".aws/config"))),
            (
                "AWS_SHARED_CREDENTIALS_FILE".into(),
                p(&home.join(".aws/credentials")),
            ),
            ("ROLECALL_CACHE_DIR".into(), p(&dir.path().join("cache"))),
            ("USER".into(), "tester".into()),
            ("LANG".into(), "C.UTF-8".into()),
        ];
        Env { dir, vars }
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.into(), value.into()));
        self
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A command with only this environment (nothing inherited from the test runner).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear();
        c.envs(self.vars.iter().map(|(k, v)| (k, v)));
        c.current_dir(self.dir.path());
        c.stdin(Stdio::null());
        c
    }

    /// What `aws sts get-caller-identity --profile PROFILE` (the AWS CLI of the venv, with
    /// this environment) prints, parsed; the command must succeed.
    pub fn aws_identity(&self, profile: &str) -> serde_json::Value {
        let out = self
            .command(venv_bin("aws"))
            .args(["sts", "get-caller-identity", "--profile", profile])
            .args(["--output", "json"])
            .output()
            .expect("run the AWS CLI");
        serde_json::from_str(&ok(&out)).unwrap()
    }

    /// The ARN `aws sts get-caller-identity` prints when run by `rolecall exec PROFILE EXTRA…`.
    pub fn caller_arn(&self, profile: &str, extra: &[&str]) -> String {
        let mut args = vec!["exec", profile];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--",
            "aws",
            "sts",
            "get-caller-identity",
            "--output",
            "json",
        ]);
        let out: serde_json::Value = serde_json::from_str(&ok(&self.rolecall(&args))).unwrap();
        out["Arn"].as_str().expect("an Arn").to_string()
    }

    /// Runs `rolecall ARGS`.
    pub fn rolecall(&self, args: &[&str]) -> Output {
        self.command(env!("CARGO_BIN_EXE_rolecall"))
            .args(args)
            .output()
            .expect("run rolecall")
    }
}

/// stdout as text, asserting the command succeeded.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "command failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// stderr as text, asserting the command failed.
pub fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "command unexpectedly succeeded:\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Waits until `child` stops itself at rolecall's write hook (`ROLECALL_TEST_WRITE_HOOK`
/// with `stop-…`); fails if it exits instead.
pub fn wait_until_stopped(child: &Child) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: waits for our own child; WUNTRACED reports a stop without reaping it.
    let waited = unsafe { libc::waitpid(pid, &mut status, libc::WUNTRACED) };
    assert_eq!(waited, pid, "waitpid: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFSTOPPED(status),
        "rolecall ended (wait status {status:#x}) instead of stopping at the write hook"
    );
}

/// Lets a child stopped by [`wait_until_stopped`] go on.
pub fn resume(child: &Child) {
    // SAFETY: signals our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGCONT) },
        0
    );
}

/// The names in `dir` that look like a writer's temporary file (`.NAME.tmp-…`).
pub fn temp_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    names.sort();
    names
}

/// Whether `pid` runs: it exists and is not a zombie waiting to be reaped.
pub fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| !r.trim_start().starts_with('Z'))
    })
}

/// Polls `check` until it gives a value, for at most ten seconds.
pub fn poll<T>(mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}
