//! The profile graph: kinds, chains, and one test per diagnostic.

use rolecall::profile::{ConfigPaths, ProfileGraph, ProfileKind};
use std::path::PathBuf;

fn graph(config: &str, credentials: &str) -> ProfileGraph {
    let paths = ConfigPaths {
        config: PathBuf::from("/cfg/config"),
        credentials: PathBuf::from("/cfg/credentials"),
    };
    ProfileGraph::from_texts(paths, config, credentials)
}

fn diags(g: &ProfileGraph, profile: &str) -> Vec<String> {
    g.get(profile)
        .unwrap_or_else(|| panic!("profile {profile} missing"))
        .diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect()
}

const BASE: &str = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

#[test]
fn kinds_and_chain() {
    let g = graph(
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/Ops\nsource_profile = base\n\
         [profile admin]\nrole_arn = arn:aws:iam::210987654321:role/path/Admin\nsource_profile = ops\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n\
         [profile ec2]\nrole_arn = arn:aws:iam::123456789012:role/X\ncredential_source = Ec2InstanceMetadata\n\
         [profile proc]\ncredential_process = /bin/echo\n\
         [profile sso]\nsso_session = s\nsso_account_id = 123456789012\nsso_role_name = R\n[sso-session s]\nsso_start_url = https://x\nsso_region = us-east-1\n\
         [profile wi]\nrole_arn = arn:aws:iam::123456789012:role/W\nweb_identity_token_file = /tok\n\
         [profile plain]\nregion = eu-west-1\n",
        BASE,
    );
    let kind = |n: &str| g.get(n).unwrap().kind;
    assert_eq!(kind("base"), ProfileKind::Static);
    assert_eq!(kind("ops"), ProfileKind::SourceProfile);
    assert_eq!(kind("ec2"), ProfileKind::CredentialSource);
    assert_eq!(kind("proc"), ProfileKind::CredentialProcess);
    assert_eq!(kind("sso"), ProfileKind::Sso);
    assert_eq!(kind("wi"), ProfileKind::WebIdentity);
    assert_eq!(kind("plain"), ProfileKind::None);
    let admin = g.get("admin").unwrap();
    assert_eq!(admin.chain, ["admin", "ops", "base"]);
    assert_eq!(admin.account(), Some("210987654321"));
    assert_eq!(admin.role_name(), Some("Admin"));
    assert!(g.chain_needs_mfa("admin"));
    assert!(!g.chain_needs_mfa("ops"));
    assert_eq!(
        g.all_diagnostics().count(),
        0,
        "{:?}",
        g.all_diagnostics().collect::<Vec<_>>()
    );
    let names: Vec<&str> = g.profiles().iter().map(|p| p.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn static_keys_in_a_source_profile_end_the_chain() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = c\n\
         [profile c]\nregion = x\n",
        "[b]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    assert_eq!(g.get("a").unwrap().chain, ["a", "b"]);
    assert_eq!(g.get("b").unwrap().chain, ["b", "c"]);
}

#[test]
fn self_reference_uses_own_keys() {
    let g = graph(
        "[profile me]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = me\n",
        "[me]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    assert_eq!(g.get("me").unwrap().chain, ["me"]);
    assert!(diags(&g, "me").is_empty());
}

#[test]
fn cycle_is_reported_with_its_path_and_line() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n",
        "",
    );
    let d = diags(&g, "a");
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].contains("source_profile cycle: a → b → a"), "{}", d[0]);
    assert!(d[0].starts_with("/cfg/config:6: profile 'a'"), "{}", d[0]);
}

#[test]
fn missing_source_profile() {
    let g = graph(
        "[profile a]\nregion = x\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = nowhere\n",
        "",
    );
    let d = diags(&g, "a");
    assert_eq!(
        d,
        ["/cfg/config:4: profile 'a': source_profile 'nowhere' does not exist"]
    );
}

#[test]
fn missing_source_further_down_is_reported_on_the_start() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = gone\n",
        "",
    );
    let d = diags(&g, "a");
    assert!(
        d[0].contains("chain broken at 'b': source_profile 'gone' does not exist"),
        "{d:?}"
    );
    assert_eq!(g.get("a").unwrap().chain, ["a", "b"]);
}

