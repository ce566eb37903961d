use super::*;
use std::os::unix::fs::symlink;

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().mode() & 0o777
}

#[test]
fn writes_0600_and_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    fs::write(&path, b"old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    write_private_atomic(&path, b"new").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new");
    assert_eq!(mode(&path), 0o600);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["f"]);
}

#[test]
fn writes_with_a_given_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    write_atomic_with_mode(&path, b"[default]\n", Mode::KeepOr(0o644)).unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"[default]\n");
    assert_eq!(mode(&path), 0o644);
    let link = dir.path().join("link");
    symlink(&path, &link).unwrap();
    assert!(write_atomic_with_mode(&link, b"x", Mode::KeepOr(0o644)).is_err());
    assert_eq!(fs::read(&path).unwrap(), b"[default]\n");
}

#[test]
fn refuses_symlink_and_leaves_target_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    fs::write(&target, b"keep").unwrap();
    let link = dir.path().join("link");
    symlink(&target, &link).unwrap();
    let err = write_private_atomic(&link, b"secret").unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(
        err.to_string().contains(&link.display().to_string()),
        "{err}"
    );
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(fs::read(&target).unwrap(), b"keep");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn read_no_follow_cases() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    assert_eq!(read_no_follow(&path).unwrap(), None);
    fs::write(&path, b"x").unwrap();
    assert_eq!(read_no_follow(&path).unwrap(), Some(b"x".to_vec()));
    let link = dir.path().join("link");
    symlink(&path, &link).unwrap();
    let err = read_no_follow(&link).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn read_no_follow_refuses_a_fifo_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("token.json");
    crate::testing::mkfifo(&fifo);
    let path = fifo.clone();
    let read = crate::testing::read_fifo_with_writer(&fifo, move || read_no_follow(&path));
    let err = read.unwrap_err();
    assert!(err.to_string().contains("a FIFO"), "{err}");
    assert!(
        err.to_string().contains(&fifo.display().to_string()),
        "{err}"
    );
    let err = read_no_follow(dir.path()).unwrap_err();
    assert!(err.to_string().contains("a directory"), "{err}");
}

#[test]
fn read_no_follow_refuses_a_file_over_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    File::create(&path)
        .unwrap()
        .set_len(MAX_READ_BYTES + 1)
        .unwrap();
    let err = match read_no_follow(&path) {
        Err(err) => err,
        Ok(read) => panic!("read {:?} bytes", read.map(|b| b.len())),
    };
    assert!(err.to_string().contains("larger than"), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    File::create(&path)
        .unwrap()
        .set_len(MAX_READ_BYTES)
        .unwrap();
    assert_eq!(
        read_no_follow(&path).unwrap().unwrap().len() as u64,
        MAX_READ_BYTES
    );
    assert!(read_no_follow_at_most(&path, 10).is_err());
}

#[test]
fn private_dir_created_tightened_and_symlink_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a/b");
    ensure_private_dir(&p).unwrap();
    assert_eq!(mode(&p), 0o700);
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    ensure_private_dir(&p).unwrap();
    assert_eq!(mode(&p), 0o700);

    let link = dir.path().join("link");
    symlink(&p, &link).unwrap();
    let err = ensure_private_dir(&link).unwrap_err();
    assert!(err.to_string().contains("symbolic link"), "{err}");

    let file = dir.path().join("file");
    fs::write(&file, b"").unwrap();
    assert!(ensure_private_dir(&file).is_err());
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_rewrite_gives_up_when_the_file_changed_after_its_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    fs::write(&path, b"[a]\n").unwrap();
    let rewrite = Rewrite::begin(&path).unwrap();
    assert_eq!(rewrite.current(), Some(&b"[a]\n"[..]));
    fs::write(&path, b"[a]\n[edited]\n").unwrap();
    let err = rewrite
        .commit(b"[a]\n[b]\n", Mode::KeepOr(0o600))
        .unwrap_err();
    assert!(err.to_string().contains("run the command again"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"[a]\n[edited]\n");
    assert_eq!(names(dir.path()), vec!["config"]);

    // A file that appeared, or went away, since the read is a change too.
    let fresh = dir.path().join("fresh");
    let rewrite = Rewrite::begin(&fresh).unwrap();
    fs::write(&fresh, b"theirs").unwrap();
    assert!(rewrite.commit(b"ours", Mode::Private).is_err());
    assert_eq!(fs::read(&fresh).unwrap(), b"theirs");
    let rewrite = Rewrite::begin(&fresh).unwrap();
    fs::remove_file(&fresh).unwrap();
    assert!(rewrite.commit(b"ours", Mode::Private).is_err());
    assert!(!fresh.exists());
}

