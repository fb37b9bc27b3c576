//! Tagging: scanning a ticket's fields and weighing what was found.
//!
//! A [`Scanner`] holds the scratch space one ticket needs (the lowercased
//! field, its zones, the hits) and reuses it for the next, so tagging a
//! stream of tickets allocates only the results. Scanning never fails: any
//! string is a valid ticket field.

use regex::Regex;

use crate::boundary::is_whole_word;
use crate::compile::{Literals, Role};
use crate::fold::Folded;
use crate::tagger::Tagger;
use crate::tags::{Evidence, Reason, Suppressed, Tag, Tags, TaxonomyStamp};
use crate::ticket::Ticket;
use crate::zone::{self, Segment, Zone};

/// One literal or pattern found in a field.
#[derive(Clone, Copy, Debug)]
struct Hit {
    rule: u32,
    role: Role,
    term: u32,
    field: u32,
    start: usize,
    end: usize,
    zone: Zone,
}

/// A negation cue found in a field.
#[derive(Clone, Copy, Debug)]
struct Cue {
    field: u32,
    start: usize,
    end: usize,
}

/// Tags tickets with a tagger, reusing its scratch space between tickets.
///
/// A scanner is cheap to create and belongs to one thread; make one per
/// thread from a shared [`Tagger`].
///
/// # Example
///
/// ```
/// use ticket_tagger::{Tagger, Ticket};
///
/// let tagger = Tagger::embedded()?;
/// let mut scanner = tagger.scanner();
/// for body in ["I get a 429 rate limit error", "How do I invite a teammate?"] {
///     let tags = scanner.tag(&Ticket::from(body));
///     assert!(tags.primary.is_some());
/// }
/// # Ok::<(), ticket_tagger::LoadError>(())
/// ```
#[derive(Debug)]
pub struct Scanner<'t> {
    tagger: &'t Tagger,
    explain: bool,
    folded: Folded,
    segments: Vec<Segment>,
    hits: Vec<Hit>,
    cues: Vec<Cue>,
    scores: Vec<f64>,
    /// The index in `hits` of each hit that counted, with its category.
    counted: Vec<(u32, u32)>,
    /// For each ticket field: its weight, and the index of the first field
    /// of the same name, which orders evidence.
    field_info: Vec<(f64, u32)>,
    /// How many counted hits each category has.
    per_category: Vec<u32>,
    /// The categories that passed their threshold, best first.
    passing: Vec<usize>,
    /// Gated patterns whose literal was found in the current field.
    gated: Vec<(u32, u32)>,
    /// This scanner's own clones of each pattern's check and regex, by
    /// slot, made on first use. A clone has its own cache pool, whose fast
    /// path belongs to the thread that uses it first; sharing the tagger's
    /// regexes, every thread but one would take the pool's slow path on
    /// every search, and two threads scaled to only 1.5 times one.
    checks: Vec<Option<Regex>>,
    regexes: Vec<Option<Regex>>,
}

impl<'t> Scanner<'t> {
    pub(crate) fn new(tagger: &'t Tagger) -> Scanner<'t> {
        Scanner {
            tagger,
            explain: false,
            folded: Folded::default(),
            segments: Vec::new(),
            hits: Vec::new(),
            cues: Vec::new(),
            scores: Vec::new(),
            counted: Vec::new(),
            field_info: Vec::new(),
            per_category: Vec::new(),
            passing: Vec::new(),
            gated: Vec::new(),
            checks: vec![None; tagger.matcher.pattern_count],
            regexes: vec![None; tagger.matcher.pattern_count],
        }
    }

    /// Whether results list the hits that did not count, and why.
    pub fn explain(&mut self, yes: bool) -> &mut Scanner<'t> {
        self.explain = yes;
        self
    }

