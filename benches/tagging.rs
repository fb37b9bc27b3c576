//! Criterion benchmarks: compiling the default taxonomy, tagging one ticket
//! of each typical size with a reused scanner, and tagging a generated
//! corpus next to the one-pass Aho-Corasick floor.
//!
//! ```text
//! cargo bench --bench tagging
//! TICKET_TAGGER_TAXONOMY=path/to/taxonomy.toml cargo bench --bench tagging
//! ```
//!
//! For the side-by-side throughput report the issue asks for (floor,
//! tagger, naive regexes, all cores), run the `throughput` example.

use std::hint::black_box;
use std::time::Duration;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ticket_tagger::{Tagger, Ticket};

#[allow(dead_code)]
#[path = "../examples/throughput/corpus.rs"]
mod corpus;

use corpus::{Corpus, Mix, Rng};

/// The bytes of generated tickets the corpus benchmarks tag per iteration.
const CORPUS_BYTES: usize = 2_000_000;

const SHORT: (&str, &str) = (
    "Login fails with 403",
    "Since this morning our SSO login returns 403 Forbidden for all of us.",
);

const TYPICAL_SUBJECT: &str = "Answers ignore our uploaded handbook since the update";

const TYPICAL_BODY: &str = "Hi team,

Since Tuesday's release the assistant no longer uses the employee handbook we uploaded to the \
knowledge base. When I ask about parental leave it makes up a policy instead of citing section \
4.2, and yesterday it hallucinated a phone number for HR. The document still shows as indexed.

Is there a way to check what it retrieved? We have 40 agents relying on this, so a quick \
answer would be great.

Thanks,
Maria";

/// A taxonomy from `TICKET_TAGGER_TAXONOMY`, or the embedded default.
fn tagger() -> Tagger {
    let loaded = match std::env::var_os("TICKET_TAGGER_TAXONOMY") {
        Some(path) => Tagger::from_path(path),
        None => Tagger::embedded(),
    };
    loaded.unwrap_or_else(|e| panic!("the benchmark taxonomy does not load: {e}"))
}

/// About 20 KB: the typical ticket with a long log pasted in a fence.
fn long_body() -> String {
    let mut body = String::from(TYPICAL_BODY);
    body.push_str("\n\nHere is the full log from our side:\n\n```\n");
    corpus::log_lines(&mut Rng::new(7), 19_000, &mut body);
    body.push_str("```\n\nThe timeout at the end is when we gave up.\n");
    body
}

fn compile(c: &mut Criterion) {
    let source = std::env::var_os("TICKET_TAGGER_TAXONOMY")
        .map(|path| std::fs::read_to_string(path).expect("the benchmark taxonomy is readable"));
    c.bench_function("compile/taxonomy", |b| {
        b.iter(|| match &source {
            Some(text) => black_box(Tagger::from_toml(text).is_ok()),
            None => black_box(Tagger::embedded().is_ok()),
        })
    });
}

fn tag_one(c: &mut Criterion) {
    let tagger = tagger();
    let long = long_body();
    let tickets = [
        ("short", SHORT.0, SHORT.1),
        ("typical", TYPICAL_SUBJECT, TYPICAL_BODY),
        ("long", TYPICAL_SUBJECT, long.as_str()),
    ];
    let mut group = c.benchmark_group("tag");
    for (name, subject, body) in tickets {
        let ticket = Ticket::new().with_field("subject", subject).with_field("body", body);
        let mut scanner = tagger.scanner();
        group.throughput(Throughput::Bytes((subject.len() + body.len()) as u64));
        group.bench_function(name, |b| b.iter(|| black_box(scanner.tag(black_box(&ticket)))));
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let tagger = tagger();
    let taxonomy = tagger.taxonomy();
    let keywords: Vec<String> =
        taxonomy.rules().iter().flat_map(|r| r.keywords().to_vec()).collect();
    let corpus = Corpus::generate(1, CORPUS_BYTES, &keywords, &Mix::default());

    // The floor: every literal of the engine's case-insensitive automaton,
    // one overlapping pass per field, counting matches and nothing else.
    let mut literals: Vec<String> = taxonomy.negation_cues().to_vec();
    for rule in taxonomy.rules() {
        let terms = rule.keywords().iter().chain(rule.required()).chain(rule.exclusions());
        literals.extend(terms.map(|t| t.to_lowercase()));
    }
    let floor: AhoCorasick = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&literals)
        .expect("the literals fit in one automaton");

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(corpus.bytes() as u64));
    group.bench_function("floor", |b| {
        b.iter(|| {
            let fields = corpus.iter().flat_map(|(subject, body)| [subject, body]);
            fields.map(|f| floor.find_overlapping_iter(f).count()).sum::<usize>()
        })
    });
    let mut scanner = tagger.scanner();
    group.bench_function("tagger", |b| {
        b.iter(|| {
            let mut ticket = Ticket::new();
            let mut tags = 0;
            for (subject, body) in corpus.iter() {
                ticket.clear();
                ticket.push_field("subject", subject);
                ticket.push_field("body", body);
                tags += scanner.tag(&ticket).tags.len();
            }
            tags
        })
    });
    group.finish();
}

fn config() -> Criterion {
    // Short runs: the whole suite finishes in well under a minute. For
    // careful comparisons, pass `--measurement-time` on the command line.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = compile, tag_one, corpus
}
criterion_main!(benches);
