//! Command-line options, parsed by hand: the example keeps its
//! dependencies to what the library's users already have.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

pub const USAGE: &str = "Usage: tag [OPTIONS] INPUT";

pub const HELP: &str = "\
tag: tag support tickets with failure categories, scores and evidence

Usage: tag [OPTIONS] INPUT

Reads tickets from INPUT, a CSV or JSON Lines file (- for standard input),
and writes one JSON line per ticket to standard output, in input order.

Input:
  INPUT                 A .csv, .jsonl, .ndjson or .json file, or - for stdin
      --format FORMAT   Read INPUT as csv or jsonl, whatever its extension
                        (needed for stdin and for other extensions)
      --id FIELD        The field that holds the ticket id [default: id]
      --fields LIST     The text fields to tag, separated by commas
                        [default: subject,body]. In JSON, a.b is field b of
                        the object in field a; in CSV, a field is a column.
                        NAME=SOURCE reads SOURCE as the ticket field NAME,
                        as in body=description, for the taxonomy's rules
                        and weights of NAME to apply

Tagging:
      --taxonomy PATH   The taxonomy file [default: the embedded taxonomy]
      --explain         Also list the hits that did not count, and why
                        (JSON output only)
      --threads N       Tag on N threads [default: one per core]

Output:
      --output FORMAT   jsonl, or csv for spreadsheets: id, primary, work,
                        one score column per category, error [default: jsonl]
      --keep-going      Exit with status 0 even if some records were bad
      --strict          Stop at the first bad record, after its error record
  -q, --quiet           Print no progress, summary or taxonomy warnings
  -h, --help            Print this help

Every input record gets one output record, in order. A bad record (malformed
JSON, a CSV row with the wrong number of columns, invalid UTF-8, a missing id
or text field) gets an error record in its place, with its line in INPUT:
  {\"line\":7,\"error\":\"missing field \\\"body\\\"\",\"id\":\"T-1007\"}
A field that is null counts as missing; an empty string is present.

A summary goes to stderr at the end: records, primary categories, errors and
speed; while tagging, a progress line too if stderr is a terminal.

Exit status:
  0  every record was tagged, or --keep-going was given
  1  some records were bad (each has an error record in the output)
  2  a usage error, a taxonomy error, or INPUT or the output failed
";

/// How the input is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Jsonl,
}

/// How the results are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Jsonl,
    Csv,
}

/// Where the tickets come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("standard input"),
            Input::Path(path) => write!(f, "{:?}", path.display().to_string()),
        }
    }
}

/// A ticket field to tag: its name in the ticket, which the taxonomy's
/// rules and the evidence use, and where the input record keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldMap {
    pub name: String,
    pub source: String,
}

/// Everything the command line asks for.
#[derive(Debug)]
pub struct Options {
    pub input: Input,
    pub format: InputFormat,
    pub id: String,
    pub fields: Vec<FieldMap>,
    pub taxonomy: Option<PathBuf>,
    pub output: OutputFormat,
    pub explain: bool,
    pub keep_going: bool,
    pub strict: bool,
    pub threads: usize,
    pub quiet: bool,
}

/// What the command line asks for: a run, or the help text.
#[derive(Debug)]
pub enum Command {
    Run(Options),
    Help,
}

/// A command line that cannot run; the message says what is wrong.
#[derive(Debug)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn usage(message: impl Into<String>) -> UsageError {
    UsageError(message.into())
}

