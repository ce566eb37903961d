use super::*;
use crate::testing::counting_context;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[test]
fn building_a_context_loads_nothing() {
    let (_dir, loads, context) = counting_context();
    let clone = context.clone();
    assert_eq!(loads.load(Ordering::SeqCst), 0);
    assert!(context.shared.sts.get().is_none() && context.shared.sso.get().is_none());
    assert!(!clone.is_demo() && clone.watched_files().is_empty());
}

#[test]
fn graph_is_loaded_again_only_when_the_files_change() {
    let (dir, loads, context) = counting_context();
    let paths = ConfigPaths::in_dir(dir.path());
    assert!(context.graph().get("a").is_some());
    assert!(context.graph().get("a").is_some());
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "unchanged files were parsed again"
    );
    std::fs::write(&paths.config, "[profile b]\nregion = x\n").unwrap();
    let later = SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&paths.config)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert!(context.graph().get("b").is_some());
    assert_eq!(loads.load(Ordering::SeqCst), 2);
}

#[test]
fn a_profile_the_current_graph_has_is_not_loaded_again() {
    let (_dir, loads, context) = counting_context();
    assert!(context.graph_for("a").get("a").is_some());
    assert!(context.graph_for("a").get("a").is_some());
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    // A name nobody defines is looked for in the files again (they may have gained it).
    assert!(context.graph_for("nobody").get("nobody").is_none());
    assert_eq!(loads.load(Ordering::SeqCst), 2);
}

#[test]
fn the_demo_watches_no_file() {
    let context = Context::demo_profiles();
    assert!(context.is_demo());
    assert!(context.watched_files().is_empty());
    assert_eq!(
        context.files_graph().profiles().len(),
        crate::demo::graph().profiles().len()
    );
    assert!(!context.files_graph().profiles().is_empty());
}
