//! Helpers for the unit tests of several modules.

/// An environment made of `pairs`, for code that reads variables through a lookup function
/// rather than the process's environment.
pub fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// `pairs` as the owned name/value list a session's environment is.
pub fn env_list(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// Runs `read` on the FIFO at `path` on a thread while this one writes `x` into it as
/// soon as the reader has it open: a reader that waits for a writer gets `x`, one that
/// refuses the FIFO is done first. No timing involved.
pub fn read_fifo_with_writer<T: Send + 'static>(
    path: &std::path::Path,
    read: impl FnOnce() -> T + Send + 'static,
) -> T {
    use std::os::unix::fs::OpenOptionsExt;
    let reader = std::thread::spawn(read);
    while !reader.is_finished() {
        let writer = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        if let Ok(mut writer) = writer {
            std::io::Write::write_all(&mut writer, b"x").unwrap();
            break;
        }
        std::thread::yield_now();
    }
    reader.join().unwrap()
}

pub mod children;
pub mod tui;

/// A context over `[profile a]` in a temporary directory, counting how often it loads the
/// files: for the tests of what is loaded when (the Context's cache, the TUI's backend).
pub fn counting_context() -> (
    tempfile::TempDir,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    crate::context::Context,
) {
    use crate::profile::{ConfigPaths, ProfileGraph};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::in_dir(dir.path());
    std::fs::write(&paths.config, "[profile a]\nregion = x\n").unwrap();
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = loads.clone();
    let loader: crate::context::GraphLoader = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        ProfileGraph::load(&paths)
    });
    let store = crate::session::SessionStore::open(dir.path().join("cache")).unwrap();
    (
        dir,
        loads,
        crate::context::Context::new(loader).with_store(store),
    )
}
