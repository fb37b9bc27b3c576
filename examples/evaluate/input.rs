//! Reading labelled tickets from JSON Lines, one line at a time.

use std::io::{self, BufRead};

use serde::Serialize;
use serde_json::{Map, Value};
use ticket_tagger::Ticket;

use crate::args::Args;

/// One labelled ticket, borrowing from its parsed line.
pub struct Record<'a> {
    pub id: String,
    pub primary: &'a str,
    pub secondary: Vec<&'a str>,
    pub ticket: Ticket<'a>,
}

/// How many lines of the input were what.
#[derive(Debug, Serialize)]
pub struct InputCounts {
    pub file: String,
    /// Lines that are not blank.
    pub records: usize,
    /// Records that `--filter` left out.
    pub filtered_out: usize,
    /// Records that could not be read, each reported on stderr.
    pub malformed: usize,
    pub evaluated: usize,
}

/// Reads `reader` line by line and hands each record that passes the
/// filters to `each`; reports malformed lines on stderr as `name:line:`.
///
/// Blank lines are skipped. Only one line is held at a time.
///
/// # Errors
///
/// When the input cannot be read; a malformed line is not an error here.
pub fn read(
    mut reader: impl BufRead,
    name: &str,
    args: &Args,
    mut each: impl FnMut(&Record<'_>),
) -> io::Result<InputCounts> {
    let mut counts = InputCounts {
        file: name.to_string(),
        records: 0,
        filtered_out: 0,
        malformed: 0,
        evaluated: 0,
    };
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(counts);
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        counts.records += 1;

        let parsed = serde_json::from_slice::<Value>(&line)
            .map_err(|e| format!("invalid JSON: {e}"))
            .and_then(|value| match value {
                Value::Object(object) => Ok(object),
                _ => Err("expected a JSON object".to_string()),
            });
        let record = parsed.as_ref().map_err(Clone::clone).and_then(|o| record(o, args));
        match record {
            Ok(Some(record)) => {
                counts.evaluated += 1;
                each(&record);
            }
            Ok(None) => counts.filtered_out += 1,
            Err(message) => {
                counts.malformed += 1;
                eprintln!("{name}:{number}: {message}");
            }
        }
    }
}

/// The record of one line, or `None` when a filter leaves it out.
fn record<'a>(
    object: &'a Map<String, Value>,
    args: &'a Args,
) -> Result<Option<Record<'a>>, String> {
    for (key, wanted) in &args.filters {
        if !object.get(key).is_some_and(|value| equals(value, wanted)) {
            return Ok(None);
        }
    }

    let id = match field(object, &args.id)? {
        Value::String(id) => id.clone(),
        Value::Number(id) => id.to_string(),
        _ => return Err(format!("field {:?} is not a string or a number", args.id)),
    };
    let primary = match field(object, &args.primary)? {
        Value::String(label) if !label.is_empty() => label.as_str(),
        _ => return Err(format!("field {:?} is not a category id", args.primary)),
    };
    let secondary = match &args.secondary {
        None => Vec::new(),
        Some(key) => match field(object, key)? {
            Value::Null => Vec::new(),
            Value::Array(labels) => labels
                .iter()
                .map(|label| label.as_str().ok_or_else(|| not_labels(key)))
                .collect::<Result<_, _>>()?,
            _ => return Err(not_labels(key)),
        },
    };

    // A missing text field is an error, so that a misspelt `--fields`
    // cannot quietly evaluate empty tickets; `null` is an empty field.
    let mut ticket = Ticket::new();
    for name in &args.fields {
        match field(object, name)? {
            Value::String(text) => ticket.push_field(name, text),
            Value::Null => {}
            _ => return Err(format!("field {name:?} is not a string")),
        }
    }
    Ok(Some(Record { id, primary, secondary, ticket }))
}

fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Result<&'a Value, String> {
    object.get(key).ok_or_else(|| format!("no field {key:?}"))
}

fn not_labels(key: &str) -> String {
    format!("field {key:?} is not an array of category ids")
}

/// Whether a field has the value a filter asks for: a string as it is,
/// anything else as JSON, so that `--filter reviewed=true` works too.
fn equals(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(s) => s == wanted,
        other => serde_json::from_str::<Value>(wanted).is_ok_and(|w| w == *other),
    }
}
