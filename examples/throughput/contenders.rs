//! What the tagger is measured against, and the tagger itself.
//!
//! Every contender reads each field of each ticket on its own, as the
//! tagger does, and returns a count that depends on everything it found, so
//! the optimiser cannot skip the work.

use std::hint::black_box;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use ticket_tagger::{Scanner, Tagger, Ticket};

use crate::corpus::Corpus;

/// Every literal the engine puts in its case-insensitive automaton:
/// keywords, required terms, exclusions and negation cues, lowercased and
/// without repeats.
pub fn literals(tagger: &Tagger) -> Vec<String> {
    let taxonomy = tagger.taxonomy();
    let mut all: Vec<String> = taxonomy.negation_cues().to_vec();
    for rule in taxonomy.rules() {
        let terms = rule.keywords().iter().chain(rule.required()).chain(rule.exclusions());
        all.extend(terms.map(|t| t.to_lowercase()));
    }
    let mut seen = std::collections::HashSet::new();
    all.retain(|literal| seen.insert(literal.clone()));
    all
}

/// The floor: one Aho-Corasick pass over each field for every literal,
/// counting matches and doing nothing else.
#[derive(Debug)]
pub struct Floor {
    automaton: AhoCorasick,
}

impl Floor {
    /// The floor with the automaton the engine builds (the crate picks its
    /// kind), or, with `dfa`, a full DFA: faster, and larger.
    pub fn new(literals: &[String], dfa: bool) -> Floor {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(dfa.then_some(AhoCorasickKind::DFA))
            .build(literals)
            .expect("the literals fit in one automaton");
        Floor { automaton }
    }

    pub fn run(&self, corpus: &Corpus, tickets: Range<usize>) -> u64 {
        let mut found = 0;
        for index in tickets {
            let (subject, body) = corpus.ticket(index);
            for field in [subject, body] {
                found += self.automaton.find_overlapping_iter(field).count() as u64;
            }
        }
        found
    }
}

impl Floor {
    /// The floor on `threads` threads, each taking a run of tickets of about
    /// equal bytes: how far the machine itself scales.
    pub fn run_threads(&self, corpus: &Corpus, threads: usize) -> u64 {
        std::thread::scope(|scope| {
            let workers: Vec<_> = corpus
                .split(threads)
                .into_iter()
                .map(|range| scope.spawn(move || self.run(corpus, range)))
                .collect();
            workers.into_iter().map(|w| w.join().expect("a floor thread panicked")).sum()
        })
    }
}

/// The naive baseline: one regex per rule for its keywords, whole words
/// and case-insensitive, plus each of its patterns, each run on its own.
#[derive(Debug)]
pub struct Naive {
    regexes: Vec<Regex>,
}

impl Naive {
    pub fn new(tagger: &Tagger) -> Naive {
        let mut sources = Vec::new();
        for rule in tagger.taxonomy().rules() {
            if !rule.keywords().is_empty() {
                let escaped: Vec<String> =
                    rule.keywords().iter().map(|k| regex::escape(k)).collect();
                sources.push(format!(r"(?i)\b(?:{})\b", escaped.join("|")));
            }
            sources.extend(rule.patterns().iter().map(|p| format!("(?i){p}")));
        }
        let regexes = sources
            .iter()
            .map(|s| RegexBuilder::new(s).size_limit(64 << 20).build().expect("the rule compiles"))
            .collect();
        Naive { regexes }
    }

    pub fn run(&self, corpus: &Corpus, tickets: Range<usize>) -> u64 {
        let mut found = 0;
        for index in tickets {
            let (subject, body) = corpus.ticket(index);
            for field in [subject, body] {
                for regex in &self.regexes {
                    found += regex.find_iter(field).count() as u64;
                }
            }
        }
        found
    }
}

