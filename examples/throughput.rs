//! Measures the tagger's throughput against the one-pass floor.
//!
//! ```text
//! cargo run --release --example throughput -- [--mb 100] [--runs 5] [--json]
//!     [--taxonomy PATH] [--threads N] [--naive-mb 10] [--seed N]
//!     [--corpus PATH.jsonl] [--breakdown] [--only N] [--write-jsonl PATH]
//! ```
//!
//! It generates a deterministic corpus of AI-product support tickets (or
//! reads one with `--corpus`, repeated up to `--mb`), then runs, in rounds
//! that take turns so that a noisy moment hurts every contender alike:
//!
//! 1. the floor: one Aho-Corasick pass over every field with every literal
//!    of the taxonomy, counting matches and nothing else;
//! 2. the tagger with its full semantics on one thread, one reused scanner;
//! 3. a naive baseline: one regex per rule, on a prefix of the corpus;
//! 4. the tagger on every core, one scanner per thread.
//!
//! It reports the median of the rounds, the ratios the issue asks about,
//! taxonomy compile time, allocations per ticket, peak memory, and how busy
//! the machine was meanwhile. `--breakdown` adds rows that split the
//! tagger's time into its passes, emulated from outside the crate, and the
//! floor with a DFA and on every core. `--only N` runs contender `N` of the
//! table alone and prints its time: for a profiler, or to compare two
//! builds. `--write-jsonl PATH` writes the corpus as JSON Lines for the
//! `tag` example instead, and exits.

#[path = "throughput/contenders.rs"]
mod contenders;
#[path = "throughput/corpus.rs"]
mod corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::error::Error;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ticket_tagger::Tagger;

use crate::contenders::{Floor, Naive, Passes};
use crate::corpus::{Corpus, Mix};

/// Counts heap allocations while [`COUNTING`] is on, so the harness can
/// tell how many a ticket costs. Off, it costs one uncontended load.
struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

#[derive(Debug)]
struct Options {
    mb: f64,
    runs: usize,
    json: bool,
    taxonomy: Option<String>,
    threads: usize,
    naive_mb: f64,
    seed: u64,
    corpus: Option<String>,
    breakdown: bool,
    only: Option<usize>,
    write_jsonl: Option<String>,
}

