//! Turning one raw record into a ticket, or into the reasons it is bad.

use std::borrow::Cow;

use serde_json::{Map, Value};
use ticket_tagger::Ticket;

use crate::args::FieldMap;
use crate::input::Columns;

/// A record that cannot be tagged: what is wrong, and its id if that
/// could be read.
#[derive(Debug)]
pub struct BadRecord {
    pub error: String,
    pub id: Option<String>,
}

impl BadRecord {
    fn new(error: impl Into<String>) -> BadRecord {
        BadRecord { error: error.into(), id: None }
    }
}

/// Parses a line of JSON into an object.
pub fn parse_json(line: &[u8], id_field: &str) -> Result<Map<String, Value>, BadRecord> {
    let text = std::str::from_utf8(line).map_err(|e| {
        let mut bad = BadRecord::new(format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1));
        // The id may well be intact: bad bytes are usually in the text.
        let lossy = String::from_utf8_lossy(line);
        if let Ok(Value::Object(object)) = serde_json::from_str(&lossy) {
            let id = read_id(&object, id_field).ok();
            bad.id = id.filter(|id| !id.contains(char::REPLACEMENT_CHARACTER)).map(Cow::into_owned);
        }
        bad
    })?;
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => {
            Err(BadRecord::new(format!("expected a JSON object, found {}", kind_of(&other))))
        }
        Err(e) => {
            // serde_json says "... at line 1 column 9"; within one line, the
            // line is noise, and the record's line comes with the error.
            let message = e.to_string();
            let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
            Err(BadRecord::new(format!("invalid JSON at column {}: {message}", e.column())))
        }
    }
}

/// The id and the ticket of a JSON record; every problem at once if it
/// lacks one.
pub fn json_ticket<'r>(
    object: &'r Map<String, Value>,
    id_field: &str,
    fields: &'r [FieldMap],
) -> Result<(Cow<'r, str>, Ticket<'r>), BadRecord> {
    let mut problems = Vec::new();
    let id = read_id(object, id_field).map_err(|problem| problems.push(problem)).ok();

    let mut ticket = Ticket::new();
    for field in fields {
        match lookup(object, &field.source) {
            None => problems.push(format!("missing field {:?}", field.source)),
            Some(Value::String(text)) => ticket.push_field(&field.name, text),
            Some(other) => {
                let kind = kind_of(other);
                problems.push(format!("field {:?} is {kind}, not a string", field.source));
            }
        }
    }

    match id {
        Some(id) if problems.is_empty() => Ok((id, ticket)),
        id => Err(BadRecord { error: problems.join("; "), id: id.map(Cow::into_owned) }),
    }
}

/// The id and the ticket of a CSV row.
pub fn csv_ticket<'r>(
    row: &'r csv::ByteRecord,
    columns: &Columns,
    fields: &'r [FieldMap],
) -> Result<(&'r str, Ticket<'r>), BadRecord> {
    let text = |column: usize| {
        let bytes = row.get(column).unwrap_or_default();
        let name = &columns.names[column];
        std::str::from_utf8(bytes).map_err(|_| format!("invalid UTF-8 in column {name:?}"))
    };
    let id = text(columns.id);

    if row.len() != columns.count {
        let error =
            format!("expected {} columns, as in the header, found {}", columns.count, row.len());
        // A short row may still start with its id.
        let id = id.ok().filter(|_| columns.id < row.len()).map(str::to_string);
        return Err(BadRecord { error, id });
    }

    let mut problems = Vec::new();
    let mut ticket = Ticket::new();
    for (field, &column) in fields.iter().zip(&columns.fields) {
        match text(column) {
            Ok(text) => ticket.push_field(&field.name, text),
            Err(problem) => problems.push(problem),
        }
    }
    match id {
        Ok(id) if problems.is_empty() => Ok((id, ticket)),
        Ok(id) => Err(BadRecord { error: problems.join("; "), id: Some(id.to_string()) }),
        Err(problem) => {
            problems.insert(0, problem);
            Err(BadRecord { error: problems.join("; "), id: None })
        }
    }
}

/// The id of a JSON record, or what is wrong with it.
fn read_id<'r>(object: &'r Map<String, Value>, id_field: &str) -> Result<Cow<'r, str>, String> {
    match lookup(object, id_field) {
        None => Err(format!("missing field {id_field:?}")),
        Some(Value::String(id)) => Ok(Cow::Borrowed(id)),
        Some(Value::Number(id)) => Ok(Cow::Owned(id.to_string())),
        Some(other) => {
            Err(format!("field {id_field:?} is {}, not a string or a number", kind_of(other)))
        }
    }
}

/// The value of a field: `name` itself, or, if there is no such field and
/// `name` has dots, the path through nested objects. A null is no value.
fn lookup<'r>(object: &'r Map<String, Value>, name: &str) -> Option<&'r Value> {
    let value = object.get(name).or_else(|| {
        let mut path = name.split('.');
        let first = object.get(path.next()?)?;
        path.try_fold(first, |value, key| value.as_object()?.get(key))
    });
    value.filter(|v| !v.is_null())
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