#[test]
fn both_source_profile_and_credential_source() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = base\ncredential_source = Environment\n",
        BASE,
    );
    let d = diags(&g, "a");
    assert!(d.iter().any(|m| m == "/cfg/config:4: profile 'a': both source_profile and credential_source are set; keep only one"), "{d:?}");
}

#[test]
fn unknown_credential_source() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\ncredential_source = Ec2Metadata\n",
        "",
    );
    let d = diags(&g, "a");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].starts_with("/cfg/config:3: profile 'a': unknown credential_source 'Ec2Metadata'"),
        "{}",
        d[0]
    );
}

#[test]
fn malformed_role_arn() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::12345:role/A\nsource_profile = base\n",
        BASE,
    );
    let d = diags(&g, "a");
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("/cfg/config:2: profile 'a': role_arn 'arn:aws:iam::12345:role/A' is not an IAM role ARN"), "{}", d[0]);
    assert_eq!(g.get("a").unwrap().account(), None);
}

#[test]
fn duration_out_of_range_and_not_a_number() {
    let g = graph(
        "[profile low]\nduration_seconds = 899\n[profile high]\nduration_seconds = 43201\n[profile ok]\nduration_seconds = 43200\n[profile bad]\nduration_seconds = 1h\n",
        "",
    );
    assert!(diags(&g, "low")[0]
        .contains("/cfg/config:2: profile 'low': duration_seconds 899 is outside 900..43200"));
    assert!(diags(&g, "high")[0].contains("duration_seconds 43201 is outside"));
    assert!(diags(&g, "ok").is_empty());
    assert_eq!(g.get("ok").unwrap().duration_seconds, Some(43200));
    assert!(diags(&g, "bad")[0].contains("duration_seconds '1h' is not a whole number"));
}

#[test]
fn role_without_source_and_missing_sso_session() {
    let g = graph(
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/A\n[profile s]\nsso_session = nope\n",
        "",
    );
    assert!(diags(&g, "r")[0].contains("neither source_profile nor credential_source"));
    assert!(diags(&g, "s")[0].contains("sso_session 'nope' has no [sso-session nope] section"));
}

#[test]
fn malformed_file_keeps_every_good_profile() {
    let config = "[profile good1]\nregion = eu-west-1\nthis line is not a property\n[profile good2]\nregion = us-east-1\n[profile broken\nregion = x\n[profile good3]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = good1\n";
    let g = graph(
        config,
        "[cred]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n= no key\naws_secret_access_key = s\n",
    );
    for name in ["good1", "good2", "good3", "cred"] {
        assert!(g.get(name).is_some(), "lost {name}");
    }
    assert_eq!(g.get("good2").unwrap().region.as_deref(), Some("us-east-1"));
    assert_eq!(g.get("good3").unwrap().chain, ["good3", "good1"]);
    let files: Vec<String> = g.file_diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        files.iter().any(|d| d.starts_with("/cfg/config:3: ")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|d| d.starts_with("/cfg/config:6: ")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|d| d.starts_with("/cfg/credentials:3: ")),
        "{files:?}"
    );
    assert!(g.load_static_keys("cred").unwrap().is_some());
}

#[test]
fn unreadable_file_is_a_diagnostic_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the credentials file should be cannot be read as a file.
    std::fs::create_dir(dir.path().join("credentials")).unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile ok]\nregion = eu-west-1\n",
    )
    .unwrap();
    let g = ProfileGraph::load(&ConfigPaths::in_dir(dir.path()));
    assert!(g.get("ok").is_some());
    let d: Vec<String> = g.file_diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("credentials") && d[0].contains("cannot read file"),
        "{d:?}"
    );
}

#[test]
fn missing_files_are_empty() {
    let dir = tempfile::tempdir().unwrap();
    let g = ProfileGraph::load(&ConfigPaths::in_dir(dir.path()));
    assert!(g.profiles().is_empty());
    assert_eq!(g.all_diagnostics().count(), 0);
}

