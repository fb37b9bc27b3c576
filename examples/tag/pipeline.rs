//! Tagging on every core while keeping the input's order.
//!
//! A reader thread splits the input into numbered batches; workers, each
//! with its own scanner of the one shared tagger, tag whole batches; the
//! calling thread writes the results in order, holding back batches that
//! finish early.
//!
//! Memory stays bounded however large the input: a batch must take a
//! permit before it is read, and gives it back only once it is written, so
//! at most a fixed number of batches exist at any time, whether being read,
//! tagged or waiting for their turn. Batches are small enough that all of
//! them together, input and output, stay near [`IN_FLIGHT_BYTES`].

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::thread;

use ticket_tagger::{Scanner, Tagger};

use crate::args::{FieldMap, OutputFormat};
use crate::input::{Batch, Columns, Records, Source};
use crate::output::{Kind, Outcome, Sink};
use crate::record;
use crate::report::{Progress, Stats};

/// About how many bytes of input and output the batches in flight may
/// hold together.
const IN_FLIGHT_BYTES: usize = 8 << 20;

/// The range of a batch's input size.
const BATCH_BYTES: std::ops::RangeInclusive<usize> = (16 << 10)..=(1 << 20);

/// What the workers need to know besides the tagger.
#[derive(Debug)]
pub struct Job<'a> {
    pub tagger: &'a Tagger,
    pub id: &'a str,
    pub fields: &'a [FieldMap],
    pub columns: Option<&'a Columns>,
    pub output: OutputFormat,
    pub explain: bool,
    pub strict: bool,
    pub threads: usize,
}

/// A batch's results, ready to write.
#[derive(Debug)]
struct Done {
    seq: u64,
    output: Vec<u8>,
    outcomes: Vec<Outcome>,
    input_end: u64,
}

/// How a run ended, short of an output error.
#[derive(Debug)]
pub struct Ended {
    pub stats: Stats,
    /// A read error, after which the records read before it were still
    /// tagged and written.
    pub read_error: Option<io::Error>,
}

/// Tags every record of `source` and writes the results to `out`.
///
/// # Errors
///
/// An error writing the output, which ends the run at once.
pub fn run(
    job: &Job<'_>,
    mut source: Source,
    out: &mut impl Write,
    progress: &mut Progress,
) -> io::Result<Ended> {
    // Enough batches that every worker has one queued behind the one it
    // tags, and the writer some slack to put them in order.
    let in_flight = 2 * job.threads + 2;
    let batch_size = BatchSize::new(in_flight);

    let (permit_tx, permit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        permit_tx.send(()).expect("the channel has room for every permit");
    }
    let (batch_tx, batch_rx) = sync_channel::<Batch>(in_flight);
    let batch_rx = Mutex::new(batch_rx);
    let (done_tx, done_rx) = channel::<thread::Result<Done>>();

    thread::scope(|scope| {
        let batch_size = &batch_size;
        let reader = scope.spawn(move || read(&mut source, batch_size, &permit_rx, &batch_tx));
        for _ in 0..job.threads {
            let done_tx = done_tx.clone();
            let batch_rx = &batch_rx;
            scope.spawn(move || work(job, batch_rx, &done_tx));
        }
        // The workers hold the only senders now, so the results end when
        // the last worker does.
        drop(done_tx);

        let stats = write(job, done_rx, permit_tx, batch_size, out, progress)?;
        let read_error = reader.join().unwrap_or_else(|panic| panic::resume_unwind(panic));
        Ok(Ended { stats, read_error: read_error.err() })
    })
}

/// Reads batches while permits last. Returns early, without error, when
/// the writer stops taking batches.
fn read(
    source: &mut Source,
    batch_size: &BatchSize,
    permits: &Receiver<()>,
    batches: &SyncSender<Batch>,
) -> io::Result<()> {
    for seq in 0.. {
        if permits.recv().is_err() {
            return Ok(());
        }
        let (records, error) = match source.read_batch(batch_size.get()) {
            Ok(records) => (records, None),
            Err((records, error)) => (records, Some(error)),
        };
        let at_end = records.is_empty();
        let input_end = source.bytes_read();
        if !at_end && batches.send(Batch { seq, records, input_end }).is_err() {
            return Ok(());
        }
        if let Some(error) = error {
            return Err(error);
        }
        if at_end {
            break;
        }
    }
    Ok(())
}

