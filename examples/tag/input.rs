//! Reading the input in batches of raw records.
//!
//! The reader thread only splits the input into records: lines of JSON, or
//! rows of CSV as bytes. Decoding UTF-8, parsing JSON and finding the
//! fields happen on the workers (see `record.rs`), so that a bad byte or a
//! bad line becomes an error record instead of ending the stream.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::Range;

use crate::args::{FieldMap, InputFormat};

/// At most this many records go into one batch.
///
/// FIXME(a CSV reader that can skip a row without holding it, such as
/// csv-core used directly): a single record is held whole, however long, so
/// a multi-gigabyte line needs that much memory. A limit on record length
/// would turn it into an error record instead.
const BATCH_RECORDS: usize = 1024;

const READ_BUFFER: usize = 64 * 1024;

/// Consecutive records of the input, numbered so that the writer can put
/// the workers' results back in order.
#[derive(Debug)]
pub struct Batch {
    pub seq: u64,
    pub records: Records,
    /// How many bytes of the input were read up to the end of this batch.
    pub input_end: u64,
}

/// The raw records of a batch.
#[derive(Debug)]
pub enum Records {
    /// Lines of JSON, all in one buffer: (line number, byte range).
    Json { data: Vec<u8>, lines: Vec<(u64, Range<usize>)> },
    /// Rows of CSV with the line each starts on.
    Csv(Vec<(u64, csv::ByteRecord)>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::Json { lines, .. } => lines.len(),
            Records::Csv(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where each mapped field is in a CSV row.
#[derive(Debug)]
pub struct Columns {
    /// How many columns the header has, which every row must have too.
    pub count: usize,
    /// The header's column names, for messages.
    pub names: Vec<String>,
    pub id: usize,
    /// One column per `--fields` entry, in the same order.
    pub fields: Vec<usize>,
}

/// The input, split into batches of records.
pub enum Source {
    Json { reader: BufReader<Box<dyn Read + Send>>, line: u64, bytes: u64 },
    Csv { reader: csv::Reader<Tap> },
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Json { line, .. } => write!(f, "Source::Json {{ line: {line} }}"),
            Source::Csv { .. } => f.write_str("Source::Csv"),
        }
    }
}

/// A CSV header that lacks a column the command line names.
#[derive(Debug)]
pub enum HeaderError {
    Io(io::Error),
    MissingColumn { column: String, header: Vec<String> },
}

impl Source {
    /// Opens the input. For CSV, this reads the header and finds the
    /// columns of the id and the fields; an empty input has no columns and
    /// no records.
    pub fn new(
        format: InputFormat,
        input: Box<dyn Read + Send>,
        id: &str,
        fields: &[FieldMap],
    ) -> Result<(Source, Option<Columns>), HeaderError> {
        if format == InputFormat::Jsonl {
            let reader = BufReader::with_capacity(READ_BUFFER, input);
            return Ok((Source::Json { reader, line: 0, bytes: 0 }, None));
        }

        let tap = Tap { input, chunk: Vec::new(), start: 0 };
        let mut reader =
            csv::ReaderBuilder::new().flexible(true).buffer_capacity(READ_BUFFER).from_reader(tap);
        let header = reader.byte_headers().map_err(|e| HeaderError::Io(csv_to_io(e)))?;
        if header.is_empty() {
            return Ok((Source::Csv { reader }, None));
        }
        let names: Vec<String> =
            header.iter().map(|name| String::from_utf8_lossy(name).into_owned()).collect();
        let find = |column: &str| {
            names.iter().position(|name| name == column).ok_or_else(|| HeaderError::MissingColumn {
                column: column.to_string(),
                header: names.clone(),
            })
        };
        let columns = Columns {
            count: names.len(),
            id: find(id)?,
            fields: fields.iter().map(|f| find(&f.source)).collect::<Result<_, _>>()?,
            names,
        };
        Ok((Source::Csv { reader }, Some(columns)))
    }

