use super::*;
use crate::testing::counting_context;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A backend over `[profile a]` in a temporary directory, counting its graph loads.
fn counting_backend() -> (tempfile::TempDir, Arc<AtomicUsize>, CoreBackend) {
    let (dir, loads, context) = counting_context();
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
