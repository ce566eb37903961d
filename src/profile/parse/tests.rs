
use super::*;

#[test]
fn reads_profiles_sso_sessions_and_both_files() {
    let mut config = parse_file(
            FileKind::Config,
            "# top\n[default]\nregion = eu-west-1\n\n[profile ops] ; c\nRole_Arn = arn:x # note\nregion=us-east-1\n[sso-session corp]\nsso_region = eu-west-1\n[services s]\nx = 1\n",
        );
    let mut credentials = parse_file(
        FileKind::Credentials,
        "[ops]\nregion = ap-south-1\naws_access_key_id = AKIA\n",
    );
    assert!(config.errors.is_empty() && credentials.errors.is_empty());
    let t = ProfileTable::merge([&mut config, &mut credentials]);
    let ops = t.profile("ops").unwrap();
    assert_eq!(ops.get("role_arn"), Some("arn:x"));
    assert_eq!(
        ops.property("region"),
        Some((
            "ap-south-1",
            FileLine {
                file: FileKind::Credentials,
                line: 2
            }
        ))
    );
    assert_eq!((ops.config_line, ops.credentials_line), (Some(5), Some(1)));
    assert_eq!(
        t.profile("default").unwrap().get("region"),
        Some("eu-west-1")
    );
    assert_eq!(
        t.sso_session("corp").unwrap().get("sso_region"),
        Some("eu-west-1")
    );
    assert!(t.profile("s").is_none() && t.profile("services s").is_none());
}

#[test]
fn continuations_and_sub_properties() {
    let mut f = parse_file(
            FileKind::Config,
            "[profile a]\ns3 =\n  max_concurrent_requests = 10\n\tuse = yes\nlong = one\n  two # kept\n",
        );
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let t = ProfileTable::merge([&mut f]);
    let a = t.profile("a").unwrap();
    assert_eq!(
        a.get("s3"),
        Some("\nmax_concurrent_requests = 10\nuse = yes")
    );
    assert_eq!(a.get("long"), Some("one\ntwo # kept"));
}

#[test]
fn bad_lines_are_errors_and_the_rest_survives() {
    let mut f = parse_file(
            FileKind::Config,
            "orphan = 1\n[profile a]\n  early continuation\nno equals here\n= no name\nk =\n  not a sub property\n[profile b\nx = 1\n[profile c]\nregion = r\n",
        );
    let lines: Vec<(usize, &str)> = f
        .errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (1, "Expected a profile definition"),
            (3, "Expected a property definition, found continuation"),
            (4, "Expected an '=' sign defining a property"),
            (5, "Property did not have a name"),
            (7, "Expected an '=' sign defining a sub-property"),
            (8, "Profile definition must end with ']'"),
        ]
    );
    let t = ProfileTable::merge([&mut f]);
    assert_eq!(t.profile("a").unwrap().get("k"), Some(""));
    assert!(t.profile("b").is_none());
    assert_eq!(t.profile("c").unwrap().get("region"), Some("r"));
    // The broken header's property did not join profile a.
    assert_eq!(t.profile("a").unwrap().get("x"), None);
}

#[test]
fn ignored_sections_say_why() {
    let config = parse_file(
        FileKind::Config,
        "[bare]\n[profile bad name]\n[profile münchen]\n[sso-session a b]\n",
    );
    let reasons: Vec<&str> = config
        .sections
        .iter()
        .map(|s| s.ignored.as_deref().unwrap())
        .collect();
    assert!(
        reasons[0].contains("written [profile bare]"),
        "{}",
        reasons[0]
    );
    assert!(reasons[1].starts_with("profile 'bad name' is ignored"));
    assert!(reasons[2].starts_with("profile 'münchen' is ignored"));
    assert!(reasons[3].starts_with("sso-session 'a b' is ignored"));
    let credentials = parse_file(FileKind::Credentials, "[profile x]\n[a b]\n");
    assert!(credentials.sections[0]
        .ignored
        .as_deref()
        .unwrap()
        .contains("written [x]"));
    assert!(credentials.sections[1].ignored.is_some());
}

#[test]
fn profile_default_shadows_default_in_the_same_file() {
    let mut f = parse_file(
        FileKind::Config,
        "[default]\nregion = a\nx = 1\n[profile default]\nregion = b\n",
    );
    let t = ProfileTable::merge([&mut f]);
    let d = t.profile("default").unwrap();
    assert_eq!((d.get("region"), d.get("x")), (Some("b"), None));
    assert_eq!(t.shadowed_defaults, [(FileKind::Config, 1)]);
}

#[test]
fn invalid_keys_are_dropped_and_listed() {
    let mut f = parse_file(FileKind::Credentials, "[a]\nbad key = 1\ngood = 2\n");
    let t = ProfileTable::merge([&mut f]);
    assert_eq!(t.profile("a").unwrap().get("bad key"), None);
    assert_eq!(t.ignored_keys[0].key, "bad key");
    assert_eq!(t.ignored_keys[0].line, 2);
}

#[test]
fn parsing_in_parts_is_parsing_whole() {
    let text: String = (0..200)
        .map(|i| match i % 5 {
            0 => format!("[profile p{i}]\r\nregion = r{i}\n"),
            1 => format!("[broken{i}\n  continued\nk = v\n"),
            2 => format!("[profile q{i}]\ns3 =\n  a = 1\nbad\n"),
            3 => "# comment\n\n[default]\nx=1\n".to_string(),
            _ => format!("[profile p{}]\nregion = again\n", i - 4),
        })
        .collect();
    let whole = parse_file(FileKind::Config, &text);
    assert!(!whole.errors.is_empty());
    for parts in [1, 2, 3, 7, 64, 1000] {
        assert_eq!(
            parse_file_in_parts(FileKind::Config, &text, parts),
            whole,
            "{parts} parts"
        );
    }
    let pieces = split_at_headers(&text, 7);
    assert!(pieces.len() > 1);
    assert!(pieces[1..].iter().all(|(_, p)| p.starts_with('[')));
}

#[test]
fn lines_are_str_lines() {
    for text in [
        "",
        "\n",
        "a",
        "a\n",
        "a\r\nb",
        "a\r\n\r\nb\r",
        "\r",
        "x\ry\n\n",
        "é\nü\r\n",
    ] {
        assert_eq!(
            lines(text).collect::<Vec<_>>(),
            text.lines().collect::<Vec<_>>(),
            "{text:?}"
        );
    }
}

#[test]
fn crlf_and_comment_rules() {
    let mut f = parse_file(
        FileKind::Config,
        "[profile a] # c\r\nurl = http://x#y ; z\r\nsemi = a;b\r\n",
    );
    let t = ProfileTable::merge([&mut f]);
    let a = t.profile("a").unwrap();
    assert_eq!(a.get("url"), Some("http://x#y"));
    assert_eq!(a.get("semi"), Some("a;b"));
}
