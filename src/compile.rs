//! Compiling a taxonomy: rules sorted by strategy into shared automata.
//!
//! However many rules a taxonomy has, a field is scanned once by an
//! Aho-Corasick automaton over the lowercased text that holds every
//! case-insensitive keyword, required term, exclusion and negation cue, and
//! the gate literals of the patterns (see [`crate::pattern`]); and once by a
//! second automaton over the original text for case-sensitive rules, if
//! any. Patterns then cost little: anchored ones stop after a few bytes,
//! gated ones run only where a literal of theirs was found, and only the
//! rest run a check over each field they read, all of a field's checks in
//! one `RegexSet` when there are several. Each literal is stored once,
//! with the list of its uses, so a keyword shared by several rules costs
//! nothing more.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::RegexSet;

use crate::error::{Error, ErrorKind};
use crate::fold::fold_keyword;
use crate::pattern;
use crate::taxonomy::Taxonomy;

/// What a literal in an automaton stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Keyword,
    Pattern,
    Required,
    Exclude,
    Cue,
}

/// One use of a literal: by which rule (none for a cue), in which role, and
/// which of the rule's terms it is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Use {
    pub rule: u32,
    pub role: Role,
    pub term: u32,
    pub whole_word: bool,
}

/// An automaton and, for each of its literals, the uses of that literal.
#[derive(Debug)]
pub(crate) struct Literals {
    pub automaton: AhoCorasick,
    pub uses: Vec<Vec<Use>>,
}

/// The compiled form of a taxonomy's rules.
#[derive(Debug)]
pub(crate) struct Matcher {
    /// Case-insensitive literals, scanned over lowercased text.
    pub folded: Option<Literals>,
    /// Case-sensitive literals, scanned over the original text.
    pub exact: Option<Literals>,
    /// For each declared field, in the taxonomy's order, the ungated
    /// patterns that read it; then one more for fields the taxonomy does
    /// not declare.
    pub patterns: Vec<FieldPatterns>,
    /// For each rule, the slot of its first pattern: a pattern's slot is
    /// its rule's plus its index in the rule, and numbers it among all the
    /// taxonomy's patterns.
    pub first_pattern_slot: Vec<usize>,
    /// How many patterns the taxonomy has in all.
    pub pattern_count: usize,
}

/// The patterns that run on every field of one name, each as its rule and
/// its index in the rule. Gated patterns are not here: the automaton finds
/// the fields they run on.
#[derive(Debug, Default)]
pub(crate) struct FieldPatterns {
    /// Anchored patterns, which run as they are.
    pub anchored: Vec<(u32, u32)>,
    /// The others, which run their check first.
    pub checked: Vec<(u32, u32)>,
    /// The checks of `checked` in one set, in the same order, when there
    /// are many: one scan of the field then tells which patterns to run.
    pub checks: Option<RegexSet>,
}

impl Matcher {
    /// The slot of pattern `term` of rule `rule`.
    pub fn pattern_slot(&self, rule: u32, term: u32) -> usize {
        self.first_pattern_slot[rule as usize] + term as usize
    }

    /// The ungated patterns that read a field declared at index `declared`
    /// of the taxonomy, or, for `None`, an undeclared field.
    pub fn patterns_for(&self, declared: Option<usize>) -> Option<&FieldPatterns> {
        let last = self.patterns.len().checked_sub(1)?;
        self.patterns.get(declared.unwrap_or(last))
    }
}

#[derive(Default)]
struct LiteralsBuilder {
    index: HashMap<String, usize>,
    literals: Vec<String>,
    uses: Vec<Vec<Use>>,
}

impl LiteralsBuilder {
    fn add(&mut self, literal: String, use_: Use) {
        let next = self.literals.len();
        let at = *self.index.entry(literal.clone()).or_insert(next);
        if at == next {
            self.literals.push(literal);
            self.uses.push(Vec::new());
        }
        self.uses[at].push(use_);
    }

    fn build(self) -> Result<Option<Literals>, Error> {
        if self.literals.is_empty() {
            return Ok(None);
        }
        // Overlapping search needs the standard match semantics; it finds
        // every literal at every position, so a longer keyword that fails
        // its word boundary cannot hide a shorter one that passes.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&self.literals)
            .map_err(|e| {
                Error::new(ErrorKind::PatternTooLarge, "the keywords do not fit in one automaton")
                    .caused_by(e)
            })?;
        Ok(Some(Literals { automaton, uses: self.uses }))
    }
}

