//! Validates a taxonomy file and reports every problem in it.
//!
//! ```text
//! cargo run --example check -- [--json] [--deny-warnings] [PATH]
//! ```
//!
//! Without `PATH`, it checks the default taxonomy embedded in the crate,
//! which it names `taxonomy.toml (embedded)`. Each error and warning goes
//! on a line of its own, prefixed `error: ` or `warning: `, with its file,
//! line, column and rule id; a one-line summary follows:
//!
//! ```text
//! error: my.toml:14:1: rule "crash.words": unknown field `keywrods`, expected one of ...
//! failed: 1 error, 0 warnings
//! ```
//!
//! With `--json`, it prints one JSON object instead, for another project's
//! CI: `ok`, `file`, `errors` and `warnings` (each with `kind`, `message`,
//! `file`, `line`, `column` and `rule`, `null` where unknown) and `summary`
//! (`categories`, `rules`, `keywords`, `patterns`, `version`, `hash`; `null`
//! when the taxonomy does not load).
//!
//! Exit codes: 0 when the taxonomy is valid, 1 when it is not (or cannot
//! be read, or has warnings under `--deny-warnings`), 2 for a usage error.

use std::process::ExitCode;

use serde::Serialize;
use ticket_tagger::{Error, Location, Tagger, Warning};

const HELP: &str = "\
Validates a taxonomy file and reports every error and warning in it.

Usage: check [OPTIONS] [PATH]

Arguments:
  [PATH]           The taxonomy file; without it, the default taxonomy
                   embedded in the crate

Options:
      --json           Print one JSON object instead of text lines
      --deny-warnings  Fail when the taxonomy has warnings
  -h, --help           Print this help

Exit codes:
  0  the taxonomy is valid
  1  it has errors, cannot be read, or has warnings under --deny-warnings
  2  usage error
";

struct Args {
    json: bool,
    deny_warnings: bool,
    path: Option<String>,
}

/// The outcome of a run, the shape of the `--json` output.
#[derive(Serialize)]
struct Report {
    ok: bool,
    file: String,
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
    summary: Option<Summary>,
}

/// One error or warning.
#[derive(Serialize)]
struct Problem {
    kind: &'static str,
    message: String,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    rule: Option<String>,
    /// The whole line as text output shows it, after the prefix.
    #[serde(skip)]
    display: String,
}

#[derive(Serialize)]
struct Summary {
    categories: usize,
    rules: usize,
    keywords: usize,
    patterns: usize,
    version: String,
    hash: String,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("check: {message}\nTry `check --help` for usage.");
            return ExitCode::from(2);
        }
    };

    let report = check(&args);
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("check: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print_text(&report);
    }
    if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Reads the arguments; `Ok(None)` asks for the help text.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args { json: false, deny_warnings: false, path: None };
    let mut options_done = false;
    for arg in args {
        match arg.as_str() {
            _ if options_done || !arg.starts_with('-') || arg == "-" => {
                if let Some(first) = &parsed.path {
                    return Err(format!("expected one PATH, got {first:?} and {arg:?}"));
                }
                parsed.path = Some(arg);
            }
            "--" => options_done = true,
            "-h" | "--help" => return Ok(None),
            "--json" => parsed.json = true,
            "--deny-warnings" => parsed.deny_warnings = true,
            _ => return Err(format!("unknown option {arg:?}")),
        }
    }
    Ok(Some(parsed))
}

fn check(args: &Args) -> Report {
    let loaded = match &args.path {
        Some(path) => Tagger::from_path(path),
        None => Tagger::embedded(),
    };
    let file = args.path.clone().unwrap_or_else(|| Tagger::EMBEDDED_NAME.to_string());

    let tagger = match loaded {
        Ok(tagger) => tagger,
        Err(error) => {
            let errors = error.errors().iter().map(error_problem).collect();
            return Report { ok: false, file, errors, warnings: Vec::new(), summary: None };
        }
    };

    let taxonomy = tagger.taxonomy();
    let warnings: Vec<Problem> = taxonomy.warnings().iter().map(warning_problem).collect();
    let rules = taxonomy.rules();
    let summary = Summary {
        categories: taxonomy.categories().len(),
        rules: rules.len(),
        keywords: rules.iter().map(|r| r.keywords().len()).sum(),
        patterns: rules.iter().map(|r| r.patterns().len()).sum(),
        version: taxonomy.version().to_string(),
        hash: taxonomy.hash(),
    };
    let ok = warnings.is_empty() || !args.deny_warnings;
    Report { ok, file, errors: Vec::new(), warnings, summary: Some(summary) }
}

fn error_problem(error: &Error) -> Problem {
    let mut display = error.to_string();
    // An unreadable file has no location; the OS error says why.
    if let (None, Some(cause)) = (error.location(), std::error::Error::source(error)) {
        display = format!("{display}: {cause}");
    }
    problem(error.kind().name(), error.message(), error.location(), error.rule(), display)
}

fn warning_problem(warning: &Warning) -> Problem {
    let display = warning.to_string();
    problem(warning.kind().name(), warning.message(), warning.location(), warning.rule(), display)
}

fn problem(
    kind: &'static str,
    message: &str,
    location: Option<&Location>,
    rule: Option<&str>,
    display: String,
) -> Problem {
    Problem {
        kind,
        message: message.to_string(),
        file: location.map(|l| l.file.clone()),
        line: location.map(|l| l.line),
        column: location.map(|l| l.column),
        rule: rule.map(str::to_string),
        display,
    }
}

fn print_text(report: &Report) {
    for error in &report.errors {
        println!("error: {}", error.display);
    }
    for warning in &report.warnings {
        println!("warning: {}", warning.display);
    }

    let warnings = count(report.warnings.len(), "warning", "warnings");
    match &report.summary {
        Some(summary) if report.ok => {
            let extra =
                if report.warnings.is_empty() { String::new() } else { format!(" ({warnings})") };
            println!(
                "ok: {}, {}, {}, {}{extra}",
                count(summary.categories, "category", "categories"),
                count(summary.rules, "rule", "rules"),
                count(summary.keywords, "keyword", "keywords"),
                count(summary.patterns, "pattern", "patterns"),
            );
        }
        _ => println!("failed: {}, {warnings}", count(report.errors.len(), "error", "errors")),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
