//! The `evaluate` example, run as a process on small labelled files whose
//! every number can be worked out by hand.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};

/// Builds the example once for all tests and returns its path, as cargo
/// reports it (which follows `CARGO_TARGET_DIR` and build settings).
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| common::build_example("evaluate"))
}

/// A directory of its own for each test, holding the test taxonomy and
/// labelled tickets.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("evaluate_cli").join(test);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    std::fs::write(dir.join("taxonomy.toml"), TAXONOMY).expect("taxonomy written");
    std::fs::write(dir.join("labelled.jsonl"), LABELLED).expect("tickets written");
    dir
}

fn evaluate(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary()).args(args).current_dir(dir).output().expect("evaluate runs")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("valid JSON on stdout")
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Four categories; `defect.segfault` never fires on the tickets below and
/// `custom.maybe` fires only under its category's threshold.
const TAXONOMY: &str = r#"version = "test"

[fields]
subject = { weight = 1.5 }
body = { weight = 1.0 }

[[work_kind]]
id = "work"

[[category]]
id = "policy_restriction"
work = "work"

[[category]]
id = "permission_issue"
work = "work"

[[category]]
id = "custom_request"
work = "work"

[[category]]
id = "product_defect"
work = "work"

[[rule]]
id = "policy.rate_limit"
category = "policy_restriction"
keywords = ["rate limit"]
patterns = ['\b429\b']

[[rule]]
id = "permission.auth"
category = "permission_issue"
keywords = ["sso", "forbidden"]
patterns = ['\b403\b']

[[rule]]
id = "custom.please_add"
category = "custom_request"
keywords = ["please add", "support for"]

[[rule]]
id = "custom.maybe"
category = "custom_request"
keywords = ["maybe"]
weight = 0.5

[[rule]]
id = "defect.crash"
category = "product_defect"
keywords = ["crash"]

[[rule]]
id = "defect.segfault"
category = "product_defect"
keywords = ["segfault"]
"#;

/// Six tickets. t1 to t5 come out right; t6 is a feature request whose
/// subject says "crash", so product_defect (1.5) beats custom_request
/// (1.0). t4 is tagged with both of its gold categories; t5's only hit is
/// under its threshold, so it has no tag and is rightly `none`.
const LABELLED: &str = r#"{"id": "t1", "subject": "Rate limit", "body": "Every call fails with 429 since noon.", "primary": "policy_restriction", "secondary": [], "sample": "random"}
{"id": "t2", "subject": "Login fails", "body": "Our SSO login returns 403.", "primary": "permission_issue", "secondary": [], "sample": "random"}
{"id": "t3", "subject": "Gemini", "body": "Please add support for Gemini models.", "primary": "custom_request", "secondary": [], "sample": "random"}
{"id": "t4", "subject": "App crash", "body": "It happens right after the 429 rate limit page.", "primary": "product_defect", "secondary": ["policy_restriction"], "sample": "enriched"}
{"id": "t5", "subject": "Hello", "body": "Maybe you could look at this someday.", "primary": "none", "secondary": [], "sample": "random"}
{"id": "t6", "subject": "Crash report", "body": "Please add a crash reporter to the app.", "primary": "custom_request", "secondary": [], "sample": "enriched"}
"#;

fn close(actual: &Value, want: f64) -> bool {
    actual.as_f64().is_some_and(|v| (v - want).abs() < 1e-12)
}

