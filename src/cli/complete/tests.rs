
use super::*;
use crate::profile::{ConfigPaths, ProfileGraph};

#[test]
fn descriptions_name_the_role() {
    let graph = ProfileGraph::from_texts(
        ConfigPaths::in_dir(std::path::Path::new("/nonexistent")),
        "[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n",
        "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
    );
    assert_eq!(
        describe(graph.get("admin").unwrap()),
        "role Admin in 222222222222"
    );
    assert_eq!(describe(graph.get("base").unwrap()), "static");
}

#[test]
fn every_shell_has_a_script_that_calls_back() {
    let cmd = clap::Command::new("rolecall");
    for shell in Shell::value_variants() {
        let script = registration(*shell, &cmd, "/opt/bin/rolecall");
        assert!(script.contains("/opt/bin/rolecall"), "{shell:?}: {script}");
        assert!(script.contains(COMPLETE_VAR), "{shell:?}: {script}");
    }
}
