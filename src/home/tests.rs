use super::*;

#[test]
fn an_absolute_home_is_used_and_a_relative_or_missing_one_is_not() {
    assert_eq!(
        home_dir(Some("/home/a".into())),
        Some(PathBuf::from("/home/a"))
    );
    let from_database = home_dir(None).expect("this user has a home directory");
    assert!(from_database.is_absolute());
    assert_eq!(
        home_dir(Some("relative".into())),
        Some(from_database.clone())
    );
    assert_eq!(home_dir(Some("".into())), Some(from_database));
}