#[test]
fn json_report_has_exact_accuracy_coverage_and_f1() {
    let dir = scratch("json");
    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "--json", "labelled.jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output.stderr));
    let report = json_of(&output);

    assert_eq!(
        report["input"],
        json!({"file": "labelled.jsonl", "records": 6, "filtered_out": 0, "malformed": 0, "evaluated": 6})
    );
    assert_eq!(report["taxonomy"]["file"], "taxonomy.toml");
    assert_eq!(report["taxonomy"]["version"], "test");
    assert_eq!(report["tickets"], 6);
    assert_eq!(report["correct"], 5);
    assert_eq!(report["accuracy"], 5.0 / 6.0);
    assert_eq!(report["covered"], 5);
    assert_eq!(report["coverage"], 5.0 / 6.0);

    // Gold sets: t1 {policy}, t2 {permission}, t3 {custom}, t4 {defect,
    // policy}, t5 {}, t6 {custom}; t6 is also tagged product_defect.
    let categories = report["categories"].as_array().expect("categories");
    let row = |id: &str| categories.iter().find(|c| c["category"] == id).expect(id).clone();
    let defect = row("product_defect");
    assert_eq!(
        (&defect["gold"], &defect["predicted"], &defect["true_positives"]),
        (&json!(1), &json!(2), &json!(1))
    );
    assert!(close(&defect["precision"], 0.5) && close(&defect["recall"], 1.0));
    assert!(close(&defect["f1"], 2.0 / 3.0));
    let policy = row("policy_restriction");
    assert_eq!(
        (&policy["gold"], &policy["predicted"], &policy["true_positives"]),
        (&json!(2), &json!(2), &json!(2))
    );
    assert!(close(&policy["f1"], 1.0));
    assert!(close(&report["macro_f1"], (3.0 + 2.0 / 3.0) / 4.0));
    assert!(close(&report["micro"]["precision"], 6.0 / 7.0));
    assert!(close(&report["micro"]["recall"], 1.0));
    assert!(close(&report["micro"]["f1"], 12.0 / 13.0));
}

#[test]
fn confusion_matrix_has_gold_rows_and_predicted_columns() {
    let dir = scratch("confusion");
    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "--json", "labelled.jsonl"]);
    let confusion = &json_of(&output)["confusion"];
    let labels = json!([
        "policy_restriction",
        "permission_issue",
        "custom_request",
        "product_defect",
        "none"
    ]);
    assert_eq!(confusion["rows"], labels);
    assert_eq!(confusion["columns"], labels);
    assert_eq!(
        confusion["counts"],
        json!([
            [1, 0, 0, 0, 0],
            [0, 1, 0, 0, 0],
            [0, 0, 1, 1, 0],
            [0, 0, 0, 1, 0],
            [0, 0, 0, 0, 1],
        ])
    );

    // The text table: full row labels, short column labels, `.` for zero.
    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "labelled.jsonl"]);
    assert_eq!(output.status.code(), Some(0));
    let text = text_of(&output.stdout);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.starts_with("Confusion matrix"))
        .skip(1)
        .take(6)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["gold", "\\", "predicted", "pr", "pi", "cr", "pd", "none", "total"]);
    assert_eq!(rows[3], ["custom_request", "(cr)", ".", ".", "1", "1", ".", "2"]);
    assert_eq!(rows[5], ["none", ".", ".", ".", ".", "1", "1"]);
}

#[test]
fn rule_analytics_count_firings_overlaps_conflicts_and_silent_rules() {
    let dir = scratch("rules");
    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "--json", "labelled.jsonl"]);
    let report = json_of(&output);
    let rules = report["rules"].as_array().expect("rules");

    // By category in taxonomy order, then by rule id.
    let order: Vec<&str> = rules.iter().map(|r| r["rule"].as_str().unwrap_or("")).collect();
    assert_eq!(
        order,
        [
            "policy.rate_limit",
            "permission.auth",
            "custom.maybe",
            "custom.please_add",
            "defect.crash",
            "defect.segfault"
        ]
    );
    let rule = |id: &str| rules.iter().find(|r| r["rule"] == id).expect(id).clone();
    let counts = |id: &str| {
        let r = rule(id);
        [&r["fires"], &r["overlaps"], &r["conflicts"], &r["below_threshold"]]
            .map(|v| v.as_u64().unwrap_or(u64::MAX))
    };
    // Fires on t1 and t4; on t4 it overlaps with defect.crash and loses.
    assert_eq!(counts("policy.rate_limit"), [2, 1, 1, 0]);
    assert!(close(&rule("policy.rate_limit")["precision"], 1.0));
    // Fires on t4 and t6, wins both, and is gold on t4 only.
    assert_eq!(counts("defect.crash"), [2, 2, 0, 0]);
    assert!(close(&rule("defect.crash")["precision"], 0.5));
    assert!(close(&rule("defect.crash")["coverage"], 2.0 / 6.0));
    // Fires on t3 and t6; on t6 it loses to defect.crash.
    assert_eq!(counts("custom.please_add"), [2, 1, 1, 0]);
    // Fires on t5 alone, under the threshold, where the gold is none.
    assert_eq!(counts("custom.maybe"), [1, 0, 0, 1]);
    assert!(close(&rule("custom.maybe")["precision"], 0.0));
    assert_eq!(counts("defect.segfault"), [0, 0, 0, 0]);
    assert_eq!(rule("defect.segfault")["precision"], Value::Null);
    assert_eq!(report["never_firing"], json!(["defect.segfault"]));

    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "labelled.jsonl"]);
    let text = text_of(&output.stdout);
    let never: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("Never firing")).map(str::trim).collect();
    assert_eq!(never, ["Never firing (1 of 6 rules)", "defect.segfault"]);
}

