//! Shared by the benchmarks.

use std::path::PathBuf;

/// The directory of a generated config of `n` profiles (`benches/gen_config.py`), made on
/// first use under `target/bench/config-N`.
pub fn generated(n: usize) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(format!("target/bench/config-{n}"));
    if !dir.join("config").exists() {
        let status = std::process::Command::new("python3")
            .arg(root.join("benches/gen_config.py"))
            .arg(n.to_string())
            .arg(&dir)
            .status()
            .expect("python3 benches/gen_config.py");
        assert!(status.success());
    }
    dir
}
