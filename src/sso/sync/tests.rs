
use super::*;

fn role(account_id: &str, account_name: &str, role_name: &str) -> DiscoveredRole {
    DiscoveredRole {
        account_id: account_id.into(),
        account_name: account_name.into(),
        role_name: role_name.into(),
        sso_session: "corp".into(),
    }
}

fn outside(config: &str) -> ProfileGraph {
    ProfileGraph::from_texts(ConfigPaths::in_dir(Path::new("/nowhere")), config, "")
}

#[test]
fn templates_parse_and_render() {
    let r = role("111111111111", "Prod", "Admin");
    let t = NameTemplate::parse(DEFAULT_TEMPLATE).unwrap();
    assert_eq!(t.render(&r), "Prod.Admin");
    let t = NameTemplate::parse("{sso_session}/{account_id}-{role_name}").unwrap();
    assert_eq!(t.render(&r), "corp/111111111111-Admin");
    for bad in ["{account}", "{role_name", "x}", "plain"] {
        let err = NameTemplate::parse(bad).unwrap_err().to_string();
        assert!(err.contains("{account_name}"), "{bad}: {err}");
    }
}

#[test]
fn names_are_sanitised() {
    assert_eq!(
        sanitize_profile_name("Prod Account.Admin"),
        "Prod-Account.Admin"
    );
    assert_eq!(
        sanitize_profile_name("Dev & Test (EU).ReadOnly"),
        "Dev-Test-EU-.ReadOnly"
    );
    assert_eq!(sanitize_profile_name("ünï/c@de:+%_x"), "n-/c@de:+%_x");
    assert_eq!(sanitize_profile_name("  "), "");
}

#[test]
fn names_are_unique_and_configured_roles_skipped() {
    let roles = vec![
        role("222222222222", "Prod", "Admin"),
        role("111111111111", "Prod", "Admin"),
        role("333333333333", "Dev", "ReadOnly"),
        role("444444444444", "Hand", "Admin"),
        role("555555555555", "!!", "??"),
    ];
    let graph = outside(
            "[profile Dev.ReadOnly]\nregion = eu-west-1\n\
             [profile mine]\nsso_session = corp\nsso_account_id = 444444444444\nsso_role_name = Admin\n",
        );
    let p = profile_changes(
        &roles,
        &NameTemplate::parse(DEFAULT_TEMPLATE).unwrap(),
        &graph,
    );
    let names: Vec<(&str, &str)> = p
        .profiles
        .iter()
        .map(|s| (s.name.as_str(), s.role.account_id.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("555555555555.", "555555555555"),
            ("Dev.ReadOnly-2", "333333333333"),
            ("Prod.Admin", "111111111111"),
            ("Prod.Admin-2", "222222222222"),
        ]
    );
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].1, "mine");
}