#[test]
fn without_o_tmpfile_a_named_temporary_file_does_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f");
    fs::write(&path, b"old").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let rewrite = Rewrite::begin(&path).unwrap();
    let temp = TempFile::named(dir.path(), &path).unwrap();
    assert_eq!(names(dir.path()).len(), 2, "named from the start");
    rewrite
        .commit_through(temp, b"new", Mode::KeepOr(0o600))
        .unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new");
    assert_eq!(mode(&path), 0o644);
    assert_eq!(names(dir.path()), vec!["f"]);

    let rewrite = Rewrite::begin(&path).unwrap();
    let temp = TempFile::named(dir.path(), &path).unwrap();
    fs::write(&path, b"theirs").unwrap();
    assert!(rewrite
        .commit_through(temp, b"ours", Mode::Private)
        .is_err());
    assert_eq!(fs::read(&path).unwrap(), b"theirs");
    assert_eq!(names(dir.path()), vec!["f"]);
}

#[test]
fn rewrites_in_threads_of_one_process_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log");
    let append = |line: String| {
        let rewrite = Rewrite::begin(&path).unwrap();
        let mut text = rewrite.current().unwrap_or_default().to_vec();
        text.extend_from_slice(line.as_bytes());
        rewrite.commit(&text, Mode::Private).unwrap();
    };
    std::thread::scope(|scope| {
        for t in 0..4 {
            scope.spawn(move || (0..25).for_each(|i| append(format!("{t}-{i}\n"))));
        }
    });
    assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 100);
}

#[test]
fn a_rewrite_keeps_the_owner_and_the_mode_it_is_asked_to() {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    assert_eq!(
        euid, 0,
        "giving a file to another user needs root (CI runs tests as root)"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    fs::write(&config, b"old").unwrap();
    std::os::unix::fs::chown(&config, Some(1234), Some(1235)).unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic_with_mode(&config, b"new", Mode::KeepOr(0o600)).unwrap();
    let meta = fs::metadata(&config).unwrap();
    assert_eq!((meta.uid(), meta.gid(), mode(&config)), (1234, 1235, 0o640));

    // A file with secrets keeps its owner, and is 0600 whatever it was.
    write_private_atomic(&config, b"secret").unwrap();
    let meta = fs::metadata(&config).unwrap();
    assert_eq!((meta.uid(), meta.gid(), mode(&config)), (1234, 1235, 0o600));
    assert_eq!(fs::read(&config).unwrap(), b"secret");
}

#[test]
fn only_leftovers_of_gone_processes_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(".env");
    let gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait_with_output().unwrap();
    let me = std::process::id();
    let keep = [
        format!("..env.tmp-{me}-0"),           // a live process: maybe mid-write
        format!("..env.tmp-{gone_pid}-x"),     // not the pattern
        format!("..env.tmp-{gone_pid}-1.bak"), // not the pattern
        format!(".other.tmp-{gone_pid}-0"),    // another file's
        format!("..env.tmp-{gone_pid}-2"),     // a directory
    ];
    for name in &keep[..4] {
        fs::write(dir.path().join(name), b"x").unwrap();
    }
    fs::create_dir(dir.path().join(&keep[4])).unwrap();
    let leftover = dir.path().join(format!("..env.tmp-{gone_pid}-0"));
    fs::write(&leftover, b"AWS_SECRET_ACCESS_KEY=x").unwrap();
    write_private_atomic(&target, b"new").unwrap();
    assert!(!leftover.exists());
    for name in &keep {
        assert!(dir.path().join(name).exists(), "{name} was removed");
    }
    assert_eq!(leftover_pid("12-3"), Some(12));
    assert_eq!(leftover_pid("12-"), None);
    assert_eq!(leftover_pid("-3"), None);
    assert_eq!(leftover_pid("+1-3"), None);
}
