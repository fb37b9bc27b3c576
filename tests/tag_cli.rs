//! The `tag` example, run as a process: input formats, error records in
//! place, exit statuses, output formats and ordering across threads.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// A small taxonomy of our own, so that these tests do not depend on how
/// the default taxonomy is tuned.
const TAXONOMY: &str = r#"
version = "test-1"

[fields]
subject = { weight = 1.5 }
body = { weight = 1.0 }

[[work_kind]]
id = "defect"

[[work_kind]]
id = "training"

[[category]]
id = "billing"
work = "defect"

[[category]]
id = "login"
work = "training"

[[rule]]
id = "billing.refund"
category = "billing"
keywords = ["refund", "charged twice"]

[[rule]]
id = "login.sso"
category = "login"
keywords = ["sso", "login"]
"#;

/// The example's binary, built once for all tests.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| common::build_example("tag"))
}

/// What a run of `tag` produced.
#[derive(Debug)]
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The output's JSON lines.
    fn records(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).expect("every output line is JSON"))
            .collect()
    }
}

fn tag(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_vec();
    // Write from another thread: a large input must not block on a full
    // output pipe.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("the example runs");
    writer.join().expect("stdin writer finished");
    Run {
        status: output.status.code().expect("the example exits, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A file under the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tag-cli-{}-{n}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("temp file written");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8 here")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn taxonomy() -> TempFile {
    TempFile::new("taxonomy.toml", TAXONOMY.as_bytes())
}

fn ids(records: &[Value]) -> Vec<&str> {
    records.iter().map(|r| r["id"].as_str().expect("a record with an id")).collect()
}

fn sample_ids() -> Vec<String> {
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/tickets.jsonl"),
    )
    .expect("the sample is there");
    sample
        .lines()
        .map(|line| {
            let ticket: Value = serde_json::from_str(line).expect("the sample is JSON");
            ticket["id"].as_str().expect("sample tickets have ids").to_string()
        })
        .collect()
}

#[test]
fn jsonl_sample_gets_one_record_per_ticket_in_order() {
    let run = tag(&["examples/data/tickets.jsonl"], b"");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let records = run.records();
    assert_eq!(ids(&records), sample_ids());
    for record in &records {
        assert!(record["primary"].is_string() || record["primary"].is_null());
        assert!(record["tags"].is_array());
        assert!(record["taxonomy"]["version"].is_string());
        assert_eq!(record["taxonomy"]["hash"].as_str().map(str::len), Some(16));
        assert!(record.get("suppressed").is_none(), "suppressed only with --explain");
    }
    assert!(run.stderr.contains("tag: 41 records"), "summary: {}", run.stderr);
    assert!(run.stderr.contains("primary category"), "summary: {}", run.stderr);
}

#[test]
fn csv_sample_tags_the_same_as_jsonl_sample() {
    // The two samples hold the same tickets, multi-line bodies included.
    let csv = tag(&["-q", "examples/data/tickets.csv"], b"");
    let jsonl = tag(&["-q", "examples/data/tickets.jsonl"], b"");
    assert_eq!(csv.status, 0, "{}", csv.stderr);
    assert_eq!(csv.records().len(), 41);
    assert_eq!(csv.stdout, jsonl.stdout);
    assert_eq!(csv.stderr, "", "--quiet prints nothing");
}

#[test]
fn a_rate_limit_ticket_is_a_policy_restriction() {
    let input = br#"{"id": "r-1", "subject": "Rate limit", "body": "Every call fails with 429 Too Many Requests since noon."}"#;
    let run = tag(&["--format", "jsonl", "-"], input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let record = &run.records()[0];
    assert_eq!(record["id"], "r-1");
    assert_eq!(record["primary"], "policy_restriction");
    assert_eq!(record["work"], "expectation");
    let evidence = record["tags"][0]["evidence"].as_array().expect("evidence");
    let hit = evidence.iter().find(|e| e["text"] == "429").expect("429 is evidence");
    assert_eq!(hit["field"], "body");
    assert_eq!(hit["zone"], "prose");
    assert_eq!((hit["start"].as_u64(), hit["end"].as_u64()), (Some(22), Some(25)));
}

#[test]
fn bad_jsonl_records_become_error_records_in_place() {
    let taxonomy = taxonomy();
    let input = [
        &br#"{"id": "a", "subject": "Refund", "body": "I was charged twice"}"#[..],
        b"",
        br#"{"id": "b", "subject": "x", "body": "y""#,
        b"{\"id\": \"c\", \"subject\": \"x\", \"body\": \"caf\xE9\"}",
        br#"{"subject": "no id", "body": "sso"}"#,
        br#"{"id": "e", "subject": "no body"}"#,
        br#"{"id": "f", "subject": null, "body": 7}"#,
        br#"{"id": 42, "subject": "", "body": "login fails"}"#,
        b"   ",
        br#"["not", "an", "object"]"#,
        br#"{"id": "j", "subject": "last", "body": "no newline after me"}"#,
    ]
    .join(&b"\n"[..]);
    let input = TempFile::new("bad.jsonl", &input);
    let run = tag(&["--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);

    let records = run.records();
    // Nine records: the blank and whitespace-only lines are not records.
    assert_eq!(records.len(), 9, "{}", run.stdout);
    assert_eq!(records[0]["id"], "a");
    assert_eq!(records[0]["primary"], "billing");
    let errors: Vec<_> = records
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(|r| (r["line"].as_u64().unwrap(), r["error"].as_str().unwrap(), r.get("id")))
        .collect();
    let id = |id: &str| Value::from(id);
    assert_eq!(errors.len(), 6);
    assert_eq!(errors[0].0, 3);
    assert!(errors[0].1.starts_with("invalid JSON at column "), "{}", errors[0].1);
    assert_eq!(errors[0].2, None);
    assert_eq!(errors[1], (4, "invalid UTF-8 at byte 41", Some(&id("c"))));
    assert_eq!(errors[2], (5, "missing field \"id\"", None));
    assert_eq!(errors[3], (6, "missing field \"body\"", Some(&id("e"))));
    assert_eq!(
        errors[4],
        (7, "missing field \"subject\"; field \"body\" is a number, not a string", Some(&id("f")))
    );
    assert_eq!(errors[5], (10, "expected a JSON object, found an array", None));

    // A number id is written as a string; an empty subject is present.
    assert_eq!(records[6]["id"], "42");
    assert_eq!(records[6]["primary"], "login");
    assert_eq!(records[8]["id"], "j");
    assert!(run.stderr.contains("6 bad records, the first on line 3"), "{}", run.stderr);
}

#[test]
fn keep_going_accepts_bad_records_and_strict_stops_at_the_first() {
    let taxonomy = taxonomy();
    let input = TempFile::new(
        "mixed.jsonl",
        b"{\"id\": \"1\", \"subject\": \"a\", \"body\": \"refund\"}\n\
          {\"id\": \"2\", \"subject\": \"b\"}\n\
          {\"id\": \"3\", \"subject\": \"c\", \"body\": \"sso\"}\n\
          not json\n\
          {\"id\": \"5\", \"subject\": \"e\", \"body\": \"login\"}\n",
    );
    let all = tag(&["--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(all.status, 1);
    assert_eq!(all.records().len(), 5);

    let kept = tag(&["--keep-going", "--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(kept.status, 0, "{}", kept.stderr);
    assert_eq!(kept.stdout, all.stdout);

    let strict = tag(&["--strict", "--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(strict.status, 1);
    let records = strict.records();
    assert_eq!(records.len(), 2, "stops after the first error record: {}", strict.stdout);
    assert_eq!(records[0]["primary"], "billing");
    assert_eq!(records[1]["line"], 2);
    assert_eq!(records[1]["error"], "missing field \"body\"");
    assert!(strict.stderr.contains("stopped at the first bad record"), "{}", strict.stderr);
}

#[test]
fn bad_csv_rows_become_error_records_on_their_own_lines() {
    let taxonomy = taxonomy();
    // LF line endings, a blank line, a quoted field over three lines, a
    // short row, a long row, invalid UTF-8, and no newline at the end.
    let input = TempFile::new(
        "bad.csv",
        b"id,subject,body\n\
          1,Refund,charged twice\n\
          \n\
          2,\"SSO\nlogin\nloop\",body\n\
          3,short\n\
          4,long,row,extra\n\
          5,ok,caf\xE9\n\
          6,last,refund",
    );
    let run = tag(&["--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let records = run.records();
    assert_eq!(ids(&records), ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(records[0]["primary"], "billing");
    assert_eq!(records[1]["primary"], "login");
    assert_eq!(records[5]["primary"], "billing");

    let error = |i: usize| (records[i]["line"].as_u64(), records[i]["error"].as_str());
    assert_eq!(error(2), (Some(7), Some("expected 3 columns, as in the header, found 2")));
    assert_eq!(error(3), (Some(8), Some("expected 3 columns, as in the header, found 4")));
    assert_eq!(error(4), (Some(9), Some("invalid UTF-8 in column \"body\"")));
}

#[test]
fn csv_line_numbers_count_crlf_endings_and_multi_line_fields() {
    let taxonomy = taxonomy();
    let input = TempFile::new(
        "crlf.csv",
        b"\xEF\xBB\xBFid,subject,body\r\n\
          1,\"two\r\nlines\",refund\r\n\
          \r\n\
          2,bad\r\n\
          3,\"a\nb\",\"c\nd\"\r\n\
          4,bad\r\n",
    );
    let run = tag(&["--keep-going", "--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(run.status, 0, "{}", run.stderr);
    let records = run.records();
    // The byte order mark is not part of the first column's name.
    assert_eq!(ids(&records), ["1", "2", "3", "4"]);
    assert_eq!(records[1]["line"], 5);
    assert_eq!(records[3]["line"], 9);
}

#[test]
fn csv_output_has_a_column_per_category_and_error_rows() {
    let taxonomy = taxonomy();
    let input = TempFile::new(
        "out.jsonl",
        b"{\"id\": \"a\", \"subject\": \"SSO login\", \"body\": \"and a refund\"}\n\
          {\"id\": \"b\", \"subject\": \"hello\"}\n\
          {\"id\": \"c\", \"subject\": \"hello\", \"body\": \"nothing to see\"}\n",
    );
    let run = tag(&["--output", "csv", "--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "id,primary,work,billing,login,error",
            "a,login,training,1,1.5,",
            r#"b,,,,,"line 2: missing field ""body""""#,
            "c,,,,,",
        ]
    );
}

#[test]
fn explain_adds_the_suppressed_hits_and_why() {
    let taxonomy = taxonomy();
    let input = br#"{"id": "n", "subject": "question", "body": "this is not about a refund"}"#;
    let plain = tag(&["--taxonomy", taxonomy.path(), "--format=jsonl", "-"], input);
    assert!(plain.records()[0].get("suppressed").is_none());

    let run = tag(&["--explain", "--taxonomy", taxonomy.path(), "--format=jsonl", "-"], input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let record = &run.records()[0];
    assert_eq!(record["primary"], Value::Null);
    let suppressed = record["suppressed"].as_array().expect("suppressed hits");
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["text"], "refund");
    assert_eq!(suppressed[0]["category"], "billing");
    assert_eq!(suppressed[0]["reason"], "negation");
    assert_eq!(suppressed[0]["cue"], "not");
}

#[test]
fn nested_fields_are_read_with_dots_and_can_be_renamed() {
    let taxonomy = taxonomy();
    let input =
        br#"{"ticket": {"key": 7}, "subject": "hi", "customer": {"note": "wants a refund"}}"#;
    let args = ["--id", "ticket.key", "--fields", "subject,customer.note", "--format", "jsonl"];
    let run = tag(&[&args[..], &["--taxonomy", taxonomy.path(), "-"]].concat(), input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let record = &run.records()[0];
    assert_eq!(record["id"], "7");
    assert_eq!(record["primary"], "billing");
    assert_eq!(record["tags"][0]["evidence"][0]["field"], "customer.note");
    assert!(run.stderr.contains("declares no ticket field \"customer.note\""), "{}", run.stderr);

    // NAME=SOURCE reads the note as the body, which the taxonomy declares.
    let args = ["--id=ticket.key", "--fields=subject,body=customer.note", "--format=jsonl"];
    let run = tag(&[&args[..], &["--taxonomy", taxonomy.path(), "-"]].concat(), input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.records()[0]["tags"][0]["evidence"][0]["field"], "body");
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn stdin_needs_a_format() {
    let input = b"id,subject,body\nx,Login,SSO is broken\n";
    let run = tag(&["--format", "csv", "-"], input);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(ids(&run.records()), ["x"]);

    let run = tag(&["-"], input);
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("cannot tell the format of standard input"), "{}", run.stderr);
}

#[test]
fn threads_keep_the_input_order() {
    let taxonomy = taxonomy();
    // Enough records for several batches, with bad ones spread among them.
    let mut input = Vec::new();
    for i in 0..12_000 {
        let body = ["a refund please", "sso login loop", "nothing", "not a refund"][i % 4];
        match i % 997 {
            0 => writeln!(input, "{{\"id\": \"t{i}\", \"subject\": \"s\"}}"),
            1 => writeln!(input, "{{\"id\": \"t{i}\", \"subject\": "),
            _ => {
                writeln!(input, "{{\"id\": \"t{i}\", \"subject\": \"n{i}\", \"body\": \"{body}\"}}")
            }
        }
        .expect("writing to memory");
    }
    let input = TempFile::new("many.jsonl", &input);
    let one = tag(&["--threads", "1", "--taxonomy", taxonomy.path(), input.path()], b"");
    let two = tag(&["--threads", "2", "--taxonomy", taxonomy.path(), input.path()], b"");
    let four = tag(&["--threads=4", "--taxonomy", taxonomy.path(), input.path()], b"");
    assert_eq!(one.status, 1, "{}", one.stderr);
    assert_eq!(two.status, 1, "{}", two.stderr);

    let records = two.records();
    assert_eq!(records.len(), 12_000);
    for (i, record) in records.iter().enumerate() {
        match record.get("line") {
            Some(line) => assert_eq!(line.as_u64(), Some(i as u64 + 1)),
            None => assert_eq!(record["id"], format!("t{i}")),
        }
    }
    assert!(one.stdout == two.stdout, "--threads 2 differs from --threads 1");
    assert!(one.stdout == four.stdout, "--threads 4 differs from --threads 1");
    assert!(two.stderr.contains("tag: 12,000 records"), "{}", two.stderr);
}

#[test]
fn a_bad_taxonomy_exits_2_with_every_problem() {
    let run = tag(&["--taxonomy", "no/such/taxonomy.toml", "examples/data/tickets.jsonl"], b"");
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("cannot read taxonomy file \"no/such/taxonomy.toml\""));

    let broken = TAXONOMY
        .replace("keywords = [\"sso\"", "keywrods = [\"sso\"")
        .replace("id = \"login\"\nwork = \"training\"", "id = \"login\"\nwork = \"nope\"");
    let broken = TempFile::new("broken.toml", broken.as_bytes());
    let run = tag(&["--taxonomy", broken.path(), "examples/data/tickets.jsonl"], b"");
    assert_eq!(run.status, 2);
    assert_eq!(run.stdout, "");
    let problems: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(problems.len(), 2, "{}", run.stderr);
    assert!(problems[0].contains("\"nope\""), "{}", run.stderr);
    assert!(problems[1].contains("keywrods"), "{}", run.stderr);
}

#[test]
fn input_and_usage_errors_exit_2() {
    let run = tag(&["no/such/tickets.jsonl"], b"");
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("cannot open \"no/such/tickets.jsonl\""), "{}", run.stderr);

    let cases: &[(&[&str], &str)] = &[
        (&[], "missing INPUT"),
        (&["--frobnicate", "x.jsonl"], "unknown option --frobnicate"),
        (&["--threads", "0", "x.jsonl"], "--threads needs a whole number"),
        (&["--id"], "--id needs a value"),
        (&["tickets.txt"], "cannot tell the format of \"tickets.txt\""),
        (&["--output", "xml", "x.jsonl"], "unknown output format \"xml\""),
        (&["--strict", "--keep-going", "x.jsonl"], "contradict"),
        (&["--explain", "--output", "csv", "x.jsonl"], "--explain needs JSON output"),
        (&["a.jsonl", "b.jsonl"], "more than one INPUT"),
        (&["--fields", "subject,", "x.jsonl"], "empty field name"),
        (&["--quiet=yes", "x.jsonl"], "--quiet takes no value"),
    ];
    for (args, message) in cases {
        let run = tag(args, b"");
        assert_eq!(run.status, 2, "{args:?}");
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("Usage: tag [OPTIONS] INPUT"), "{args:?}");
    }

    let run = tag(&["--id", "key", "examples/data/tickets.csv"], b"");
    assert_eq!(run.status, 2);
    let message = "the CSV header of \"examples/data/tickets.csv\" has no column \"key\"";
    assert!(run.stderr.contains(message), "{}", run.stderr);
}

#[test]
fn help_lists_every_option_and_exit_status() {
    let run = tag(&["--help"], b"");
    assert_eq!(run.status, 0);
    for option in [
        "--format",
        "--id",
        "--fields",
        "--taxonomy",
        "--explain",
        "--threads",
        "--output",
        "--keep-going",
        "--strict",
        "--quiet",
        "--help",
    ] {
        assert!(run.stdout.contains(option), "--help lacks {option}");
    }
    for status in ["0  ", "1  ", "2  "] {
        assert!(run.stdout.contains(&format!("\n  {status}")), "--help lacks exit status {status}");
    }
}
