//! What goes to stderr: a progress line while tagging, and a summary.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::time::{Duration, Instant};

use ticket_tagger::Taxonomy;

use crate::output::Kind;

/// Counts of what was written.
#[derive(Debug)]
pub struct Stats {
    pub records: u64,
    /// Records by primary category, in taxonomy order.
    pub primary: Vec<u64>,
    pub untagged: u64,
    pub bad: u64,
    pub first_bad_line: Option<u64>,
    /// How much of the input the written records span.
    pub input_bytes: u64,
    /// Whether `--strict` stopped the run at a bad record.
    pub stopped: bool,
}

impl Stats {
    pub fn new(categories: usize) -> Stats {
        Stats {
            records: 0,
            primary: vec![0; categories],
            untagged: 0,
            bad: 0,
            first_bad_line: None,
            input_bytes: 0,
            stopped: false,
        }
    }

    pub fn count(&mut self, kind: Kind) {
        self.records += 1;
        match kind {
            Kind::Tagged(Some(category)) => self.primary[category] += 1,
            Kind::Tagged(None) => self.untagged += 1,
            Kind::Bad { line } => {
                self.bad += 1;
                self.first_bad_line.get_or_insert(line);
            }
        }
    }
}

/// The progress line: shown only on a terminal, and only when the output
/// is not on that terminal too, where it would garble the records.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    start: Instant,
    last: Instant,
    shown: bool,
}

/// How often the progress line may change.
const REFRESH: Duration = Duration::from_millis(250);

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let enabled = !quiet && std::io::stderr().is_terminal() && !std::io::stdout().is_terminal();
        let now = Instant::now();
        Progress { enabled, start: now, last: now, shown: false }
    }

    pub fn update(&mut self, stats: &Stats) {
        if !self.enabled || self.last.elapsed() < REFRESH {
            return;
        }
        self.last = Instant::now();
        let rate = per_second(stats.records as f64, self.start.elapsed());
        let mut stderr = std::io::stderr().lock();
        // `\r` and "erase to end of line" redraw the line in place.
        let _ = write!(stderr, "\r\x1b[K{} records, {} records/s", grouped(stats.records), rate);
        let _ = stderr.flush();
        self.shown = true;
    }

    /// Erases the progress line, so the summary starts on a clean line.
    pub fn clear(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
            self.shown = false;
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// The closing summary, several lines ending with a newline.
pub fn summary(stats: &Stats, elapsed: Duration, taxonomy: &Taxonomy, threads: usize) -> String {
    let seconds = elapsed.as_secs_f64();
    let mb = stats.input_bytes as f64 / 1e6;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "tag: {} records in {seconds:.2} s ({} records/s, {:.1} MB/s on {threads} thread{})",
        grouped(stats.records),
        per_second(stats.records as f64, elapsed),
        mb / seconds.max(1e-9),
        if threads == 1 { "" } else { "s" },
    );

    let width = taxonomy.categories().iter().map(|c| c.id().len()).max().unwrap_or(0).max(16);
    let share = |n: u64| n as f64 * 100.0 / stats.records.max(1) as f64;
    let _ = writeln!(out, "{:<width$}  {:>9}", "primary category", "records");
    for (category, &n) in taxonomy.categories().iter().zip(&stats.primary) {
        let _ = writeln!(out, "  {:<width$}{:>9} {:>5.1}%", category.id(), grouped(n), share(n));
    }
    let _ = writeln!(
        out,
        "  {:<width$}{:>9} {:>5.1}%",
        "untagged",
        grouped(stats.untagged),
        share(stats.untagged)
    );
    let _ =
        writeln!(out, "  {:<width$}{:>9} {:>5.1}%", "errors", grouped(stats.bad), share(stats.bad));

    if let Some(line) = stats.first_bad_line {
        let _ = writeln!(
            out,
            "{} bad record{}, the first on line {line}: see the error records in the output",
            grouped(stats.bad),
            if stats.bad == 1 { "" } else { "s" },
        );
    }
    if stats.stopped {
        let _ = writeln!(out, "stopped at the first bad record (--strict)");
    }
    let _ = writeln!(out, "taxonomy {}, hash {}", taxonomy.version(), taxonomy.hash());
    out
}

fn per_second(count: f64, elapsed: Duration) -> String {
    grouped((count / elapsed.as_secs_f64().max(1e-9)).round() as u64)
}

/// A count with thousands separated, as in 1,234,567.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