fn options() -> Result<Options, Box<dyn Error>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut options = Options {
        mb: 100.0,
        runs: 5,
        json: false,
        taxonomy: None,
        threads,
        naive_mb: 10.0,
        seed: 1,
        corpus: None,
        breakdown: false,
        only: None,
        write_jsonl: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--mb" => options.mb = value()?.parse()?,
            "--runs" => options.runs = value()?.parse::<usize>()?.max(1),
            "--json" => options.json = true,
            "--taxonomy" => options.taxonomy = Some(value()?),
            "--threads" => options.threads = value()?.parse::<usize>()?.max(1),
            "--naive-mb" => options.naive_mb = value()?.parse()?,
            "--seed" => options.seed = value()?.parse()?,
            "--corpus" => options.corpus = Some(value()?),
            "--breakdown" => options.breakdown = true,
            "--only" => options.only = Some(value()?.parse()?),
            "--write-jsonl" => options.write_jsonl = Some(value()?),
            "-h" | "--help" => {
                let usage = "usage: throughput [--mb 100] [--runs 5] [--json] [--taxonomy PATH] \
                    [--threads N] [--naive-mb 10] [--seed N] [--corpus PATH.jsonl] \
                    [--breakdown] [--only N] [--write-jsonl PATH]";
                println!("{usage}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    Ok(options)
}

/// One contender's timings, in rounds, over `bytes` bytes of `tickets`.
struct Timing {
    name: String,
    bytes: usize,
    tickets: usize,
    rounds: Vec<Duration>,
}

impl Timing {
    fn median(&self) -> f64 {
        median(self.rounds.iter().map(Duration::as_secs_f64).collect())
    }

    fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.median()
    }

    fn tickets_per_s(&self) -> f64 {
        self.tickets as f64 / self.median()
    }
}

/// No rounds yet over the tickets in `range`.
fn timing_of(corpus: &Corpus, range: &Range<usize>) -> Timing {
    Timing {
        name: String::new(),
        bytes: corpus.bytes_of(range.clone()),
        tickets: range.len(),
        rounds: Vec::new(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = options()?;

    let source = match &options.taxonomy {
        Some(path) => std::fs::read_to_string(path)?,
        None => Tagger::embedded_source().to_string(),
    };
    let compile_ms = median(
        (0..11)
            .map(|_| {
                let started = Instant::now();
                let tagger = Tagger::from_toml(&source);
                let elapsed = started.elapsed().as_secs_f64() * 1e3;
                drop(tagger);
                elapsed
            })
            .collect(),
    );
    let tagger = Tagger::from_toml(&source)?;
    let taxonomy_name = options.taxonomy.as_deref().unwrap_or("embedded");
    let literals = contenders::literals(&tagger);
    let peak_after_compile = peak_rss_kb();

    let mut keywords: Vec<String> =
        tagger.taxonomy().rules().iter().flat_map(|r| r.keywords().iter().cloned()).collect();
    keywords.sort();
    keywords.dedup();
    let bytes = (options.mb * 1e6) as usize;
    let started = Instant::now();
    let corpus = match &options.corpus {
        Some(path) => {
            let file = std::io::BufReader::new(std::fs::File::open(path)?);
            Corpus::from_jsonl(file, bytes)?
        }
        None => Corpus::generate(options.seed, bytes, &keywords, &Mix::default()),
    };
    let corpus_s = started.elapsed().as_secs_f64();

    if let Some(path) = &options.write_jsonl {
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        corpus.write_jsonl(file)?;
        eprintln!(
            "wrote {} tickets, {:.1} MB of text, to {path}",
            corpus.len(),
            mb(corpus.bytes())
        );
        return Ok(());
    }

    let floor = Floor::new(&literals, false);
    let floor_dfa = Floor::new(&literals, true);
    let naive = Naive::new(&tagger);
    let mut passes = Passes::new(&tagger, &literals, &source);
    let mut scanner = tagger.scanner();
    let everything = 0..corpus.len();
    let naive_range = corpus.prefix((options.naive_mb * 1e6) as usize);

    let timing = |name: &str, range: &Range<usize>| Timing {
        name: name.to_string(),
        ..timing_of(&corpus, range)
    };
    let naive_name = if naive_range.end < corpus.len() {
        format!("naive: regex per rule (first {:.0} MB)", mb(corpus.bytes_of(naive_range.clone())))
    } else {
        "naive: regex per rule".to_string()
    };
    let mut timings = vec![
        timing("floor: one aho-corasick pass", &everything),
        timing("tagger, 1 thread", &everything),
        timing(&naive_name, &naive_range),
        timing(&format!("tagger, {} threads", options.threads), &everything),
    ];
    if options.breakdown {
        timings.push(timing("  pass: lowercase + literal automaton", &everything));
        timings.push(timing("  pass: pattern pre-filter sets", &everything));
        timings.push(timing("  floor with a DFA automaton", &everything));
        timings.push(timing(&format!("  floor, {} threads", options.threads), &everything));
    }

    let mut run = |contender: usize| match contender {
        0 => floor.run(&corpus, everything.clone()),
        1 => contenders::tag(&mut scanner, &corpus, everything.clone()),
        2 => naive.run(&corpus, naive_range.clone()),
        3 => contenders::tag_threads(&tagger, &corpus, options.threads),
        4 => passes.fold_and_scan(&corpus, everything.clone()),
        5 => passes.prefilter(&corpus, everything.clone()),
        6 => floor_dfa.run(&corpus, everything.clone()),
        _ => floor.run_threads(&corpus, options.threads),
    };

    if let Some(only) = options.only {
        // For a profiler or an A/B comparison of two builds: one contender
        // alone, numbered as in the table, without the statistics.
        let index = only.clamp(1, 8) - 1;
        let mut timing = timing(&format!("contender {only}"), &everything);
        if index == 2 {
            timing = Timing { name: naive_name.clone(), ..timing_of(&corpus, &naive_range) };
        }
        let mut found = 0;
        for _ in 0..options.runs {
            let started = Instant::now();
            found = run(index);
            timing.rounds.push(started.elapsed());
        }
        println!(
            "{}: median {:.3} s, {:.1} MB/s, {:.0} tickets/s (checksum {found})",
            timing.name,
            timing.median(),
            timing.mb_per_s(),
            timing.tickets_per_s()
        );
        return Ok(());
    }

    let mut checksums = vec![0u64; timings.len()];
    let machine_before = Machine::now();
    for _ in 0..options.runs {
        for (index, timing) in timings.iter_mut().enumerate() {
            let started = Instant::now();
            checksums[index] = run(index);
            timing.rounds.push(started.elapsed());
        }
    }
    assert_eq!(checksums[1], checksums[3], "threads must tag exactly as one thread does");
    let machine = machine_before.and_then(|before| Some(before.until(&Machine::now()?)));
    let stats = Stats::measure(&tagger, &corpus, &floor);

    let report = Report {
        options: &options,
        taxonomy_name,
        tagger: &tagger,
        literals: literals.len(),
        compile_ms,
        corpus: &corpus,
        corpus_s,
        stats,
        timings: &timings,
        peak_after_compile,
        peak: peak_rss_kb(),
        machine,
    };
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report.json())?);
    } else {
        report.print();
    }
    Ok(())
}

