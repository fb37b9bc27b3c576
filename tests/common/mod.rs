//! What the tests of the example binaries share: building an example once
//! and finding its executable.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// Builds example `name` with cargo and returns the executable's path, as
/// cargo reports it (which follows `CARGO_TARGET_DIR`). A release test run
/// builds a release example. Call it from a `OnceLock`, so that it builds
/// once per test binary.
pub fn build_example(name: &str) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.args(["build", "--quiet", "--message-format=json", "--example", name]);
    build.current_dir(env!("CARGO_MANIFEST_DIR"));
    if cfg!(not(debug_assertions)) {
        build.arg("--release");
    }
    let output = build.output().expect("cargo runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the example's executable")
}
