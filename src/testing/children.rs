//! Children that rolecall runs (`credential_process`, `mfa_process`) as the tests watch
//! them: the pids a command writes, and whether they end.

/// A shell snippet that starts `background` and then writes `$$` (the `sh` rolecall
/// started) and the background job's pid to `file`, atomically.
pub fn write_pids(file: &std::path::Path, background: &str) -> String {
    let file = file.display();
    format!("{background} & echo \"$$ $!\" > {file}.tmp; mv {file}.tmp {file}")
}

pub fn read_pids(file: &std::path::Path) -> Option<Vec<i32>> {
    let text = std::fs::read_to_string(file).ok()?;
    text.split_whitespace().map(|p| p.parse().ok()).collect()
}

/// Fails unless every process in `pids` ends (or waits to be reaped) within ten seconds.
pub async fn assert_all_end(pids: &[i32]) {
    for &pid in pids {
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = || unsafe { libc::kill(pid, 0) } != 0;
        let ended = poll(|| (gone() || zombie(pid)).then_some(())).await;
        assert!(ended.is_some(), "process {pid} is still running");
    }
}

/// A hang (the defect these tests catch) as a failure rather than a stuck test run.
pub async fn within_a_minute<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(60), future)
        .await
        .expect("the command hung")
}

/// Polls `check` until it gives a value, for at most ten seconds.
pub async fn poll<T>(check: impl Fn() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Whether `pid` has exited and waits to be reaped (tokio reaps killed children lazily).
pub fn zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('Z'))
    })
}