#[test]
fn roles_that_cannot_be_written_are_refused_and_the_rest_named() {
    let roles = vec![
        role(
            "111111111111",
            "Prod",
            "Admin\n[profile x]\ncredential_process = x",
        ),
        role("111111111111\n[default]", "Prod", "Dev"),
        role("!!", "", "??"),
        role("222222222222", "Dev\n[profile y]", "Ops"),
    ];
    let template = NameTemplate::parse(DEFAULT_TEMPLATE).unwrap();
    let p = profile_changes(&roles, &template, &outside(""));
    let names: Vec<&str> = p.profiles.iter().map(|s| s.name.as_str()).collect();
    // Nothing but the dot is left of "!!.??": an odd name, but one both parsers read.
    assert_eq!(names, vec![".", "Dev-profile-y-.Ops"]);
    let refused: Vec<(&str, &str, Unwritable)> = p
        .refused
        .iter()
        .map(|r| (r.role.role_name.as_str(), r.field, r.why.clone()))
        .collect();
    assert_eq!(
        refused,
        vec![
            (
                "Admin\n[profile x]\ncredential_process = x",
                "role name",
                Unwritable::Control('\n')
            ),
            ("Dev", "account id", Unwritable::Control('\n')),
        ]
    );
    let warning = p.refused[0].warning();
    assert!(
            warning.starts_with(r#"account "111111111111" role "Admin\n[profile x]\ncredential_process = x" not synced: its role name"#),
            "{warning}"
        );
    let block = render_block("corp", Some("eu-west-1"), &p, "\n").unwrap();
    assert_eq!(block.matches('[').count(), 2, "{block}");
}

#[test]
fn a_header_only_botocore_reads_keeps_its_name_from_the_block() {
    // The SDKs ignore `[profile Prod.Admin] x` (text after the `]`); botocore reads it as
    // the section `profile Prod.Admin` and refuses a file that has that section twice.
    let config = "[profile Prod.Admin] x\nregion = us-east-1\n";
    let template = NameTemplate::parse(DEFAULT_TEMPLATE).unwrap();
    let paths = ConfigPaths::in_dir(Path::new("/nowhere"));
    let roles = [role("111111111111", "Prod", "Admin")];
    let (written, changes) =
        updated_text(&paths, config, "", "corp", &roles, &template, None).unwrap();
    assert_eq!(changes.profiles[0].name, "Prod.Admin-2", "{written}");
}

#[test]
fn a_session_or_region_that_is_not_one_line_writes_no_block() {
    let p = ProfileChanges::default();
    for (session, region) in [
        ("corp]\n[profile x", None),
        ("", None),
        ("corp", Some("eu-west-1\n[profile x]")),
        ("corp", Some("eu-west-1 ;x")),
    ] {
        let err = render_block(session, region, &p, "\n")
            .unwrap_err()
            .to_string();
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn block_is_replaced_in_place_and_the_rest_kept() {
    let p = profile_changes(
        &[role("111111111111", "Prod", "Admin")],
        &NameTemplate::parse(DEFAULT_TEMPLATE).unwrap(),
        &outside(""),
    );
    let block = render_block("corp", Some("eu-west-1"), &p, "\n").unwrap();
    assert_eq!(
            block,
            "# BEGIN rolecall sso sync (sso-session corp) - managed by rolecall: `rolecall sso sync` rewrites everything up to the END line\n\
             [profile Prod.Admin]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1\n\
             # END rolecall sso sync (sso-session corp)\n"
        );
    let hand = "[default]\nregion = x\n# a comment";
    let first = replace_block(hand, "corp", &block).unwrap();
    assert_eq!(first, format!("{hand}\n\n{block}"));
    let edited = format!("{first}[profile after]\nregion = y\n");
    let other = render_block("corp", None, &ProfileChanges::default(), "\n").unwrap();
    let second = replace_block(&edited, "corp", &other).unwrap();
    assert_eq!(
        second,
        format!("{hand}\n\n{other}[profile after]\nregion = y\n")
    );
    assert_eq!(
        without_block(&second, "corp").unwrap(),
        format!("{hand}\n\n[profile after]\nregion = y\n")
    );
    // Another session's block is another block.
    assert_eq!(find_block(&second, "other").unwrap(), None);
}

#[test]
fn crlf_files_get_crlf_blocks() {
    let block = render_block(
        "corp",
        None,
        &ProfileChanges::default(),
        newline_of("a\r\nb\r\n"),
    )
    .unwrap();
    assert!(block.ends_with(")\r\n") && !block.replace("\r\n", "").contains('\n'));
    let out = replace_block("[default]\r\n", "corp", &block).unwrap();
    assert_eq!(out, format!("[default]\r\n\r\n{block}"));
}

#[test]
fn broken_markers_are_errors() {
    let begin = begin_marker("corp");
    let end = end_marker("corp");
    for text in [
        format!("{begin}\n[profile x]\n"),
        format!("{end}\n"),
        format!("{begin}\n{end}\n{begin}\n{end}\n"),
    ] {
        assert!(find_block(&text, "corp").is_err(), "{text}");
    }
    // A longer session name sharing the prefix is not this block.
    let other = format!("{}\n{}\n", begin_marker("corp2"), end_marker("corp2"));
    assert_eq!(find_block(&other, "corp").unwrap(), None);
}