    /// Tags a ticket.
    ///
    /// This never fails and never panics, whatever the text. Its cost is
    /// one pass of each automaton over each field, plus the patterns that
    /// can match there (anchored ones, gated ones whose literal was found,
    /// and the others whose check matched), plus work proportional to the
    /// hits.
    pub fn tag<'a>(&mut self, ticket: &Ticket<'a>) -> Tags<'a>
    where
        't: 'a,
    {
        self.hits.clear();
        self.cues.clear();
        for (index, &(name, text)) in ticket.fields().iter().enumerate() {
            self.scan_field(index as u32, name, text);
        }
        // Sorting groups each rule's hits, in field and text order, which
        // also makes the output independent of automaton match order.
        self.hits.sort_unstable_by_key(|h| (h.rule, h.field, h.start, h.end, h.role, h.term));
        self.cues.sort_unstable_by_key(|c| (c.field, c.start, c.end));
        self.weigh(ticket)
    }

    fn scan_field(&mut self, field: u32, name: &str, text: &str) {
        let taxonomy = &self.tagger.taxonomy;
        let declared = taxonomy.fields.iter().position(|f| f.name == name);
        zone::segment(text, &mut self.segments);
        let matcher = &self.tagger.matcher;

        if let Some(literals) = &matcher.folded {
            self.folded.fold(text);
            let folded = std::mem::take(&mut self.folded);
            self.find_literals(literals, folded.text(), field, declared, text, |s, e| {
                folded.original_span(text, s, e)
            });
            self.folded = folded;
        }
        if let Some(literals) = &matcher.exact {
            self.find_literals(literals, text, field, declared, text, |s, e| (s, e));
        }

        // Patterns: the gated ones whose literal this field has, the
        // anchored ones, which cost next to nothing, and the others.
        let mut gated = std::mem::take(&mut self.gated);
        gated.sort_unstable();
        gated.dedup();
        for &(rule, term) in &gated {
            self.find_pattern(rule, term, field, text, true);
        }
        gated.clear();
        self.gated = gated;
        let Some(patterns) = matcher.patterns_for(declared) else { return };
        for &(rule, term) in &patterns.anchored {
            self.find_pattern(rule, term, field, text, false);
        }
        match &patterns.checks {
            Some(checks) => {
                for index in checks.matches(text).iter() {
                    let (rule, term) = patterns.checked[index];
                    self.find_pattern(rule, term, field, text, false);
                }
            }
            None => {
                for &(rule, term) in &patterns.checked {
                    self.find_pattern(rule, term, field, text, true);
                }
            }
        }
    }

    /// Records every match of a pattern in a field; with `check`, only once
    /// its pre-filter, which the fast engines run, has matched.
    fn find_pattern(&mut self, rule_index: u32, term: u32, field: u32, text: &str, check: bool) {
        let tagger = self.tagger;
        let pattern = &tagger.taxonomy.rules[rule_index as usize].compiled[term as usize];
        let slot = tagger.matcher.pattern_slot(rule_index, term);
        if let (true, Some(shared)) = (check, &pattern.check) {
            let own = self.checks[slot].get_or_insert_with(|| shared.clone());
            if !own.is_match(text) {
                return;
            }
        }
        let Some(shared) = pattern.regex() else { return };
        let own = self.regexes[slot].get_or_insert_with(|| shared.clone());
        for found in own.find_iter(text) {
            self.hits.push(Hit {
                rule: rule_index,
                role: Role::Pattern,
                term,
                field,
                start: found.start(),
                end: found.end(),
                zone: zone::zone_at(&self.segments, found.start()),
            });
        }
    }

    /// Records every use of every literal found in `haystack`, whose spans
    /// `to_original` maps back to `text`.
    fn find_literals(
        &mut self,
        literals: &Literals,
        haystack: &str,
        field: u32,
        declared: Option<usize>,
        text: &str,
        to_original: impl Fn(usize, usize) -> (usize, usize),
    ) {
        let rules = &self.tagger.taxonomy.rules;
        for found in literals.automaton.find_overlapping_iter(haystack) {
            let (start, end) = to_original(found.start(), found.end());
            let mut whole_word = None;
            for use_ in &literals.uses[found.pattern().as_usize()] {
                if use_.whole_word
                    && !*whole_word.get_or_insert_with(|| is_whole_word(text, start, end))
                {
                    continue;
                }
                if use_.role == Role::Cue {
                    self.cues.push(Cue { field, start, end });
                    continue;
                }
                if !rules[use_.rule as usize].reads(declared) {
                    continue;
                }
                if use_.role == Role::Pattern {
                    self.gated.push((use_.rule, use_.term));
                    continue;
                }
                self.hits.push(Hit {
                    rule: use_.rule,
                    role: use_.role,
                    term: use_.term,
                    field,
                    start,
                    end,
                    zone: zone::zone_at(&self.segments, start),
                });
            }
        }
    }

    /// Turns the sorted hits into scores, tags and evidence.
    fn weigh<'a>(&mut self, ticket: &Ticket<'a>) -> Tags<'a>
    where
        't: 'a,
    {
        let tagger: &'a Tagger = self.tagger;
        let taxonomy = &tagger.taxonomy;
        let fields = ticket.fields();
        self.scores.clear();
        self.scores.resize(taxonomy.categories.len(), 0.0);
        self.counted.clear();
        self.field_info.clear();
        for (index, &(name, _)) in fields.iter().enumerate() {
            let first = fields.iter().position(|f| f.0 == name).unwrap_or(index);
            self.field_info.push((field_weight(tagger, name), first as u32));
        }
        let mut suppressed: Vec<Suppressed<'a>> = Vec::new();

        let evidence_of = |hit: &Hit| {
            let (name, text) = fields[hit.field as usize];
            Evidence {
                rule: &taxonomy.rules[hit.rule as usize].id,
                field: name,
                zone: hit.zone,
                start: hit.start,
                end: hit.end,
                text: &text[hit.start..hit.end],
            }
        };

        let mut base = 0;
        for group in self.hits.chunk_by(|a, b| a.rule == b.rule) {
            let rule = &taxonomy.rules[group[0].rule as usize];
            let category = taxonomy.categories[rule.category].id.as_str();
            let in_zone = |h: &&Hit| rule.zones.contains(h.zone);
            let exclusion = group.iter().filter(in_zone).find(|h| h.role == Role::Exclude);
            let missing = (0..rule.all.len() as u32).find(|&term| {
                !group.iter().filter(in_zone).any(|h| h.role == Role::Required && h.term == term)
            });

            let mut best_field_weight: Option<f64> = None;
            let explain = self.explain;
            let mut suppress = |hit: &Hit, reason| {
                if explain {
                    suppressed.push(Suppressed { category, hit: evidence_of(hit), reason });
                }
            };
            for (offset, hit) in group.iter().enumerate() {
                if !matches!(hit.role, Role::Keyword | Role::Pattern) {
                    continue;
                }
                if !rule.zones.contains(hit.zone) {
                    suppress(hit, Reason::Zone);
                    continue;
                }
                if rule.negation {
                    if let Some(cue) =
                        negating_cue(&self.cues, hit, fields, taxonomy.negation.window)
                    {
                        let text = fields[cue.field as usize].1;
                        let reason = Reason::Negation {
                            cue: &text[cue.start..cue.end],
                            cue_start: cue.start,
                            cue_end: cue.end,
                        };
                        suppress(hit, reason);
                        continue;
                    }
                }
                if let Some(ex) = exclusion {
                    let (name, text) = fields[ex.field as usize];
                    let reason = Reason::Exclusion {
                        term: &text[ex.start..ex.end],
                        term_field: name,
                        term_start: ex.start,
                        term_end: ex.end,
                    };
                    suppress(hit, reason);
                    continue;
                }
                if let Some(term) = missing {
                    suppress(hit, Reason::MissingRequired { term: &rule.all[term as usize] });
                    continue;
                }
                let weight = self.field_info[hit.field as usize].0;
                best_field_weight = Some(best_field_weight.map_or(weight, |w: f64| w.max(weight)));
                self.counted.push((rule.category as u32, (base + offset) as u32));
            }
            if let Some(weight) = best_field_weight {
                self.scores[rule.category] += rule.weight * weight;
            }
            base += group.len();
        }

        let score_of = |scores: &[f64], index: usize| (scores[index] * 1e4).round() / 1e4;
        self.passing.clear();
        for (index, category) in taxonomy.categories.iter().enumerate() {
            let score = score_of(&self.scores, index);
            if score > 0.0 && score >= category.threshold {
                self.passing.push(index);
            }
        }
        self.per_category.clear();
        self.per_category.resize(taxonomy.categories.len(), 0);
        for &(category, hit) in &self.counted {
            let index = category as usize;
            if self.passing.contains(&index) {
                self.per_category[index] += 1;
            } else if self.explain {
                // The rule fired, but its category did not reach its
                // threshold: say so, rather than drop the evidence.
                let category = &taxonomy.categories[index];
                let score = score_of(&self.scores, index);
                let reason = Reason::BelowThreshold { score, threshold: category.threshold };
                let found = evidence_of(&self.hits[hit as usize]);
                suppressed.push(Suppressed { category: &category.id, hit: found, reason });
            }
        }

        // Evidence in field order, then by position; the rule's id breaks
        // ties, compared only when everything else is equal.
        let hits = &self.hits;
        let info = &self.field_info;
        self.counted.sort_unstable_by(|&(ca, a), &(cb, b)| {
            let (a, b) = (&hits[a as usize], &hits[b as usize]);
            let key = |h: &Hit| (info[h.field as usize].1, h.start, h.end);
            (ca, key(a)).cmp(&(cb, key(b))).then_with(|| {
                taxonomy.rules[a.rule as usize].id.cmp(&taxonomy.rules[b.rule as usize].id)
            })
        });
        // Highest score first; equal scores keep the taxonomy's order,
        // which the stable sort preserves.
        let scores = &self.scores;
        self.passing.sort_by(|&a, &b| score_of(scores, b).total_cmp(&score_of(scores, a)));

        let mut tags: Vec<Tag<'a>> = Vec::with_capacity(self.passing.len());
        for &index in &self.passing {
            let category = &taxonomy.categories[index];
            let start = self.counted.partition_point(|&(c, _)| (c as usize) < index);
            let count = self.per_category[index] as usize;
            let evidence = self.counted[start..start + count]
                .iter()
                .map(|&(_, hit)| evidence_of(&self.hits[hit as usize]))
                .collect();
            tags.push(Tag {
                category: &category.id,
                work: &category.work,
                score: score_of(&self.scores, index),
                evidence,
            });
        }
        Tags {
            primary: tags.first().map(|t| t.category),
            work: tags.first().map(|t| t.work),
            tags,
            suppressed: self.explain.then_some(suppressed),
            taxonomy: TaxonomyStamp { version: &taxonomy.version, hash: &tagger.hash },
        }
    }
}

