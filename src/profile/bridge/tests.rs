use super::*;

#[test]
fn the_bridge_is_recognised_by_any_path_to_rolecall() {
    for command in [
        "rolecall credential-process prod",
        "/usr/local/bin/rolecall credential-process prod",
        "'/opt/my tools/rolecall' credential-process 'prod'",
        "  rolecall   credential-process   prod  ",
    ] {
        assert_eq!(
            bridged_profile(command).as_deref(),
            Some("prod"),
            "{command}"
        );
    }
}

#[test]
fn the_bridge_with_no_session_is_the_bridge_and_says_so() {
    for (command, no_session) in [
        ("rolecall credential-process prod", false),
        ("rolecall credential-process prod --no-session", true),
        ("rolecall credential-process --no-session prod", true),
    ] {
        assert_eq!(
            bridge_call(command),
            Some(BridgeCall {
                profile: "prod".into(),
                no_session
            }),
            "{command}"
        );
    }
}

#[test]
fn other_commands_are_not_the_bridge() {
    for command in [
        "rolecall credential-process prod --refresh",
        "rolecall credential-process prod --no-session --no-session",
        "rolecall credential-process prod other --no-session",
        "rolecall credential-process --mfa-code 123456 prod",
        "rolecall credential-process",
        "rolecall export prod",
        "aws-vault export prod",
        "/usr/bin/rolecall-old credential-process prod",
        "rolecall credential-process prod; rm -rf ~",
        "rolecall credential-process $(whoami)",
        "rolecall credential-process \"$USER\"",
        "rolecall credential-process 'open",
        "rolecall credential-process -x",
    ] {
        assert_eq!(bridged_profile(command), None, "{command}");
    }
}

#[test]
fn a_written_command_reads_back_as_the_same_words() {
    for (program, profile) in [
        ("rolecall", "prod"),
        ("/home/a b/bin/rolecall", "team.admin"),
        ("/opt/it's/rolecall", "o'brien"),
        ("/x/$HOME/`id`/rolecall", "a;b"),
    ] {
        let line = bridge_command(program, profile).unwrap();
        assert_eq!(
            shell_words(&line).unwrap(),
            [program, BRIDGE_SUBCOMMAND, profile],
            "{line}"
        );
    }
    assert_eq!(
        bridge_command("rolecall", "prod").unwrap(),
        "rolecall credential-process prod"
    );
}

#[test]
fn control_characters_cannot_be_quoted() {
    assert_eq!(bridge_command("/tmp/a\nb/rolecall", "p"), None);
    assert_eq!(bridge_command("rolecall", "p\r"), None);
    assert_eq!(bridge_command("rolecall", ""), None);
}

#[test]
fn a_bridged_profile_is_of_kind_keyring_and_lists_so() {
    use crate::profile::{ConfigPaths, ProfileGraph, ProfileKind};
    let config = "[profile k]\ncredential_process = rolecall credential-process k\n\
                  [profile p]\ncredential_process = vault-creds k\n";
    let g = ProfileGraph::from_texts(ConfigPaths::in_dir("/cfg".as_ref()), config, "");
    assert_eq!(g.get("k").unwrap().kind, ProfileKind::Keyring);
    assert_eq!(g.get("k").unwrap().kind.as_str(), "keyring");
    assert_eq!(g.get("p").unwrap().kind, ProfileKind::CredentialProcess);
}
