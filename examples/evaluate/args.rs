//! The command line, read by hand.

pub const HELP: &str = "\
Evaluates a taxonomy on labelled tickets: primary accuracy, per-category
precision, recall and F1, coverage, the confusion matrix of primary labels,
and how often each rule fires and how often it is right.

Usage: evaluate [OPTIONS] LABELLED.jsonl

Arguments:
  LABELLED.jsonl  One ticket per line: a JSON object with an id, text fields
                  and gold labels; `-` reads standard input

Options:
      --taxonomy PATH        The taxonomy to evaluate [default: the embedded one]
      --compare OTHER.toml   Evaluate OTHER.toml too, show both summaries side by
                             side and list the tickets whose primary changed
      --fields LIST          Comma-separated text fields of a ticket
                             [default: subject,body]
      --id KEY               The field holding the ticket id [default: id]
      --primary-field KEY    The gold primary category, `none` for a ticket that
                             fits no category [default: primary]
      --secondary-field KEY  The gold secondary categories, an array of strings;
                             an empty KEY means there are none [default: secondary]
      --filter KEY=VALUE     Only tickets whose top-level KEY equals VALUE, such as
                             sample=random; repeatable, all must hold
      --json                 Print one JSON document instead of tables
  -h, --help                 Print this help

Exit codes:
  0  evaluated
  1  the input has malformed lines (each reported on stderr as FILE:LINE: message),
     or no ticket was left to evaluate
  2  usage error, a taxonomy that does not load, or an input that cannot be read
";

/// What to evaluate, and how to read the input.
#[derive(Debug)]
pub struct Args {
    pub input: String,
    pub taxonomy: Option<String>,
    pub compare: Option<String>,
    pub fields: Vec<String>,
    pub id: String,
    pub primary: String,
    /// `None` when the input has no secondary labels.
    pub secondary: Option<String>,
    pub filters: Vec<(String, String)>,
    pub json: bool,
}

/// Reads the arguments; `Ok(None)` asks for the help text.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        input: String::new(),
        taxonomy: None,
        compare: None,
        fields: vec!["subject".to_string(), "body".to_string()],
        id: "id".to_string(),
        primary: "primary".to_string(),
        secondary: Some("secondary".to_string()),
        filters: Vec::new(),
        json: false,
    };
    let mut input = None;
    let mut options_done = false;

    while let Some(arg) = args.next() {
        if options_done || !arg.starts_with('-') || arg == "-" {
            if let Some(first) = &input {
                return Err(format!("expected one input file, got {first:?} and {arg:?}"));
            }
            input = Some(arg);
            continue;
        }
        // Options take their value as `--name VALUE` or `--name=VALUE`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--" => options_done = true,
            "-h" | "--help" => return Ok(None),
            "--json" if inline.is_none() => parsed.json = true,
            "--taxonomy" => parsed.taxonomy = Some(value()?),
            "--compare" => parsed.compare = Some(value()?),
            "--id" => parsed.id = non_empty(&name, value()?)?,
            "--primary-field" => parsed.primary = non_empty(&name, value()?)?,
            "--secondary-field" => parsed.secondary = Some(value()?).filter(|v| !v.is_empty()),
            "--fields" => {
                let list = value()?;
                parsed.fields = list.split(',').map(|f| f.trim().to_string()).collect();
                if parsed.fields.iter().any(String::is_empty) {
                    return Err(format!(
                        "--fields wants field names separated by commas, got {list:?}"
                    ));
                }
            }
            "--filter" => {
                let filter = value()?;
                let Some((key, wanted)) = filter.split_once('=') else {
                    return Err(format!("--filter wants KEY=VALUE, got {filter:?}"));
                };
                parsed.filters.push((key.to_string(), wanted.to_string()));
            }
            _ => return Err(format!("unknown option {arg:?}")),
        }
    }

    parsed.input = input.ok_or("missing the labelled input file")?;
    Ok(Some(parsed))
}

fn non_empty(name: &str, value: String) -> Result<String, String> {
    if value.is_empty() { Err(format!("{name} needs a non-empty value")) } else { Ok(value) }
}