/// Tags the tickets in `tickets` with one scanner; returns the number of
/// tags plus the number of pieces of evidence.
pub fn tag(scanner: &mut Scanner<'_>, corpus: &Corpus, tickets: Range<usize>) -> u64 {
    let mut found = 0;
    let mut ticket = Ticket::new();
    for index in tickets {
        let (subject, body) = corpus.ticket(index);
        ticket.clear();
        ticket.push_field("subject", subject);
        ticket.push_field("body", body);
        let tags = scanner.tag(&ticket);
        found += tags.tags.iter().map(|t| 1 + t.evidence.len() as u64).sum::<u64>();
        black_box(&tags);
    }
    found
}

/// Tags the whole corpus on `threads` threads, one scanner each, each
/// thread taking a run of tickets of about equal bytes.
pub fn tag_threads(tagger: &Tagger, corpus: &Corpus, threads: usize) -> u64 {
    std::thread::scope(|scope| {
        let workers: Vec<_> = corpus
            .split(threads)
            .into_iter()
            .map(|range| scope.spawn(move || tag(&mut tagger.scanner(), corpus, range)))
            .collect();
        workers.into_iter().map(|w| w.join().expect("a tagging thread panicked")).sum()
    })
}

/// Diagnostics that split the tagger's time into its passes, emulated from
/// outside the crate: lowercasing plus the case-sensitive literal pass, and
/// the pattern pre-filter sets, one per field.
#[derive(Debug)]
pub struct Passes {
    folded: AhoCorasick,
    /// The pre-filter sets of the patterns reading the subject and the body.
    sets: [Option<RegexSet>; 2],
    scratch: String,
}

impl Passes {
    /// `source` is the taxonomy's TOML, read again here for each rule's
    /// `fields`, which the public API does not expose.
    pub fn new(tagger: &Tagger, literals: &[String], source: &str) -> Passes {
        let folded = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(literals)
            .expect("the literals fit in one automaton");
        let table: toml::Table = toml::from_str(source).expect("the taxonomy loaded once already");
        let fields_of = |id: &str| -> Option<Vec<String>> {
            let rules = table.get("rule")?.as_array()?;
            let rule = rules.iter().find(|r| r.get("id").and_then(|v| v.as_str()) == Some(id))?;
            let fields = rule.get("fields")?.as_array()?;
            Some(fields.iter().filter_map(|f| f.as_str().map(String::from)).collect())
        };
        let set_for = |field: &str| {
            // The engine strips word boundaries from its pre-filter sets; a
            // textual strip is close enough for a taxonomy's patterns.
            let patterns: Vec<String> = tagger
                .taxonomy()
                .rules()
                .iter()
                .filter(|r| fields_of(r.id()).is_none_or(|f| f.iter().any(|f| f == field)))
                .flat_map(|r| r.patterns())
                .map(|p| p.replace(r"\b", ""))
                .collect();
            (!patterns.is_empty()).then(|| {
                RegexSetBuilder::new(&patterns)
                    .case_insensitive(true)
                    .size_limit(64 << 20)
                    .build()
                    .expect("the pre-filter set compiles")
            })
        };
        Passes { folded, sets: [set_for("subject"), set_for("body")], scratch: String::new() }
    }

    /// Lowercases each field into a reused buffer, then scans it.
    pub fn fold_and_scan(&mut self, corpus: &Corpus, tickets: Range<usize>) -> u64 {
        let mut found = 0;
        for index in tickets {
            let (subject, body) = corpus.ticket(index);
            for field in [subject, body] {
                self.scratch.clear();
                if field.is_ascii() {
                    self.scratch.push_str(field);
                    self.scratch.make_ascii_lowercase();
                } else {
                    self.scratch.extend(field.chars().flat_map(char::to_lowercase));
                }
                found += self.folded.find_overlapping_iter(&self.scratch).count() as u64;
            }
        }
        found
    }

    /// Runs each field's pattern pre-filter set over it.
    pub fn prefilter(&self, corpus: &Corpus, tickets: Range<usize>) -> u64 {
        let mut found = 0;
        for index in tickets {
            let (subject, body) = corpus.ticket(index);
            for (set, field) in self.sets.iter().zip([subject, body]) {
                if let Some(set) = set {
                    found += set.matches(field).iter().count() as u64;
                }
            }
        }
        found
    }
}