#[test]
fn credentials_file_overrides_config_values() {
    let g = graph(
        "[profile p]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = base\n",
        &format!("{BASE}[p]\nregion = us-west-2\n"),
    );
    assert_eq!(g.get("p").unwrap().region.as_deref(), Some("us-west-2"));
}

#[test]
fn debug_output_holds_no_secret() {
    let g = graph("", BASE);
    let shown = format!("{:?} {:?}", g, g.load_static_keys("base").unwrap());
    assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    assert!(!shown.contains("AKIAIOSFODNN7EXAMPLE"), "{shown}");
}

#[test]
fn static_keys_are_read_from_the_files_only_when_a_session_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::in_dir(dir.path());
    std::fs::write(&paths.config, "[profile other]\nregion = eu-west-1\n").unwrap();
    std::fs::write(&paths.credentials, BASE).unwrap();
    let g = ProfileGraph::load(&paths);
    let keys = g.get("base").unwrap().static_keys.unwrap();
    assert!(keys.in_credentials && !keys.in_config && !keys.has_session_token);
    // The graph holds none of the secret: the keys are read when asked, as the file is now.
    std::fs::write(
        &paths.credentials,
        BASE.replace("wJalrXUtnFEMI", "rotatedSECRET"),
    )
    .unwrap();
    // Only the file holding the keys is parsed: a config file that became unreadable
    // does not matter.
    std::fs::remove_file(&paths.config).unwrap();
    std::fs::create_dir(&paths.config).unwrap();
    let creds = g.load_static_keys("base").unwrap().unwrap();
    assert!(creds
        .secret_access_key
        .expose()
        .starts_with("rotatedSECRET"));
    assert_eq!(g.load_static_keys("other").unwrap(), None);
    // Keys that are gone are no keys; a file that cannot be read is an error naming it.
    std::fs::write(&paths.credentials, "").unwrap();
    assert_eq!(g.load_static_keys("base").unwrap(), None);
    std::fs::remove_file(&paths.credentials).unwrap();
    std::fs::create_dir(&paths.credentials).unwrap();
    let err = g.load_static_keys("base").unwrap_err().to_string();
    assert!(
        err.contains("profile 'base'") && err.contains("credentials"),
        "{err}"
    );
}

#[test]
fn sections_the_spec_ignores_are_reported() {
    let g = graph(
        "[profile ok]\nregion = a\n[profile \"quoted name\"]\nregion = b\n[profile münchen]\nregion = c\n",
        "",
    );
    assert!(g.get("ok").is_some());
    let d: Vec<String> = g.file_diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].starts_with("/cfg/config:3: profile '\"quoted name\"' is ignored"),
        "{d:?}"
    );
    assert!(
        d[1].starts_with("/cfg/config:5: profile 'münchen' is ignored"),
        "{d:?}"
    );
}

#[test]
fn a_chain_ending_without_credentials_is_broken() {
    let g = graph(
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n[profile b]\nregion = x\n[profile w]\nweb_identity_token_file = /t\n",
        "",
    );
    let a = g.get("a").unwrap();
    assert!(!a.chain_complete);
    assert!(
        diags(&g, "a")[0].contains("chain ends at 'b', which has no credentials"),
        "{:?}",
        diags(&g, "a")
    );
    assert!(diags(&g, "w")[0].contains("web_identity_token_file is set but role_arn is not"));
    assert!(g.get("b").unwrap().chain_complete);
}

#[test]
fn sections_and_keys_in_the_wrong_place_are_reported_with_their_lines() {
    let g = graph(
        "[default]\nregion = a\n[ops]\nregion = b\n[profile default]\nregion = c\nbad key = 1\n",
        "[profile dev]\naws_access_key_id = AKIA\n",
    );
    let d: Vec<String> = g.file_diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(d.len(), 4, "{d:?}");
    assert!(
        d[0].starts_with(
            "/cfg/config:1: section [default] is ignored: the same file has [profile default]"
        ),
        "{d:?}"
    );
    assert!(
        d[1].starts_with("/cfg/config:3: section [ops] is ignored: in the config file a profile is written [profile ops]"),
        "{d:?}"
    );
    assert!(
        d[2].starts_with("/cfg/config:7: key 'bad key' in [default] is ignored"),
        "{d:?}"
    );
    assert!(
        d[3].starts_with("/cfg/credentials:1: section [profile dev] is ignored: in the credentials file a profile is written [dev]"),
        "{d:?}"
    );
    assert_eq!(g.get("default").unwrap().region.as_deref(), Some("c"));
    assert!(g.get("ops").is_none() && g.get("dev").is_none());
}