#[test]
fn filters_keep_only_matching_records() {
    let dir = scratch("filter");
    let args = ["--taxonomy", "taxonomy.toml", "--json", "--filter", "sample=random"];
    let output = evaluate(&dir, &[&args[..], &["labelled.jsonl"]].concat());
    assert_eq!(output.status.code(), Some(0));
    let report = json_of(&output);
    assert_eq!(report["input"]["filtered_out"], 2);
    assert_eq!(report["tickets"], 4);
    assert_eq!(report["correct"], 4);
    assert_eq!(report["covered"], 3);

    // Filters combine; one that matches nothing leaves nothing to evaluate.
    let output = evaluate(
        &dir,
        &[
            "--taxonomy=taxonomy.toml",
            "--filter",
            "sample=random",
            "--filter=id=t4",
            "labelled.jsonl",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(text_of(&output.stderr).contains("no ticket to evaluate"));
}

#[test]
fn compare_lists_the_tickets_whose_primary_changed() {
    let dir = scratch("compare");
    // Heavier feature requests win t6 back from product_defect.
    let edited = TAXONOMY.replace(
        "keywords = [\"please add\", \"support for\"]",
        "keywords = [\"please add\", \"support for\"]\nweight = 2.0",
    );
    assert_ne!(edited, TAXONOMY);
    std::fs::write(dir.join("edited.toml"), edited).expect("edited taxonomy written");

    let args = ["--taxonomy", "taxonomy.toml", "--compare", "edited.toml", "labelled.jsonl"];
    let output = evaluate(&dir, &[&args[..], &["--json"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output.stderr));
    let report = json_of(&output);
    assert_eq!(report["before"]["correct"], 5);
    assert_eq!(report["after"]["correct"], 6);
    assert_eq!(report["after"]["accuracy"], 1.0);
    assert_ne!(report["before"]["taxonomy"]["hash"], report["after"]["taxonomy"]["hash"]);
    assert_eq!(
        report["changed"],
        json!([{
            "id": "t6",
            "gold": "custom_request",
            "before": "product_defect",
            "after": "custom_request",
            "effect": "fixed"
        }])
    );

    let output = evaluate(&dir, &args);
    assert_eq!(output.status.code(), Some(0));
    let text = text_of(&output.stdout);
    let accuracy: Vec<&str> = text
        .lines()
        .find(|l| l.trim_start().starts_with("primary accuracy"))
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    assert_eq!(accuracy, ["primary", "accuracy", "0.833", "1.000", "+0.167"]);
    let changed: Vec<Vec<&str>> = text
        .lines()
        .skip_while(|l| !l.starts_with("Primary changed"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        changed,
        [
            vec![
                "Primary", "changed", "on", "1", "ticket:", "1", "fixed,", "0", "broken,", "0",
                "still", "wrong"
            ],
            vec!["id", "gold", "before", "after"],
            vec!["t6", "custom_request", "product_defect", "custom_request", "fixed"],
        ]
    );
}

#[test]
fn malformed_lines_are_reported_with_their_number_and_fail_the_run() {
    let dir = scratch("malformed");
    let mut lines: Vec<&str> = LABELLED.lines().collect();
    lines.insert(2, r#"{"id": "broken", "subject": "no closing brace""#);
    lines.insert(4, "");
    lines.insert(5, r#"{"id": "t9", "subject": "x", "body": "y", "secondary": []}"#);
    std::fs::write(dir.join("bad.jsonl"), lines.join("\n")).expect("tickets written");

    let output = evaluate(&dir, &["--taxonomy", "taxonomy.toml", "--json", "bad.jsonl"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text_of(&output.stderr);
    let reported: Vec<&str> = stderr.lines().collect();
    assert_eq!(reported.len(), 3, "{stderr}");
    assert!(reported[0].starts_with("bad.jsonl:3: invalid JSON: "), "{stderr}");
    assert_eq!(reported[1], r#"bad.jsonl:6: no field "primary""#);
    assert_eq!(reported[2], "error: 2 malformed lines in bad.jsonl");

    // The good lines are still evaluated, and the blank one is no record.
    let report = json_of(&output);
    assert_eq!(report["input"]["records"], 8);
    assert_eq!(report["input"]["malformed"], 2);
    assert_eq!(report["tickets"], 6);
    assert_eq!(report["correct"], 5);
}

#[test]
fn options_rename_the_fields_of_a_record() {
    let dir = scratch("renamed");
    let tickets = r#"{"key": 1, "title": "Rate limit", "text": "Calls fail with 429.", "gold": "policy_restriction"}
{"key": 2, "title": "Idea", "text": "Please add dark mode.", "gold": "custom_request", "subject": "crash"}
{"key": 3, "title": null, "text": "Thanks!", "gold": "none"}
"#;
    std::fs::write(dir.join("renamed.jsonl"), tickets).expect("tickets written");
    let args = [
        "--taxonomy",
        "taxonomy.toml",
        "--json",
        "--id",
        "key",
        "--fields",
        "title,text",
        "--primary-field",
        "gold",
        "--secondary-field",
        "",
        "renamed.jsonl",
    ];
    let output = evaluate(&dir, &args);
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output.stderr));
    let report = json_of(&output);
    // Only the named fields are read: "crash" in `subject` does not count.
    assert_eq!(report["tickets"], 3);
    assert_eq!(report["correct"], 3);
    assert_eq!(report["covered"], 2);

    // A field named by --fields that a record lacks is a malformed record.
    let mut args = args.to_vec();
    args[6] = "title,body";
    let output = evaluate(&dir, &args);
    assert_eq!(output.status.code(), Some(1));
    assert!(text_of(&output.stderr).contains(r#"renamed.jsonl:1: no field "body""#));
}

#[test]
fn the_default_taxonomy_gets_obvious_tickets_right() {
    let dir = scratch("embedded");
    let tickets = r#"{"id": "a", "subject": "Rate limit", "body": "Every call fails with 429 Too Many Requests since noon.", "primary": "policy_restriction", "secondary": []}
{"id": "b", "subject": "Login fails", "body": "Our SSO login returns 403 Forbidden since this morning.", "primary": "permission_issue", "secondary": []}
"#;
    std::fs::write(dir.join("obvious.jsonl"), tickets).expect("tickets written");
    let output = evaluate(&dir, &["--json", "obvious.jsonl"]);
    assert_eq!(output.status.code(), Some(0), "{}", text_of(&output.stderr));
    let report = json_of(&output);
    assert_eq!(report["taxonomy"]["file"], "taxonomy.toml (embedded)");
    assert_eq!(report["accuracy"], 1.0);
    assert_eq!(report["coverage"], 1.0);
}

#[test]
fn usage_and_taxonomy_errors_exit_with_2() {
    let dir = scratch("usage");
    std::fs::write(dir.join("broken.toml"), "version = \"1\"\n[[rule]]\nid = \"x\"\n")
        .expect("taxonomy written");
    let cases: &[(&[&str], &str)] = &[
        (&[], "missing the labelled input file"),
        (&["--bogus", "labelled.jsonl"], "unknown option \"--bogus\""),
        (&["--filter", "sample", "labelled.jsonl"], "--filter wants KEY=VALUE"),
        (&["labelled.jsonl", "--taxonomy"], "--taxonomy needs a value"),
        (&["missing.jsonl"], "cannot read \"missing.jsonl\""),
        (&["--taxonomy", "broken.toml", "labelled.jsonl"], "error: broken.toml:"),
    ];
    for (args, message) in cases {
        let output = evaluate(&dir, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = text_of(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }

    let output = evaluate(&dir, &["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = text_of(&output.stdout);
    for option in ["--taxonomy", "--compare", "--fields", "--filter", "--json", "Exit codes:"] {
        assert!(help.contains(option), "{help}");
    }
}
