//! Writing results: one JSON line, or one CSV row, per input record.

use serde::Serialize;
use ticket_tagger::{Category, Tags};

use crate::args::OutputFormat;
use crate::record::BadRecord;

/// A tagged ticket as a JSON line: its id, then the library's tags.
#[derive(Debug, Serialize)]
struct Tagged<'a> {
    id: &'a str,
    #[serde(flatten)]
    tags: &'a Tags<'a>,
}

/// A record that could not be tagged, as a JSON line.
#[derive(Debug, Serialize)]
struct Failed<'a> {
    line: u64,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
}

/// What became of one record: where its output ends in the batch's
/// buffer, and what the summary counts it as.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    pub end: usize,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Tagged; the index of its primary category in the taxonomy, if any.
    Tagged(Option<usize>),
    /// An error record, for the record on this line of the input.
    Bad { line: u64 },
}

/// The output of one batch, written in memory by a worker.
#[derive(Debug)]
pub struct Sink<'t> {
    categories: &'t [Category],
    format: OutputFormat,
    buffer: Vec<u8>,
    row: Vec<String>,
    outcomes: Vec<Outcome>,
}

impl<'t> Sink<'t> {
    pub fn new(format: OutputFormat, categories: &'t [Category], records: usize) -> Sink<'t> {
        let outcomes = Vec::with_capacity(records);
        Sink { categories, format, buffer: Vec::new(), row: Vec::new(), outcomes }
    }

    /// Writes a tagged ticket.
    pub fn tagged(&mut self, id: &str, tags: &Tags<'_>) {
        let primary = tags.primary.and_then(|p| self.categories.iter().position(|c| c.id() == p));
        match self.format {
            OutputFormat::Jsonl => self.json(&Tagged { id, tags }),
            OutputFormat::Csv => {
                self.start_row();
                self.row[0].push_str(id);
                self.row[1].push_str(tags.primary.unwrap_or_default());
                self.row[2].push_str(tags.work.unwrap_or_default());
                for tag in &tags.tags {
                    if let Some(i) = self.categories.iter().position(|c| c.id() == tag.category) {
                        self.row[3 + i] = tag.score.to_string();
                    }
                }
                self.end_row();
            }
        }
        self.outcomes.push(Outcome { end: self.buffer.len(), kind: Kind::Tagged(primary) });
    }

    /// Writes an error record in place of a record that could not be
    /// tagged.
    pub fn bad(&mut self, line: u64, bad: &BadRecord) {
        let id = bad.id.as_deref();
        match self.format {
            OutputFormat::Jsonl => self.json(&Failed { line, error: &bad.error, id }),
            OutputFormat::Csv => {
                self.start_row();
                self.row[0].push_str(id.unwrap_or_default());
                let error = self.row.last_mut().expect("a row has an error column");
                *error = format!("line {line}: {}", bad.error);
                self.end_row();
            }
        }
        self.outcomes.push(Outcome { end: self.buffer.len(), kind: Kind::Bad { line } });
    }

    /// The output, and what became of each record.
    pub fn finish(self) -> (Vec<u8>, Vec<Outcome>) {
        (self.buffer, self.outcomes)
    }

    fn json(&mut self, value: &impl Serialize) {
        serde_json::to_writer(&mut self.buffer, value).expect("serializing to memory never fails");
        self.buffer.push(b'\n');
    }

    fn start_row(&mut self) {
        self.row.resize_with(csv_columns(self.categories), String::new);
        self.row.iter_mut().for_each(String::clear);
    }

    fn end_row(&mut self) {
        write_csv_row(&mut self.buffer, &self.row);
    }
}

/// The header of the CSV output.
pub fn csv_header(categories: &[Category]) -> Vec<u8> {
    let mut header = vec!["id", "primary", "work"];
    header.extend(categories.iter().map(Category::id));
    header.push("error");
    let mut buffer = Vec::new();
    write_csv_row(&mut buffer, &header);
    buffer
}

/// id, primary, work, one column per category, error.
fn csv_columns(categories: &[Category]) -> usize {
    categories.len() + 4
}

fn write_csv_row(buffer: &mut Vec<u8>, row: &[impl AsRef<[u8]>]) {
    // A writer per row is cheap next to tagging, and keeps this simple:
    // the csv crate does the quoting.
    let mut writer = csv::WriterBuilder::new().buffer_capacity(1024).from_writer(buffer);
    writer.write_record(row).expect("writing to memory never fails");
    writer.flush().expect("writing to memory never fails");
}
