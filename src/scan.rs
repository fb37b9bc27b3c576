//! Tagging: scanning a ticket's fields and weighing what was found.
//!
//! A [`Scanner`] holds the scratch space one ticket needs (the lowercased
//! field, its zones, the hits) and reuses it for the next, so tagging a
//! stream of tickets allocates only the results. Scanning never fails: any
//! string is a valid ticket field.

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
    /// one pass of each automaton over each field, plus the patterns whose
    /// pre-filter matched, plus work proportional to the hits.
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

        let Some(patterns) = matcher.patterns_for(declared) else { return };
        for index in patterns.set.matches(text).iter() {
            let (rule_index, term) = patterns.owners[index];
            let rule = &taxonomy.rules[rule_index as usize];
            for found in rule.compiled[term as usize].regex.find_iter(text) {
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
                if !reads(rules[use_.rule as usize].fields.as_deref(), declared) {
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
        let mut evidence: Vec<(u32, Evidence<'a>)> = Vec::new();
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

        for group in self.hits.chunk_by(|a, b| a.rule == b.rule) {
            let rule = &taxonomy.rules[group[0].rule as usize];
            let category = taxonomy.categories[rule.category].id.as_str();
            let in_zone = |h: &&Hit| rule.zones.contains(h.zone);
            let exclusion = group.iter().filter(in_zone).find(|h| h.role == Role::Exclude);
            let missing = (0..rule.all.len() as u32).find(|&term| {
                !group.iter().filter(in_zone).any(|h| h.role == Role::Required && h.term == term)
            });

            let mut best_field_weight: Option<f64> = None;
            let mut suppress = |hit: &Hit, reason| {
                if self.explain {
                    suppressed.push(Suppressed { category, hit: evidence_of(hit), reason });
                }
            };
            for hit in group.iter().filter(|h| matches!(h.role, Role::Keyword | Role::Pattern)) {
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
                let weight = field_weight(tagger, fields[hit.field as usize].0);
                best_field_weight = Some(best_field_weight.map_or(weight, |w: f64| w.max(weight)));
                evidence.push((rule.category as u32, evidence_of(hit)));
            }
            if let Some(weight) = best_field_weight {
                self.scores[rule.category] += rule.weight * weight;
            }
        }

        let mut tags: Vec<(usize, Tag<'a>)> = Vec::new();
        for (index, category) in taxonomy.categories.iter().enumerate() {
            let score = (self.scores[index] * 1e4).round() / 1e4;
            if score > 0.0 && score >= category.threshold {
                let tag = Tag {
                    category: &category.id,
                    work: &category.work,
                    score,
                    evidence: Vec::new(),
                };
                tags.push((index, tag));
            }
        }
        for (index, found) in evidence {
            let index = index as usize;
            if let Some((_, tag)) = tags.iter_mut().find(|(i, _)| *i == index) {
                tag.evidence.push(found);
            } else if self.explain {
                // The rule fired, but its category did not reach its
                // threshold: say so, rather than drop the evidence.
                let category = &taxonomy.categories[index];
                let score = (self.scores[index] * 1e4).round() / 1e4;
                let reason = Reason::BelowThreshold { score, threshold: category.threshold };
                suppressed.push(Suppressed { category: &category.id, hit: found, reason });
            }
        }
        for (_, tag) in &mut tags {
            let field_order = |e: &Evidence| fields.iter().position(|f| f.0 == e.field);
            tag.evidence.sort_by_key(|e| (field_order(e), e.start, e.end, e.rule));
        }
        // Highest score first; equal scores keep the taxonomy's order,
        // which the stable sort preserves.
        tags.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));

        let tags: Vec<Tag<'a>> = tags.into_iter().map(|(_, tag)| tag).collect();
        Tags {
            primary: tags.first().map(|t| t.category),
            work: tags.first().map(|t| t.work),
            tags,
            suppressed: self.explain.then_some(suppressed),
            taxonomy: TaxonomyStamp { version: &taxonomy.version, hash: &tagger.hash },
        }
    }
}

/// Whether a rule reading `fields` (or every field, for `None`) reads a
/// ticket field that is `declared` at that index of the taxonomy.
fn reads(fields: Option<&[usize]>, declared: Option<usize>) -> bool {
    match (fields, declared) {
        (None, _) => true,
        (Some(list), Some(index)) => list.contains(&index),
        (Some(_), None) => false,
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
        .take_while(|c| c.field == hit.field && hit.start - c.start <= max_gap(window) + 64)
        .filter(|c| c.end <= hit.start)
        .find(|c| negates(&text[c.end..hit.start], window))
        .copied()
}

/// The longest gap, in bytes, that could still hold `window` words.
fn max_gap(window: usize) -> usize {
    32 * (window + 1)
}

/// Whether the text between a cue and a hit is short enough, and free of
/// clause breaks, for the cue to negate the hit.
fn negates(between: &str, window: usize) -> bool {
    // A long gap cannot be within the window; stop before counting it.
    if between.len() > max_gap(window) {
        return false;
    }
    if between.contains(['.', '!', '?', ';', ':', ',', '\n']) {
        return false;
    }
    let words =
        between.split(|c: char| !crate::boundary::is_word_char(c)).filter(|w| !w.is_empty());
    words.count() <= window
}