/// Tags batches until there are no more, or no one to take the results.
///
/// A panic goes to the writer as the batch's result: left on this thread,
/// it would leave the writer waiting for that batch forever.
fn work(job: &Job<'_>, batches: &Mutex<Receiver<Batch>>, done: &Sender<thread::Result<Done>>) {
    let mut scanner = job.tagger.scanner();
    scanner.explain(job.explain);
    loop {
        let batch = batches.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(batch) = batch else { return };
        let result = panic::catch_unwind(AssertUnwindSafe(|| tag_batch(job, &mut scanner, batch)));
        let panicked = result.is_err();
        if done.send(result).is_err() || panicked {
            return;
        }
    }
}

fn tag_batch(job: &Job<'_>, scanner: &mut Scanner<'_>, batch: Batch) -> Done {
    let categories = job.tagger.taxonomy().categories();
    let mut sink = Sink::new(job.output, categories, batch.records.len());
    match &batch.records {
        Records::Json { data, lines } => {
            for (line, range) in lines {
                match record::parse_json(&data[range.clone()], job.id) {
                    Ok(object) => match record::json_ticket(&object, job.id, job.fields) {
                        Ok((id, ticket)) => sink.tagged(&id, &scanner.tag(&ticket)),
                        Err(bad) => sink.bad(*line, &bad),
                    },
                    Err(bad) => sink.bad(*line, &bad),
                }
            }
        }
        Records::Csv(rows) => {
            let columns = job.columns.expect("CSV with rows has a header");
            for (line, row) in rows {
                match record::csv_ticket(row, columns, job.fields) {
                    Ok((id, ticket)) => sink.tagged(id, &scanner.tag(&ticket)),
                    Err(bad) => sink.bad(*line, &bad),
                }
            }
        }
    }
    let (output, outcomes) = sink.finish();
    Done { seq: batch.seq, output, outcomes, input_end: batch.input_end }
}

/// Writes the batches in order of their numbers, counting what they hold.
/// With `--strict`, stops after the first error record.
fn write(
    job: &Job<'_>,
    done: Receiver<thread::Result<Done>>,
    permits: SyncSender<()>,
    batch_size: &BatchSize,
    out: &mut impl Write,
    progress: &mut Progress,
) -> io::Result<Stats> {
    let mut stats = Stats::new(job.tagger.taxonomy().categories().len());
    let mut waiting = BTreeMap::new();
    let mut next = 0;
    let mut output_bytes = 0;
    for batch in done {
        let batch = batch.unwrap_or_else(|panic| panic::resume_unwind(panic));
        waiting.insert(batch.seq, batch);
        while let Some(batch) = waiting.remove(&next) {
            next += 1;
            let mut end = batch.output.len();
            for outcome in &batch.outcomes {
                stats.count(outcome.kind);
                if job.strict && matches!(outcome.kind, Kind::Bad { .. }) {
                    end = outcome.end;
                    stats.stopped = true;
                    break;
                }
            }
            out.write_all(&batch.output[..end])?;
            stats.input_bytes = batch.input_end;
            output_bytes += batch.output.len() as u64;
            batch_size.adapt(stats.input_bytes, output_bytes);
            progress.update(&stats);
            if stats.stopped {
                return Ok(stats);
            }
            // The reader may have finished; then there is no one to tell.
            let _ = permits.send(());
        }
    }
    Ok(stats)
}

/// How much input the reader puts in a batch.
///
/// A batch's output may be several times its input (long evidence lists,
/// suppressed hits) or a fraction of it (long tickets with few hits), so
/// the writer tells the ratio it sees, and the size follows.
#[derive(Debug)]
struct BatchSize {
    /// The share of [`IN_FLIGHT_BYTES`] of each batch, input and output.
    share: usize,
    input: AtomicUsize,
}

impl BatchSize {
    fn new(in_flight: usize) -> BatchSize {
        let share = IN_FLIGHT_BYTES / in_flight;
        // Every permit's batch is read before the first is written, so
        // start as if output were three times the input, as it is with
        // `--explain` and many hits, and grow once the real ratio is known.
        let size = BatchSize { share, input: AtomicUsize::new(0) };
        size.adapt(1, 3);
        size
    }

    fn get(&self) -> usize {
        self.input.load(Ordering::Relaxed)
    }

    /// Sizes the next batches after the output written so far.
    fn adapt(&self, input_bytes: u64, output_bytes: u64) {
        let ratio = output_bytes as f64 / input_bytes.max(1) as f64;
        let input = (self.share as f64 / (1.0 + ratio)) as usize;
        let input = input.clamp(*BATCH_BYTES.start(), *BATCH_BYTES.end());
        self.input.store(input, Ordering::Relaxed);
    }
}
