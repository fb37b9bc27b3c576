//! Compiling a taxonomy: rules sorted by strategy into shared automata.
//!
//! However many rules a taxonomy has, a field is scanned once by an
//! Aho-Corasick automaton over the lowercased text that holds every
//! case-insensitive keyword, required term, exclusion and negation cue, and
//! the gate literals of the patterns (see [`crate::pattern`]); and once by a
//! second automaton over the original text for case-sensitive rules, if
//! any. Patterns then cost little: anchored ones stop after a few bytes,
//! gated ones run only where a literal of theirs was found, and only the
//! rest run a check over each field they read. Each literal is stored once,
//! with the list of its uses, so a keyword shared by several rules costs
//! nothing more.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::{Error, ErrorKind};
use crate::fold::fold_keyword;
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
}

impl Matcher {
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
        .collect();
    Ok(Matcher { folded: folded.build()?, exact: exact.build()?, patterns })
}

fn field_patterns(taxonomy: &Taxonomy, declared: Option<usize>) -> FieldPatterns {
    let mut patterns = FieldPatterns::default();
    for (rule_index, rule) in taxonomy.rules.iter().enumerate() {
        let reads = match (&rule.fields, declared) {
            (None, _) => true,
            (Some(fields), Some(field)) => fields.contains(&field),
            (Some(_), None) => false,
        };
        if !reads {
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
    patterns
}
