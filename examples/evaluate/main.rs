//! Evaluates a taxonomy on labelled tickets in JSON Lines.
//!
//! ```text
//! cargo run --release --example evaluate -- [OPTIONS] LABELLED.jsonl
//! cargo run --release --example evaluate -- --filter sample=random ../shared/data/dev.jsonl
//! cargo run --release --example evaluate -- --taxonomy taxonomy.toml --compare edited.toml dev.jsonl
//! ```
//!
//! Each line of the input is a JSON object with an id, text fields and gold
//! labels: a `primary` category (`none` for a ticket that fits no
//! category) and an array of `secondary` ones. The options rename these
//! fields and pick records by the value of a field; `--help` lists them.
//!
//! The report, as aligned tables or with `--json` as one JSON document:
//!
//! - primary accuracy: the share of tickets whose primary category is the
//!   gold primary; a ticket without tags has primary `none`, which is right
//!   when the gold primary is `none`;
//! - per category, precision, recall and F1 of its tags, where a ticket's
//!   gold set is its primary and secondary labels (without `none`) and its
//!   predicted set is every tag that passed its threshold; macro-F1 (the
//!   mean over the taxonomy's categories, an undefined F1 counting as zero)
//!   and micro-F1;
//! - coverage: the share of tickets with any tag;
//! - the confusion matrix of primary labels, gold rows by predicted
//!   columns, `none` included;
//! - per rule, in the manner of a labelling-function summary: how many
//!   tickets it fires on (it has evidence that counted: not negated,
//!   excluded or out of zone, whether or not its category then passed the
//!   threshold), its coverage, its precision (the share of its firings
//!   where its category is in the gold set), its overlaps (firings where a
//!   rule of another category fired too), its conflicts (overlaps where the
//!   primary went to another category, or to none), how often its category
//!   stayed under the threshold, and the rules that never fire.
//!
//! With `--compare OTHER.toml`, both taxonomies tag the same tickets; the
//! output puts their summaries and per-category F1 side by side and lists
//! every ticket whose primary changed, with its gold label, so that a rule
//! edit can be reviewed before it ships. With `--json`, the document is
//! `{"input", "before", "after", "changed"}`.
//!
//! Malformed lines are reported on stderr as `FILE:LINE: message` and
//! counted; any of them makes the exit code 1. Exit code 2 is for usage
//! errors, a taxonomy that does not load, and an input that cannot be read.
//! Only counts are kept in memory, never the tickets.

mod args;
mod input;
mod stats;
mod text;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::process::ExitCode;

use serde::Serialize;
use ticket_tagger::Tagger;

use crate::args::Args;
use crate::input::{InputCounts, Record};
use crate::stats::{Evaluation, Loaded, Report};

/// A ticket whose primary category differs between two taxonomies.
#[derive(Debug, Serialize)]
pub struct Changed {
    pub id: String,
    pub gold: String,
    pub before: String,
    pub after: String,
    /// `fixed` when the new primary is the gold one, `broken` when the old
    /// one was, and empty otherwise.
    pub effect: &'static str,
}

impl Changed {
    fn new(record: &Record<'_>, before: &str, after: &str) -> Changed {
        let effect = if after == record.primary {
            "fixed"
        } else if before == record.primary {
            "broken"
        } else {
            ""
        };
        Changed {
            id: record.id.clone(),
            gold: record.primary.to_string(),
            before: before.to_string(),
            after: after.to_string(),
            effect,
        }
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    input: &'a InputCounts,
    #[serde(flatten)]
    report: &'a Report,
}

#[derive(Serialize)]
struct JsonComparison<'a> {
    input: &'a InputCounts,
    before: &'a Report,
    after: &'a Report,
    changed: &'a [Changed],
}

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{}", args::HELP);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("evaluate: {message}\nTry `evaluate --help` for usage.");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// Evaluates and prints the report; `Err` holds what to print on stderr
/// before exiting with code 2.
fn run(args: &Args) -> Result<ExitCode, String> {
    let before = load(args.taxonomy.as_deref())?;
    let after = args.compare.as_deref().map(|path| load(Some(path))).transpose()?;

    let (name, reader): (&str, Box<dyn BufRead>) = if args.input == "-" {
        ("<stdin>", Box::new(io::stdin().lock()))
    } else {
        let file = File::open(&args.input)
            .map_err(|e| format!("error: cannot read {:?}: {e}", args.input))?;
        (&args.input, Box::new(BufReader::new(file)))
    };

    let mut before_evaluation = Evaluation::new(&before);
    let mut after_evaluation = after.as_ref().map(Evaluation::new);
    let mut changed = Vec::new();
    let input = input::read(reader, name, args, |record| {
        let before = before_evaluation.add(record);
        if let Some(evaluation) = &mut after_evaluation {
            let after = evaluation.add(record);
            if after != before {
                changed.push(Changed::new(record, before, after));
            }
        }
    })
    .map_err(|e| format!("error: cannot read {name}: {e}"))?;

    for evaluation in std::iter::once(&before_evaluation).chain(&after_evaluation) {
        for (label, tickets) in evaluation.unknown_labels() {
            eprintln!(
                "warning: gold label {label:?} of {tickets} tickets is not a category of {}",
                evaluation.taxonomy_name()
            );
        }
    }

    let before_report = before_evaluation.report();
    let after_report = after_evaluation.as_ref().map(Evaluation::report);
    let printed = match (&after_report, args.json) {
        (None, false) => text::print_report(&mut io::stdout().lock(), &input, &before_report),
        (Some(after), false) => {
            let out = &mut io::stdout().lock();
            text::print_comparison(out, &input, &before_report, after, &changed)
        }
        (None, true) => print_json(&JsonReport { input: &input, report: &before_report }),
        (Some(after), true) => print_json(&JsonComparison {
            input: &input,
            before: &before_report,
            after,
            changed: &changed,
        }),
    };
    // A reader that stops early, such as `head`, is not an error.
    match printed {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        result => result.map_err(|e| format!("error: cannot write the report: {e}"))?,
    }

    if input.malformed > 0 {
        let lines = if input.malformed == 1 { "line" } else { "lines" };
        eprintln!("error: {} malformed {lines} in {name}", input.malformed);
        return Ok(ExitCode::from(1));
    }
    if input.evaluated == 0 {
        eprintln!(
            "error: no ticket to evaluate: {name} has {} records, {} filtered out",
            input.records, input.filtered_out
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(report: &impl Serialize) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, report)?;
    writeln!(out)
}

/// Loads the taxonomy at `path`, or the embedded one.
fn load(path: Option<&str>) -> Result<Loaded, String> {
    let loaded = match path {
        None => Loaded::new(Tagger::EMBEDDED_NAME, Tagger::embedded_source())?,
        Some(path) => {
            let source = std::fs::read_to_string(path)
                .map_err(|e| format!("error: cannot read taxonomy file {path:?}: {e}"))?;
            Loaded::new(path, &source)?
        }
    };
    let warnings = loaded.tagger.taxonomy().warnings().len();
    if warnings > 0 {
        eprintln!("note: {} has {warnings} warnings; the check example lists them", loaded.name);
    }
    Ok(loaded)
}
