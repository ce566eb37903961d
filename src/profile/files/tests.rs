
use super::*;

#[test]
fn expands_home() {
    assert_eq!(
        expand_home("~/.aws/config", Some(Path::new("/h"))),
        PathBuf::from("/h/.aws/config")
    );
    assert_eq!(
        expand_home("/abs", Some(Path::new("/h"))),
        PathBuf::from("/abs")
    );
    assert_eq!(
        expand_home("~x/y", Some(Path::new("/h"))),
        PathBuf::from("~x/y")
    );
}