fn field_weight(tagger: &Tagger, name: &str) -> f64 {
    tagger.taxonomy.fields.iter().find(|f| f.name == name).map_or(1.0, |f| f.weight)
}

/// The nearest cue before `hit` in its field that negates it: at most
/// `window` words between them, and no clause break.
fn negating_cue(cues: &[Cue], hit: &Hit, fields: &[(&str, &str)], window: usize) -> Option<Cue> {
    let text = fields[hit.field as usize].1;
    // Cues are sorted by field and start; look back from the hit only as
    // far as a negating cue could be, so many cues cost no more than few.
    let after = cues.partition_point(|c| (c.field, c.start) < (hit.field, hit.start));
    cues[..after]
        .iter()
        .rev()
        .take_while(|c| {
            c.field == hit.field && hit.start - c.start <= max_gap(window).saturating_add(64)
        })
        .filter(|c| c.end <= hit.start)
        .find(|c| negates(&text[c.end..hit.start], window))
        .copied()
}

/// What ends a clause, and with it a negation cue's reach: punctuation,
/// in its ASCII and full-width forms, and line breaks.
const CLAUSE_BREAKS: &[char] =
    &['.', '!', '?', ';', ':', ',', '\n', '\r', '。', '，', '、', '！', '？', '；', '：'];

/// The longest gap, in bytes, that could still hold `window` words.
fn max_gap(window: usize) -> usize {
    window.saturating_add(1).saturating_mul(32)
}

/// Whether the text between a cue and a hit is short enough, and free of
/// clause breaks, for the cue to negate the hit.
fn negates(between: &str, window: usize) -> bool {
    // A long gap cannot be within the window; stop before counting it.
    if between.len() > max_gap(window) {
        return false;
    }
    if between.contains(CLAUSE_BREAKS) {
        return false;
    }
    let words =
        between.split(|c: char| !crate::boundary::is_word_char(c)).filter(|w| !w.is_empty());
    words.count() <= window
}