/// What the corpus looks like to the taxonomy.
struct Stats {
    mean_bytes: f64,
    max_bytes: usize,
    non_ascii: f64,
    fenced: f64,
    literal_matches_per_kb: f64,
    tagged: f64,
    tags_per_ticket: f64,
    allocations_per_ticket: f64,
}

impl Stats {
    fn measure(tagger: &Tagger, corpus: &Corpus, floor: &Floor) -> Stats {
        let tickets = corpus.len() as f64;
        let sizes = corpus.iter().map(|(s, b)| s.len() + b.len());
        let share = |test: &dyn Fn(&str, &str) -> bool| {
            corpus.iter().filter(|(s, b)| test(s, b)).count() as f64 / tickets
        };
        let matches = floor.run(corpus, 0..corpus.len()) as f64;

        // Tag a sample with a scanner that has seen one ticket already, so
        // that its scratch space is warm, and count what each ticket costs.
        let sample = corpus.prefix(10_000_000);
        let mut scanner = tagger.scanner();
        contenders::tag(&mut scanner, corpus, 0..1);
        let mut tagged = 0;
        let mut tags = 0;
        ALLOCATIONS.store(0, Ordering::Relaxed);
        COUNTING.store(true, Ordering::Relaxed);
        let mut ticket = ticket_tagger::Ticket::new();
        for index in sample.clone() {
            let (subject, body) = corpus.ticket(index);
            ticket.clear();
            ticket.push_field("subject", subject);
            ticket.push_field("body", body);
            let result = scanner.tag(&ticket);
            tagged += usize::from(!result.tags.is_empty());
            tags += result.tags.len();
        }
        COUNTING.store(false, Ordering::Relaxed);
        let sampled = sample.len() as f64;

        Stats {
            mean_bytes: corpus.bytes() as f64 / tickets,
            max_bytes: sizes.max().unwrap_or(0),
            non_ascii: share(&|s, b| !s.is_ascii() || !b.is_ascii()),
            fenced: share(&|_, b| b.contains("```")),
            literal_matches_per_kb: matches / (corpus.bytes() as f64 / 1e3),
            tagged: tagged as f64 / sampled,
            tags_per_ticket: tags as f64 / sampled,
            allocations_per_ticket: ALLOCATIONS.load(Ordering::Relaxed) as f64 / sampled,
        }
    }
}

struct Report<'a> {
    options: &'a Options,
    taxonomy_name: &'a str,
    tagger: &'a Tagger,
    literals: usize,
    compile_ms: f64,
    corpus: &'a Corpus,
    corpus_s: f64,
    stats: Stats,
    timings: &'a [Timing],
    peak_after_compile: Option<u64>,
    peak: Option<u64>,
    machine: Option<Load>,
}