    /// Reads the next batch: up to [`BATCH_RECORDS`] records, fewer if
    /// they pass `max_bytes`. Empty at the end of the input.
    ///
    /// # Errors
    ///
    /// A read error, together with the records read before it, so that
    /// they are not lost.
    pub fn read_batch(&mut self, max_bytes: usize) -> Result<Records, (Records, io::Error)> {
        match self {
            Source::Json { reader, line, bytes } => read_json(reader, line, bytes, max_bytes),
            Source::Csv { reader } => read_csv(reader, max_bytes),
        }
    }

    /// How many bytes of the input have been read.
    pub fn bytes_read(&self) -> u64 {
        match self {
            Source::Json { bytes, .. } => *bytes,
            Source::Csv { reader } => reader.position().byte(),
        }
    }
}

fn read_json(
    reader: &mut impl BufRead,
    line: &mut u64,
    bytes: &mut u64,
    max_bytes: usize,
) -> Result<Records, (Records, io::Error)> {
    let mut data = Vec::new();
    let mut lines = Vec::new();
    while lines.len() < BATCH_RECORDS && data.len() < max_bytes {
        let start = data.len();
        match reader.read_until(b'\n', &mut data) {
            Ok(0) => break,
            Ok(n) => {
                *line += 1;
                *bytes += n as u64;
            }
            Err(error) => {
                data.truncate(start);
                return Err((Records::Json { data, lines }, error));
            }
        }
        // A byte order mark is not part of the first record.
        if *line == 1 && data.starts_with(b"\xEF\xBB\xBF") {
            data.drain(..3);
        }
        // Blank lines are not records.
        if data[start..].iter().all(u8::is_ascii_whitespace) {
            data.truncate(start);
            continue;
        }
        lines.push((*line, start..data.len()));
    }
    Ok(Records::Json { data, lines })
}

fn read_csv(
    reader: &mut csv::Reader<Tap>,
    max_bytes: usize,
) -> Result<Records, (Records, io::Error)> {
    let mut rows = Vec::new();
    let mut size = 0;
    while rows.len() < BATCH_RECORDS && size < max_bytes {
        let mut row = csv::ByteRecord::new();
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => return Err((Records::Csv(rows), csv_to_io(error))),
        }
        // The csv crate's position of a row is where the line ending of the
        // row before it starts: blank lines in between, and the `\n` of a
        // `\r\n`, are not counted yet. Where the reader stopped is exact:
        // just past the row's line ending, `\r` or `\n`. So step back over
        // that ending if it was a `\n`, then over the newlines inside the
        // row's quoted fields, to the line the row starts on.
        let position = reader.position();
        let ended_line = reader.get_ref().ends_line(position);
        let newlines = row.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
        let line = position.line() - u64::from(ended_line) - newlines;
        size += row.as_slice().len() + row.len();
        rows.push((line, row));
    }
    Ok(Records::Csv(rows))
}

/// The csv crate's errors while reading bytes are I/O errors: with
/// `flexible`, a row of a different length is not an error, and bytes are
/// not decoded.
fn csv_to_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The input of the CSV reader, which keeps a copy of the last chunk it
/// read: the csv crate does not tell which byte ended a row.
pub struct Tap {
    input: Box<dyn Read + Send>,
    chunk: Vec<u8>,
    /// Where `chunk` starts in the input.
    start: u64,
}

impl Tap {
    /// Whether the byte just before `position` is a `\n`.
    ///
    /// The csv crate's reader refills its buffer only once it has used up
    /// every byte of the last chunk, so the byte that ended the row it just
    /// returned is always in that chunk.
    fn ends_line(&self, position: &csv::Position) -> bool {
        let at = position.byte().checked_sub(self.start + 1);
        at.and_then(|at| self.chunk.get(at as usize)) == Some(&b'\n')
    }
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        if n > 0 {
            self.start += self.chunk.len() as u64;
            self.chunk.clear();
            self.chunk.extend_from_slice(&buf[..n]);
        }
        Ok(n)
    }
}

impl fmt::Debug for Tap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tap").field("start", &self.start).finish_non_exhaustive()
    }
}
