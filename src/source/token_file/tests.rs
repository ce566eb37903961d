use super::*;

#[test]
fn a_symlinked_token_is_followed_as_eks_projects_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real"), "tok-1").unwrap();
    let link = dir.path().join("token");
    std::os::unix::fs::symlink(dir.path().join("real"), &link).unwrap();
    assert_eq!(
        read_token_text(&link, 100, "a token").unwrap().expose(),
        "tok-1"
    );
}

#[test]
fn the_bound_is_inclusive() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "a".repeat(100)).unwrap();
    assert_eq!(
        read_token_text(&file, 100, "a token")
            .unwrap()
            .expose()
            .len(),
        100
    );
    std::fs::write(&file, "a".repeat(101)).unwrap();
    assert_eq!(
        read_token_text(&file, 100, "a token").unwrap_err(),
        "is larger than 100 bytes, more than a token can be: is it the token file?"
    );
}

#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("token");
    crate::testing::mkfifo(&fifo);
    let path = fifo.clone();
    let read = crate::testing::read_fifo_with_writer(&fifo, move || {
        read_token_text(&path, 100, "a token").map(|t| t.expose().to_string())
    });
    assert_eq!(
        read.unwrap_err(),
        "is not a regular file (a FIFO): it should hold a token"
    );
    let err = read_token_text(dir.path(), 100, "a token").unwrap_err();
    assert_eq!(
        err,
        "is not a regular file (a directory): it should hold a token"
    );
}
