//! `tag`: tags support tickets from a CSV or JSON Lines file, on every
//! core, and writes one result per ticket, in input order.
//!
//! ```text
//! cargo run --release --example tag -- examples/data/tickets.jsonl
//! ```
//!
//! Run it with `--help` for the options. The pieces: `args` reads the
//! command line, `input` splits the input into batches of raw records,
//! `record` turns a raw record into a ticket, `pipeline` tags batches on
//! worker threads and writes them back in order through `output`, and
//! `report` keeps stderr informed.

#![forbid(unsafe_code)]

mod args;
mod input;
mod output;
mod pipeline;
mod record;
mod report;

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use ticket_tagger::{ErrorKind, Tagger};

use crate::args::{Command, Input, Options, OutputFormat};
use crate::input::{HeaderError, Source};
use crate::pipeline::Job;
use crate::report::Progress;

/// Exit status: some records were bad, and `--keep-going` was not given.
const BAD_RECORDS: u8 = 1;

/// Exit status: a usage error, a taxonomy error, or an I/O error.
const FAILURE: u8 = 2;

/// Why the run could not go on: one or more messages for stderr.
#[derive(Debug)]
struct Fatal(Vec<String>);

impl Fatal {
    fn new(message: impl Into<String>) -> Fatal {
        Fatal(vec![message.into()])
    }
}

fn main() -> ExitCode {
    let options = match args::parse(std::env::args_os().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            print!("{}", args::HELP);
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n\n{}\nRun with --help for the options.", args::USAGE);
            return ExitCode::from(FAILURE);
        }
    };
    match run(&options) {
        Ok(code) => code,
        Err(Fatal(messages)) => {
            for message in messages {
                eprintln!("error: {message}");
            }
            ExitCode::from(FAILURE)
        }
    }
}

fn run(options: &Options) -> Result<ExitCode, Fatal> {
    let tagger = load_taxonomy(options)?;
    let taxonomy = tagger.taxonomy();

    let input = open(&options.input)?;
    let (source, columns) = Source::new(options.format, input, &options.id, &options.fields)
        .map_err(|e| match e {
            HeaderError::Io(error) => Fatal::new(format!("cannot read {}: {error}", options.input)),
            HeaderError::MissingColumn { column, header } => Fatal::new(format!(
                "the CSV header of {} has no column {column:?} (it has {}); \
                 name the right columns with --id and --fields",
                options.input,
                header.join(", "),
            )),
        })?;

    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(64 << 10, stdout.lock());
    if options.output == OutputFormat::Csv {
        let header = output::csv_header(taxonomy.categories());
        out.write_all(&header).map_err(|e| output_error(&e))?;
    }

    let job = Job {
        tagger: &tagger,
        id: &options.id,
        fields: &options.fields,
        columns: columns.as_ref(),
        output: options.output,
        explain: options.explain,
        strict: options.strict,
        threads: options.threads,
    };
    let mut progress = Progress::new(options.quiet);
    let ended = pipeline::run(&job, source, &mut out, &mut progress);
    let ended = ended.and_then(|ended| out.flush().map(|()| ended));
    progress.clear();
    let ended = match ended {
        Ok(ended) => ended,
        // Whoever reads the output has all they want, as `head` does.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(error) => return Err(output_error(&error)),
    };

    // A summary of nothing would only hide the error below it.
    let nothing_read = ended.stats.records == 0 && ended.read_error.is_some();
    if !options.quiet && !nothing_read {
        let elapsed = progress.elapsed();
        eprint!("{}", report::summary(&ended.stats, elapsed, taxonomy, options.threads));
    }
    if let Some(error) = ended.read_error {
        return Err(Fatal::new(format!("cannot read {}: {error}", options.input)));
    }
    if ended.stats.bad > 0 && !options.keep_going {
        return Ok(ExitCode::from(BAD_RECORDS));
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads `--taxonomy`, or the embedded one, and tells of its warnings.
fn load_taxonomy(options: &Options) -> Result<Tagger, Fatal> {
    let tagger = match &options.taxonomy {
        Some(path) => Tagger::from_path(path),
        None => Tagger::embedded(),
    };
    let tagger = tagger.map_err(|error| {
        let problems = error.errors().iter().map(|problem| {
            // An unreadable file says why only in its cause.
            let cause =
                std::error::Error::source(problem).filter(|_| problem.kind() == ErrorKind::Io);
            match cause {
                Some(cause) => format!("{problem}: {cause}"),
                None => problem.to_string(),
            }
        });
        Fatal(problems.collect())
    })?;

    if !options.quiet {
        let taxonomy = tagger.taxonomy();
        for warning in taxonomy.warnings() {
            eprintln!("warning: {warning}");
        }
        // A field the taxonomy does not declare is read only by rules that
        // name no fields; a typo here would quietly tag less.
        // (A taxonomy that declares no fields has no rules that name any.)
        let declared = |name: &str| taxonomy.fields().iter().any(|f| f.name() == name);
        let undeclared = options.fields.iter().filter(|f| !declared(&f.name));
        for field in undeclared.take_while(|_| !taxonomy.fields().is_empty()) {
            eprintln!(
                "warning: the taxonomy declares no ticket field {:?}, so only rules that name \
                 no fields read it",
                field.name
            );
        }
    }
    Ok(tagger)
}

fn open(input: &Input) -> Result<Box<dyn Read + Send>, Fatal> {
    match input {
        Input::Stdin => Ok(Box::new(io::stdin())),
        Input::Path(path) => match File::open(path) {
            Ok(file) => Ok(Box::new(file)),
            Err(error) => Err(Fatal::new(format!("cannot open {input}: {error}"))),
        },
    }
}

fn output_error(error: &io::Error) -> Fatal {
    Fatal::new(format!("cannot write the output: {error}"))
}
