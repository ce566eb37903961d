use super::*;
use crate::profile::ConfigPaths;

#[test]
fn pairs_roles_with_profiles_of_the_same_session() {
    let graph = ProfileGraph::from_texts(
            ConfigPaths::in_dir(std::path::Path::new("/nowhere")),
            "[sso-session corp]\nsso_start_url = https://c/start\nsso_region = eu-west-1\n\
             [profile z-dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\n\
             [profile a-dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\n\
             [profile other]\nsso_session = other\nsso_account_id = 111111111111\nsso_role_name = Admin\n\
             [profile legacy]\nsso_start_url = https://l/start\nsso_region = eu-west-1\nsso_account_id = 222222222222\nsso_role_name = Dev\n",
            "",
        );
    let role = |session: &str, account: &str, name: &str| DiscoveredRole {
        account_id: account.into(),
        account_name: "A".into(),
        role_name: name.into(),
        sso_session: session.into(),
    };
    let roles = [
        role("corp", "111111111111", "Dev"),
        role("corp", "111111111111", "Admin"),
        role("https://l/start", "222222222222", "Dev"),
    ];
    assert_eq!(
        pair_with_profiles(&graph, &roles),
        vec![Some("a-dev"), None, Some("legacy")]
    );
}

#[test]
fn pages_end_at_the_last_page_a_repeated_token_or_a_ceiling() {
    let mut pages = Pages::new(5);
    assert_eq!(pages.next(Some("a".into()), 2), Ok(Some("a".into())));
    assert_eq!(pages.next(Some("b".into()), 4), Ok(Some("b".into())));
    assert_eq!(pages.next(None, 5), Ok(None));
    let err = pages.next(Some("a".into()), 5).unwrap_err();
    assert!(err.contains("repeated a page token"), "{err}");
    let err = Pages::new(5).next(None, 6).unwrap_err();
    assert_eq!(err, "gave more than 5 items");

    let mut pages = Pages::new(usize::MAX);
    for i in 1..MAX_PAGES {
        assert_eq!(pages.next(Some(i.to_string()), 0), Ok(Some(i.to_string())));
    }
    let err = pages.next(Some("last".into()), 0).unwrap_err();
    assert_eq!(err, format!("gave more than {MAX_PAGES} pages"));
}
