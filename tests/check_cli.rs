//! The `check` example, run as a process: what a user and a CI job see.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;
use ticket_tagger::Tagger;

/// Builds the example once for all tests and returns its path, as cargo
/// reports it (which follows `CARGO_TARGET_DIR` and build settings).
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| common::build_example("check"))
}

/// A directory of its own for each test, for the files it writes.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check_cli").join(test);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs `check` in `dir` with `args`.
fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary()).args(args).current_dir(dir).output().expect("check runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

const HEADER: &str = r#"version = "1"

[[work_kind]]
id = "defect"

[[category]]
id = "crash"
work = "defect"

[[category]]
id = "billing"
work = "defect"
"#;

/// A taxonomy with a misspelt key (line 17), an unknown category
/// (line 21) and a pattern that does not compile (line 22).
const BAD: &str = r#"
[[rule]]
id = "crash.words"
category = "crash"
keywrods = ["crash"]

[[rule]]
id = "crash.pattern"
category = "crahs"
patterns = ["(unclosed"]
"#;

/// A valid taxonomy whose keyword "refund" belongs to two categories.
const SHARED_KEYWORD: &str = r#"
[[rule]]
id = "crash.words"
category = "crash"
keywords = ["crash", "refund"]

[[rule]]
id = "billing.refund"
category = "billing"
keywords = ["refund"]
"#;

fn write(dir: &Path, name: &str, rules: &str) {
    std::fs::write(dir.join(name), format!("{HEADER}{rules}")).expect("taxonomy written");
}

#[test]
fn the_embedded_taxonomy_passes_with_a_summary_of_its_size() {
    let output = check(&scratch("embedded"), &[]);
    assert_eq!(output.status.code(), Some(0));

    let tagger = Tagger::embedded().expect("embedded taxonomy loads");
    let taxonomy = tagger.taxonomy();
    let rules = taxonomy.rules();
    let keywords: usize = rules.iter().map(|r| r.keywords().len()).sum();
    let patterns: usize = rules.iter().map(|r| r.patterns().len()).sum();
    let mut want = format!(
        "ok: {} categories, {} rules, {keywords} keywords, {patterns} patterns",
        taxonomy.categories().len(),
        rules.len(),
    );
    match taxonomy.warnings().len() {
        0 => {}
        1 => want.push_str(" (1 warning)"),
        n => want.push_str(&format!(" ({n} warnings)")),
    }
    assert_eq!(stdout(&output).lines().last(), Some(want.as_str()));
}

#[test]
fn a_bad_taxonomy_fails_with_every_error_located() {
    let dir = scratch("bad");
    write(&dir, "bad.toml", BAD);
    let output = check(&dir, &["bad.toml"]);
    assert_eq!(output.status.code(), Some(1));

    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with(r#"error: bad.toml:17:1: rule "crash.words": unknown key `keywrods`"#),
        "{text}"
    );
    assert_eq!(
        lines[1],
        r#"error: bad.toml:21:12: rule "crash.pattern": unknown category "crahs""#
    );
    assert!(
        lines[2].starts_with(
            r#"error: bad.toml:22:13: rule "crash.pattern": invalid pattern "(unclosed""#
        ),
        "{text}"
    );
    assert_eq!(lines[3], "failed: 3 errors, 0 warnings");
}

#[test]
fn json_output_has_every_field_for_ci() {
    let dir = scratch("json");
    write(&dir, "bad.toml", BAD);
    let output = check(&dir, &["--json", "bad.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(report["ok"], false);
    assert_eq!(report["summary"], Value::Null);
    assert_eq!(report["warnings"], serde_json::json!([]));
    let errors = report["errors"].as_array().expect("errors array");
    let kinds: Vec<&str> = errors.iter().map(|e| e["kind"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds, ["unknown_key", "unknown_category", "invalid_pattern"]);
    let unknown_category = &errors[1];
    assert_eq!(unknown_category["message"], r#"unknown category "crahs""#);
    assert_eq!(unknown_category["file"], "bad.toml");
    assert_eq!(unknown_category["line"], 21);
    assert_eq!(unknown_category["column"], 12);
    assert_eq!(unknown_category["rule"], "crash.pattern");

    let output = check(&dir, &["--json"]);
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    let tagger = Tagger::embedded().expect("embedded taxonomy loads");
    let taxonomy = tagger.taxonomy();
    assert_eq!(report["ok"], true);
    assert_eq!(report["file"], "taxonomy.toml (embedded)");
    assert_eq!(report["errors"], serde_json::json!([]));
    let summary = &report["summary"];
    assert_eq!(summary["categories"], taxonomy.categories().len());
    assert_eq!(summary["rules"], taxonomy.rules().len());
    assert!(summary["keywords"].as_u64().is_some_and(|n| n > 0));
    assert!(summary["patterns"].as_u64().is_some());
    assert_eq!(summary["version"], taxonomy.version());
    assert_eq!(summary["hash"], taxonomy.hash());
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = scratch("warnings");
    write(&dir, "shared.toml", SHARED_KEYWORD);
    let warning = r#"warning: shared.toml:22:13: rule "billing.refund": keyword "refund" is also in rule "crash.words" of category "crash", so it cannot tell them apart"#;

    let output = check(&dir, &["shared.toml"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, [warning, "ok: 2 categories, 2 rules, 3 keywords, 0 patterns (1 warning)"]);

    let output = check(&dir, &["--deny-warnings", "shared.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, [warning, "failed: 0 errors, 1 warning"]);

    let output = check(&dir, &["shared.toml", "--deny-warnings", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(report["ok"], false);
    assert_eq!(report["warnings"][0]["kind"], "duplicate_keyword");
    assert_eq!(report["warnings"][0]["line"], 22);
    assert_eq!(report["summary"]["rules"], 2);
}

#[test]
fn an_unreadable_file_fails_and_says_why() {
    let dir = scratch("unreadable");
    let output = check(&dir, &["missing.toml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let first = text.lines().next().unwrap_or("");
    assert!(first.starts_with(r#"error: cannot read taxonomy file "missing.toml": "#), "{text}");
    assert_eq!(text.lines().last(), Some("failed: 1 error, 0 warnings"));
}

#[test]
fn usage_errors_exit_with_2_and_help_lists_the_options() {
    let dir = scratch("usage");
    for args in [&["--bogus"][..], &["a.toml", "b.toml"]] {
        let output = check(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        assert!(String::from_utf8_lossy(&output.stderr).contains("check --help"));
    }

    let output = check(&dir, &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for option in ["--json", "--deny-warnings", "Exit codes:"] {
        assert!(help.contains(option), "{help}");
    }
}