impl Report<'_> {
    fn rules(&self) -> (usize, usize, usize) {
        let rules = self.tagger.taxonomy().rules();
        let keywords = rules.iter().map(|r| r.keywords().len()).sum();
        let patterns = rules.iter().map(|r| r.patterns().len()).sum();
        (rules.len(), keywords, patterns)
    }

    /// Tagger time over floor time, and naive time over tagger time, both
    /// per byte.
    fn ratios(&self) -> (f64, f64) {
        let t = self.timings;
        (t[0].mb_per_s() / t[1].mb_per_s(), t[1].mb_per_s() / t[2].mb_per_s())
    }

    fn print(&self) {
        let (rules, keywords, patterns) = self.rules();
        let s = &self.stats;
        let source = match &self.options.corpus {
            Some(path) => format!("read from {path}, repeated"),
            None => format!("generated with seed {}", self.options.seed),
        };
        println!(
            "corpus: {} tickets, {:.1} MB, {source} in {:.1} s",
            self.corpus.len(),
            mb(self.corpus.bytes()),
            self.corpus_s
        );
        println!(
            "  mean {:.0} B, max {} B; {:.1}% with non-ASCII text, {:.1}% with a fence",
            s.mean_bytes,
            s.max_bytes,
            s.non_ascii * 100.0,
            s.fenced * 100.0
        );
        println!(
            "  {:.2} literal matches per KB; {:.1}% of tickets tagged, {:.2} tags per ticket",
            s.literal_matches_per_kb,
            s.tagged * 100.0,
            s.tags_per_ticket
        );
        println!(
            "taxonomy: {}: {rules} rules, {keywords} keywords, {patterns} patterns, \
             {} distinct literals",
            self.taxonomy_name, self.literals
        );
        println!("  compiled in {:.2} ms (median of 11)", self.compile_ms);
        println!();
        println!(
            "{:<44} {:>9} {:>12} {:>10}   (median of {} interleaved rounds)",
            "contender", "MB/s", "tickets/s", "seconds", self.options.runs
        );
        for (index, t) in self.timings.iter().enumerate() {
            let number = if index < 4 { format!("{}.", index + 1) } else { "  ".to_string() };
            println!(
                "{number} {:<41} {:>9.1} {:>12.0} {:>10.3}",
                t.name,
                t.mb_per_s(),
                t.tickets_per_s(),
                t.median()
            );
        }
        let (floor_ratio, naive_ratio) = self.ratios();
        let t = self.timings;
        let scaling = t[3].mb_per_s() / t[1].mb_per_s();
        println!();
        println!("ratio 2/1, tagger time over floor time:  {floor_ratio:.2}  (target <= 2)");
        println!("ratio 3/2, naive time over tagger time:  {naive_ratio:.1}  (target >= 20)");
        println!(
            "{} threads over 1 thread:                {scaling:.2}  (target >= 1.8 on 2 cores)",
            self.options.threads
        );
        println!("allocations per ticket:                  {:.2}", s.allocations_per_ticket);
        println!(
            "peak RSS: {} after compiling, {} at the end (the corpus is in memory)",
            kb_text(self.peak_after_compile),
            kb_text(self.peak)
        );
        if let Some(load) = &self.machine {
            println!(
                "machine during the rounds: {} CPUs, {:.0}% busy, {:.1}% stolen by the \
                 hypervisor, load average {:.2} at the end",
                load.cpus,
                load.busy * 100.0,
                load.steal * 100.0,
                load.load_average
            );
        }
    }

    fn json(&self) -> serde_json::Value {
        let (rules, keywords, patterns) = self.rules();
        let (floor_ratio, naive_ratio) = self.ratios();
        let s = &self.stats;
        let contenders: Vec<_> = self
            .timings
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name.trim(),
                    "bytes": t.bytes,
                    "tickets": t.tickets,
                    "median_s": t.median(),
                    "mb_per_s": t.mb_per_s(),
                    "tickets_per_s": t.tickets_per_s(),
                    "rounds_s": t.rounds.iter().map(Duration::as_secs_f64).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "taxonomy": {
                "name": self.taxonomy_name,
                "rules": rules,
                "keywords": keywords,
                "patterns": patterns,
                "literals": self.literals,
                "compile_ms": self.compile_ms,
            },
            "corpus": {
                "tickets": self.corpus.len(),
                "bytes": self.corpus.bytes(),
                "mean_bytes": s.mean_bytes,
                "max_bytes": s.max_bytes,
                "non_ascii_share": s.non_ascii,
                "fenced_share": s.fenced,
                "literal_matches_per_kb": s.literal_matches_per_kb,
                "tagged_share": s.tagged,
                "tags_per_ticket": s.tags_per_ticket,
            },
            "threads": self.options.threads,
            "runs": self.options.runs,
            "contenders": contenders,
            "tagger_over_floor_time": floor_ratio,
            "naive_over_tagger_time": naive_ratio,
            "threads_speedup": self.timings[3].mb_per_s() / self.timings[1].mb_per_s(),
            "allocations_per_ticket": s.allocations_per_ticket,
            "machine": self.machine.as_ref().map(|m| serde_json::json!({
                "cpus": m.cpus,
                "busy_share": m.busy,
                "steal_share": m.steal,
                "load_average": m.load_average,
            })),
            "peak_rss_kb_after_compile": self.peak_after_compile,
            "peak_rss_kb": self.peak,
        })
    }
}

/// CPU time counters of the whole machine, from `/proc/stat` (Linux only).
struct Machine {
    busy: u64,
    steal: u64,
    total: u64,
}

/// How busy the machine was between two [`Machine`] readings: other
/// processes and a hypervisor taking time skew every contender's numbers.
struct Load {
    cpus: usize,
    busy: f64,
    steal: f64,
    load_average: f64,
}

impl Machine {
    fn now() -> Option<Machine> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let counters: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .filter_map(|n| n.parse().ok())
            .collect();
        // user nice system idle iowait irq softirq steal ...
        let at = |i: usize| counters.get(i).copied().unwrap_or(0);
        let total = counters.iter().take(8).sum();
        Some(Machine { busy: total - at(3) - at(4) - at(7), steal: at(7), total })
    }

    fn until(&self, later: &Machine) -> Load {
        let total = later.total.saturating_sub(self.total).max(1) as f64;
        let load_average = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or(f64::NAN);
        Load {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            busy: later.busy.saturating_sub(self.busy) as f64 / total,
            steal: later.steal.saturating_sub(self.steal) as f64 / total,
            load_average,
        }
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// The process's peak resident set size in KiB, from `/proc` (Linux only).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn kb_text(kb: Option<u64>) -> String {
    kb.map_or_else(|| "unknown".to_string(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
}