pub(crate) fn compile(taxonomy: &Taxonomy) -> Result<Matcher, Error> {
    let mut folded = LiteralsBuilder::default();
    let mut exact = LiteralsBuilder::default();

    for (cue_index, cue) in taxonomy.negation.cues.iter().enumerate() {
        let use_ =
            Use { rule: u32::MAX, role: Role::Cue, term: cue_index as u32, whole_word: true };
        folded.add(cue.clone(), use_);
    }

    for (rule_index, rule) in taxonomy.rules.iter().enumerate() {
        let rule_id = rule_index as u32;
        let terms = [
            (Role::Keyword, &rule.keywords),
            (Role::Required, &rule.all),
            (Role::Exclude, &rule.exclude),
        ];
        for (role, list) in terms {
            for (term, literal) in list.iter().enumerate() {
                let use_ =
                    Use { rule: rule_id, role, term: term as u32, whole_word: !rule.substring };
                if rule.case_sensitive {
                    exact.add(literal.clone(), use_);
                } else {
                    folded.add(fold_keyword(literal), use_);
                }
            }
        }
        // A gated pattern's literals join the automaton: the pattern runs
        // only on fields where one of them was found.
        for (term, compiled) in rule.compiled.iter().enumerate() {
            if compiled.anchored {
                continue;
            }
            for literal in compiled.gate.iter().flatten() {
                let use_ = Use {
                    rule: rule_id,
                    role: Role::Pattern,
                    term: term as u32,
                    whole_word: false,
                };
                folded.add(literal.clone(), use_);
            }
        }
    }

    // One list per declared field, and the last for undeclared fields,
    // which only rules without a field scope read.
    let patterns = (0..=taxonomy.fields.len())
        .map(|field| field_patterns(taxonomy, (field < taxonomy.fields.len()).then_some(field)))
        .collect::<Result<_, _>>()?;
    let mut first_pattern_slot = Vec::with_capacity(taxonomy.rules.len());
    let mut pattern_count = 0;
    for rule in &taxonomy.rules {
        first_pattern_slot.push(pattern_count);
        pattern_count += rule.compiled.len();
    }
    Ok(Matcher {
        folded: folded.build()?,
        exact: exact.build()?,
        patterns,
        first_pattern_slot,
        pattern_count,
    })
}

/// How many checked patterns a field needs before their checks share a set.
const MIN_CHECKS_FOR_A_SET: usize = 4;

fn field_patterns(taxonomy: &Taxonomy, declared: Option<usize>) -> Result<FieldPatterns, Error> {
    let mut patterns = FieldPatterns::default();
    for (rule_index, rule) in taxonomy.rules.iter().enumerate() {
        if !rule.reads(declared) {
            continue;
        }
        for (term, compiled) in rule.compiled.iter().enumerate() {
            let owner = (rule_index as u32, term as u32);
            if compiled.anchored {
                patterns.anchored.push(owner);
            } else if compiled.gate.is_none() {
                patterns.checked.push(owner);
            }
        }
    }
    // A set scans the field once for all checks, but the regex crate
    // allocates its answer on every search; a few checks are cheaper run
    // one by one, which allocates nothing.
    // FIXME(a RegexSet search that writes into caller-owned matches): with
    // one, every field could use the set.
    if patterns.checked.len() >= MIN_CHECKS_FOR_A_SET {
        let prefilters = patterns.checked.iter().map(|&(rule, term)| {
            taxonomy.rules[rule as usize].compiled[term as usize].prefilter.as_str()
        });
        let set = pattern::build_check_set(prefilters).map_err(|e| {
            Error::new(ErrorKind::PatternTooLarge, "the patterns together exceed the size limit")
                .caused_by(e)
        })?;
        patterns.checks = Some(set);
    }
    Ok(patterns)
}

#[cfg(test)]
mod tests {
    use crate::Tagger;

    #[test]
    fn patterns_are_sorted_by_strategy() {
        let tagger = Tagger::from_toml(
            r#"
version = "1"
[[work_kind]]
id = "defect"
[[category]]
id = "versions"
work = "defect"
[[rule]]
id = "versions.all"
category = "versions"
patterns = ['^\s*v\d', '\bopenai (fails|errors)\b', '\bv\d+\.\d+\b', '\b\d+ms\b',
            '\b\d+ ?kb\b', '\b\d+ ?gb\b']
"#,
        );
        let Ok(tagger) = tagger else { panic!("taxonomy must load") };
        let compiled = &tagger.taxonomy.rules[0].compiled;
        let strategies: Vec<_> =
            compiled.iter().map(|p| (p.anchored, p.gate.is_some(), p.check.is_some())).collect();
        let checked = (false, false, true);
        assert_eq!(
            strategies,
            [(true, false, false), (false, true, true), checked, checked, checked, checked]
        );

        let field = tagger.matcher.patterns_for(None);
        assert_eq!(field.map(|f| f.checked.len()), Some(4));
        assert!(field.is_some_and(|f| f.checks.is_some()));

        // Each strategy finds its matches, Unicode boundaries and all.
        let body = "v2 déployée: OpenAI fails, ça prend 950ms depuis v1.4, pas v1.4é, 2 GB";
        let tags = tagger.tag_text(body);
        let texts: Vec<_> = tags.tags[0].evidence.iter().map(|e| e.text).collect();
        assert_eq!(texts, ["v2", "OpenAI fails", "950ms", "v1.4", "2 GB"]);
    }
}