/// `[profile p0]` … `[profile p{n-1}]`, each a role whose source profile is the next, the
/// last one's `last_source` (none: it is no role, and holds the static keys in the
/// credentials file).
fn long_chain(n: usize, last_source: Option<&str>) -> ProfileGraph {
    let mut config = String::new();
    for i in 0..n {
        config.push_str(&format!("[profile p{i}]\n"));
        if i + 1 < n || last_source.is_some() {
            config.push_str(&format!("role_arn = arn:aws:iam::123456789012:role/R{i}\n"));
        }
        match (i + 1 < n, last_source) {
            (true, _) => config.push_str(&format!("source_profile = p{}\n", i + 1)),
            (false, Some(last)) => config.push_str(&format!("source_profile = {last}\n")),
            (false, None) => {}
        }
    }
    let credentials = match last_source {
        None => BASE.replace("[base]", &format!("[p{}]", n - 1)),
        Some(_) => String::new(),
    };
    graph(&config, &credentials)
}

#[test]
fn a_chain_of_ten_thousand_hops_gives_every_profile_its_whole_chain() {
    let g = long_chain(10_000, None);
    for (i, name) in [(0, "p0"), (1, "p1"), (9_998, "p9998"), (9_999, "p9999")] {
        let p = g.get(name).unwrap();
        assert!(p.chain_complete, "{name}");
        assert!(p.diagnostics.is_empty(), "{name}: {:?}", p.diagnostics);
        assert_eq!(p.chain.len(), 10_000 - i, "{name}");
        assert_eq!(p.chain.iter().next(), Some(name));
        assert_eq!(p.chain.iter().last(), Some("p9999"));
    }
    assert_eq!(g.all_diagnostics().count(), 0);
}

#[test]
fn a_cycle_is_reported_once_on_its_first_profile_however_long() {
    let g = long_chain(300, Some("p0"));
    let all: Vec<String> = g.all_diagnostics().map(|d| d.to_string()).collect();
    assert_eq!(all.len(), 1, "{:?}", &all[..all.len().min(3)]);
    let cycle = &diags(&g, "p0")[0];
    assert!(
        cycle.starts_with("/cfg/config:")
            && cycle.contains("profile 'p0': source_profile cycle: p0 → p1 → p2 → p3 → "),
        "{cycle}"
    );
    assert!(cycle.ends_with(" → p298 → p299 → p0"), "{cycle}");
    assert!(g.profiles().iter().all(|p| !p.chain_complete));
    // Another profile of the cycle has no message of its own, but says why when asked.
    let p150 = g.get("p150").unwrap();
    assert!(p150.diagnostics.is_empty());
    let why = g.chain_problem(p150).unwrap();
    assert!(
        why.starts_with("source_profile cycle: p150 → p151 → "),
        "{why}"
    );
    assert!(why.ends_with(" → p148 → p149 → p150"), "{why}");
}

#[test]
fn a_chain_into_a_cycle_is_incomplete_and_says_so_when_asked() {
    let g = graph(
        "[profile t]\nrole_arn = arn:aws:iam::123456789012:role/T\nsource_profile = a\n\
         [profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::123456789012:role/B\nsource_profile = a\n",
        "",
    );
    let t = g.get("t").unwrap();
    assert!(!t.chain_complete);
    assert!(t.diagnostics.is_empty(), "{:?}", t.diagnostics);
    assert_eq!(
        g.chain_problem(t).as_deref(),
        Some("source_profile cycle: t → a → b → a")
    );
    assert_eq!(g.all_diagnostics().count(), 1);
}