/// Parses the arguments that follow the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let mut args = args.into_iter();
    let mut input: Option<OsString> = None;
    let mut format = None;
    let mut id = "id".to_string();
    let mut fields = "subject,body".to_string();
    let mut taxonomy = None;
    let mut output = OutputFormat::Jsonl;
    let (mut explain, mut keep_going, mut strict, mut quiet) = (false, false, false, false);
    let mut threads = None;
    let mut options_done = false;

    while let Some(arg) = args.next() {
        // Anything that is not an option is INPUT, including `-` and paths
        // that are not UTF-8.
        let option = arg.to_str().filter(|a| !options_done && a.starts_with('-') && *a != "-");
        let Some(option) = option else {
            if input.replace(arg).is_some() {
                return Err(usage("more than one INPUT; give one file, or - for stdin"));
            }
            continue;
        };
        if option == "--" {
            options_done = true;
            continue;
        }

        let (name, inline) = match option.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value)),
            _ => (option, None),
        };
        let mut value = || value_of(name, inline, &mut args);
        match name {
            "-h" | "--help" => return Ok(Command::Help),
            "--format" => format = Some(input_format(&value()?)?),
            "--id" => id = value()?,
            "--fields" => fields = value()?,
            "--taxonomy" => taxonomy = Some(PathBuf::from(value()?)),
            "--output" => output = output_format(&value()?)?,
            "--threads" => threads = Some(thread_count(&value()?)?),
            "--explain" => explain = flag(name, inline)?,
            "--keep-going" => keep_going = flag(name, inline)?,
            "--strict" => strict = flag(name, inline)?,
            "-q" | "--quiet" => quiet = flag(name, inline)?,
            _ => return Err(usage(format!("unknown option {name}"))),
        }
    }

    let input = match input {
        None => return Err(usage("missing INPUT; give a file, or - for stdin")),
        Some(arg) if arg == "-" => Input::Stdin,
        Some(arg) => Input::Path(PathBuf::from(arg)),
    };
    let format = match format {
        Some(format) => format,
        None => format_of(&input)?,
    };
    if id.is_empty() {
        return Err(usage("--id needs a field name"));
    }
    if strict && keep_going {
        return Err(usage("--strict and --keep-going contradict each other; give one"));
    }
    if explain && output == OutputFormat::Csv {
        return Err(usage("--explain needs JSON output; CSV has no place for the suppressed hits"));
    }
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });

    Ok(Command::Run(Options {
        input,
        format,
        id,
        fields: field_maps(&fields)?,
        taxonomy,
        output,
        explain,
        keep_going,
        strict,
        threads,
        quiet,
    }))
}

/// The value of an option, written as `--name=value` or `--name value`.
fn value_of(
    name: &str,
    inline: Option<&str>,
    rest: &mut impl Iterator<Item = OsString>,
) -> Result<String, UsageError> {
    if let Some(value) = inline {
        return Ok(value.to_string());
    }
    let value = rest.next().ok_or_else(|| usage(format!("{name} needs a value")))?;
    value.into_string().map_err(|_| usage(format!("the value of {name} is not valid UTF-8")))
}

fn flag(name: &str, inline: Option<&str>) -> Result<bool, UsageError> {
    match inline {
        None => Ok(true),
        Some(_) => Err(usage(format!("{name} takes no value"))),
    }
}

fn input_format(value: &str) -> Result<InputFormat, UsageError> {
    match value {
        "csv" => Ok(InputFormat::Csv),
        "jsonl" => Ok(InputFormat::Jsonl),
        _ => Err(usage(format!("unknown input format {value:?}; expected csv or jsonl"))),
    }
}

fn output_format(value: &str) -> Result<OutputFormat, UsageError> {
    match value {
        "jsonl" => Ok(OutputFormat::Jsonl),
        "csv" => Ok(OutputFormat::Csv),
        _ => Err(usage(format!("unknown output format {value:?}; expected jsonl or csv"))),
    }
}

fn thread_count(value: &str) -> Result<usize, UsageError> {
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(usage(format!("--threads needs a whole number above 0, not {value:?}"))),
    }
}

/// The input format that the extension of INPUT implies.
fn format_of(input: &Input) -> Result<InputFormat, UsageError> {
    let hint = "; give --format csv or --format jsonl";
    let Input::Path(path) = input else {
        return Err(usage(format!("cannot tell the format of standard input{hint}")));
    };
    let extension = Path::new(path).extension().and_then(OsStr::to_str).map(str::to_lowercase);
    match extension.as_deref() {
        Some("csv") => Ok(InputFormat::Csv),
        Some("jsonl" | "ndjson" | "json") => Ok(InputFormat::Jsonl),
        _ => Err(usage(format!("cannot tell the format of {input} from its extension{hint}"))),
    }
}

/// Reads `--fields`: names separated by commas, each either `NAME` or
/// `NAME=SOURCE`.
fn field_maps(list: &str) -> Result<Vec<FieldMap>, UsageError> {
    let mut maps: Vec<FieldMap> = Vec::new();
    for entry in list.split(',').map(str::trim) {
        let (name, source) = entry.split_once('=').unwrap_or((entry, entry));
        let (name, source) = (name.trim(), source.trim());
        if name.is_empty() || source.is_empty() {
            return Err(usage(format!("--fields has an empty field name in {list:?}")));
        }
        if maps.iter().any(|m| m.name == name) {
            return Err(usage(format!("--fields names the ticket field {name:?} twice")));
        }
        maps.push(FieldMap { name: name.to_string(), source: source.to_string() });
    }
    Ok(maps)
}
