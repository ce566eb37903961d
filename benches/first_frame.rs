//! Time to the TUI's first frame, whole process, in a real terminal
//! (`cargo bench --bench first_frame`).
//!
//! Starts the release `rolecall` on a pseudo-terminal of 160x48 over a generated config of
//! N profiles, and measures from spawning it to the moment the last row of the first frame
//! (the key hints ending in "q quit") has been written to the terminal; then types `q` and
//! waits for it to exit. Everything a user waits for is inside: exec, loading the files,
//! building the screen, entering the alternate screen and drawing. Prints the median and
//! range of 11 runs for each size; with `ROLECALL_BENCH_BIN=path`, another build's too,
//! alternated run by run, and the median ratio of the pairs.

mod common;
use common::generated;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MARKER: &[u8] = b"q quit";

/// A pseudo-terminal of `cols` x `rows`: (controller, terminal side).
fn pty(cols: u16, rows: u16) -> (std::fs::File, OwnedFd) {
    let (mut controller, mut terminal) = (0, 0);
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the integers given; the size is read only.
    let rc = unsafe {
        libc::openpty(
            &mut controller,
            &mut terminal,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    unsafe {
        (
            std::fs::File::from_raw_fd(controller),
            OwnedFd::from_raw_fd(terminal),
        )
    }
}

/// One run: spawn → the first frame's last row on the terminal.
fn first_frame(binary: &Path, config: &Path, cache: &Path) -> Duration {
    let (mut controller, terminal) = pty(160, 48);
    let tty = terminal.as_raw_fd();
    let mut command = Command::new(binary);
    command
        .env("AWS_CONFIG_FILE", config.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", config.join("credentials"))
        .env("ROLECALL_CACHE_DIR", cache)
        .env("TERM", "xterm-256color")
        .stdin(Stdio::from(terminal.try_clone().unwrap()))
        .stdout(Stdio::from(terminal.try_clone().unwrap()))
        .stderr(Stdio::from(terminal));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::setsid() < 0 || libc::ioctl(tty, libc::TIOCSCTTY as _, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = command.spawn().expect("spawn rolecall");
    drop(command); // closes our copies of the terminal side
    let mut seen = Vec::with_capacity(1 << 16);
    let mut buf = [0u8; 1 << 14];
    let elapsed = loop {
        let n = controller.read(&mut buf).expect("read the terminal");
        assert!(n > 0, "rolecall exited before drawing");
        seen.extend_from_slice(&buf[..n]);
        let tail = &seen[seen.len().saturating_sub(n + MARKER.len())..];
        if tail.windows(MARKER.len()).any(|w| w == MARKER) {
            break start.elapsed();
        }
    };
    controller.write_all(b"q").unwrap();
    // Drain until it exits (it restores the terminal on the way out).
    let reader = std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = controller.read_to_end(&mut rest);
    });
    let status = child.wait().unwrap();
    assert!(status.success(), "rolecall exited with {status}");
    drop(reader);
    elapsed
}

fn main() {
    let this = PathBuf::from(env!("CARGO_BIN_EXE_rolecall"));
    // ROLECALL_BENCH_BIN=path: also time another build (an older commit, say), run by run
    // in alternation with this one, so both see the same machine.
    let other = std::env::var_os("ROLECALL_BENCH_BIN").map(PathBuf::from);
    let cache = tempfile::tempdir().unwrap();
    for n in [1_000, 5_000, 10_000] {
        let config = generated(n);
        first_frame(&this, &config, cache.path()); // warm-up
        let (mut runs, mut other_runs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..11 {
            let a = first_frame(&this, &config, cache.path());
            runs.push(a);
            if let Some(other) = &other {
                let b = first_frame(other, &config, cache.path());
                other_runs.push(b);
                ratios.push(a.as_secs_f64() / b.as_secs_f64());
            }
        }
        println!(
            "{n:>6} profiles: TUI first frame (whole process, 160x48 pty) {}",
            summary(&mut runs)
        );
        if !other_runs.is_empty() {
            ratios.sort_by(f64::total_cmp);
            println!(
                "{:>6} {}: {}; this/other median {:.2}",
                "",
                other.as_ref().unwrap().display(),
                summary(&mut other_runs),
                ratios[ratios.len() / 2]
            );
        }
    }
}

/// "median M (min A, max B)".
fn summary(runs: &mut [Duration]) -> String {
    runs.sort();
    format!(
        "median {:.1?} (min {:.1?}, max {:.1?})",
        runs[runs.len() / 2],
        runs[0],
        runs[runs.len() - 1]
    )
}