#[test]
fn keys_that_lead_back_to_themselves_are_a_cycle_of_their_own() {
    // `k` holds keys and a role: its chain goes on to `r`, whose chain ends at `k`'s keys.
    let g = graph(
        "[profile k]\nrole_arn = arn:aws:iam::123456789012:role/K\nsource_profile = r\n\
         [profile r]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = k\n",
        &BASE.replace("[base]", "[k]"),
    );
    let k = g.get("k").unwrap();
    assert!(!k.chain_complete);
    assert_eq!(
        diags(&g, "k"),
        ["/cfg/config:6: profile 'k': source_profile cycle: k → r → k"]
    );
    let r = g.get("r").unwrap();
    assert!(r.chain_complete);
    assert_eq!(r.chain, ["r", "k"]);
    assert!(diags(&g, "r").is_empty());
}

#[test]
fn a_login_session_profile_is_kind_login_and_a_bad_arn_is_reported_on_its_line() {
    let g = graph(
        "[profile console]\nlogin_session = arn:aws:iam::111122223333:user/alice\n\
         [profile admin]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = console\n\
         [profile typo]\nlogin_session = alice\n",
        "",
    );
    let console = g.get("console").unwrap();
    assert_eq!(console.kind, ProfileKind::Login);
    assert_eq!(console.kind.as_str(), "login");
    assert_eq!(console.account(), Some("111122223333"));
    assert!(console.diagnostics.is_empty());
    let admin = g.get("admin").unwrap();
    assert_eq!(admin.kind, ProfileKind::SourceProfile);
    assert!(
        admin.chain_complete && admin.diagnostics.is_empty(),
        "{admin:?}"
    );
    assert_eq!(admin.chain_display().to_string(), "console → admin");
    assert_eq!(
        diags(&g, "typo"),
        ["/cfg/config:7: profile 'typo': login_session 'alice' is not the ARN of an `aws login` session (arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME); run `aws login` to write it again"]
    );
}

#[test]
fn mfa_process_is_read_beside_its_mfa_serial_and_reported_without_one() {
    let g = graph(
        "[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/Prod\nsource_profile = keys\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\n\
         mfa_process = ykman oath accounts code --single me\n\
         [profile lone]\nrole_arn = arn:aws:iam::123456789012:role/Lone\nsource_profile = keys\n\
         mfa_process = ykman oath accounts code --single me\n\
         [profile blank]\nrole_arn = arn:aws:iam::123456789012:role/Blank\nsource_profile = keys\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nmfa_process =\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
    );
    let prod = g.get("prod").unwrap();
    assert_eq!(
        prod.settings().mfa_process.as_deref(),
        Some("ykman oath accounts code --single me")
    );
    assert!(diags(&g, "prod").is_empty(), "{:?}", diags(&g, "prod"));
    assert_eq!(g.get("lone").unwrap().settings().mfa_process, None);
    let lone = diags(&g, "lone");
    assert!(
        lone.iter()
            .any(|d| d.contains("config:9")
                && d.contains("mfa_process is set but mfa_serial is not")),
        "{lone:?}"
    );
    assert_eq!(g.get("blank").unwrap().settings().mfa_process, None);
    let blank = diags(&g, "blank");
    assert!(
        blank.iter().any(|d| d.contains("mfa_process is empty")),
        "{blank:?}"
    );
}

#[test]
fn the_device_of_an_mfa_session_is_found_on_its_keys_or_a_role_over_them() {
    let g = graph(
        "[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/Prod\nsource_profile = keys\n\
         mfa_serial = arn:aws:iam::123456789012:mfa/me\nmfa_process = ykman code me\n\
         [profile own]\nmfa_serial = arn:aws:iam::123456789012:mfa/own\nmfa_process = ykman code own\n",
        "[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n\
         [own]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = s\n",
    );
    let name = |keys: &str, serial: &str| {
        g.mfa_process_for_keys(keys, serial)
            .map(|p| p.name.as_str())
    };
    assert_eq!(
        name("keys", "arn:aws:iam::123456789012:mfa/me"),
        Some("prod")
    );
    assert_eq!(
        name("own", "arn:aws:iam::123456789012:mfa/own"),
        Some("own")
    );
    assert_eq!(name("keys", "arn:aws:iam::123456789012:mfa/own"), None);
    assert_eq!(name("own", "arn:aws:iam::123456789012:mfa/me"), None);
}
