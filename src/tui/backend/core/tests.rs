use super::*;
use crate::context::GraphLoader;
use crate::profile::ConfigPaths;
use crate::session::SessionStore;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A backend over `[profile a]` in a temporary directory, counting its graph loads.
fn counting_backend() -> (tempfile::TempDir, Arc<AtomicUsize>, CoreBackend) {
    let dir = tempfile::tempdir().unwrap();
    let paths = ConfigPaths::in_dir(dir.path());
    std::fs::write(&paths.config, "[profile a]\nregion = x\n").unwrap();
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = loads.clone();
    let loader: GraphLoader = Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        ProfileGraph::load(&paths)
    });
    let store = SessionStore::open(dir.path().join("cache")).unwrap();
    let context = Context::new(loader).with_store(store);
    (dir, loads, CoreBackend::new(context))
}

#[tokio::test]
async fn prepare_loads_what_the_first_assume_needs() {
    let (_dir, loads, backend) = counting_backend();
    assert!(
        !backend.context.sts().is_loaded(),
        "STS configuration loaded before it was needed"
    );
    assert_eq!(loads.load(Ordering::SeqCst), 0);
    backend.prepare().await;
    assert!(backend.context.sts().is_loaded());
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    assert!(backend.context.graph().get("a").is_some());
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "the assume loaded the graph again"
    );
}
