//! Patterns: a rule's regular expressions, and how cheaply each can be run.
//!
//! Compiling sorts the patterns by strategy, so that a field costs next to
//! nothing for patterns that cannot match it:
//!
//! - an anchored pattern (at the start or end of the text) runs as it is:
//!   its search stops after a few bytes;
//! - a pattern every match of which starts (or ends) with one of a few
//!   literals is gated: the literals join the keyword automaton, and the
//!   pattern runs only on fields where one of them was found;
//! - the others run a check first on every field they read.
//!
//! The check is a copy of the pattern with every word-boundary assertion
//! removed. Unicode word boundaries (`\b`) push the regex crate off its fast
//! DFA on any non-ASCII text; without them, the check runs at full speed.
//! Removing an assertion can only make a pattern match more, never less,
//! so the check is a safe pre-filter: the pattern itself, with its
//! boundaries, runs only where its check matched, and confirms each hit.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::translate::TranslatorBuilder;
use regex_syntax::hir::{Hir, Look};

/// The largest compiled size of one pattern. Past it, a pattern is an error
/// rather than a slow surprise on the first long ticket.
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// One compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    source: String,
    case_sensitive: bool,
    /// The pattern itself. An unanchored one is built on first use: its
    /// check, built at load, has already proved it valid and small, and
    /// most patterns of a large taxonomy never get past their check on most
    /// tickets, so compiling a taxonomy need not pay for them.
    regex: OnceLock<Option<Regex>>,
    /// Whether it can match the empty string (a warning: it fires always).
    pub matches_empty: bool,
    /// The pattern without word boundaries, as regex syntax.
    pub prefilter: String,
    /// The pattern without word boundaries, which the regex crate's fast
    /// engines run on any text; `None` for an anchored pattern.
    pub check: Option<Regex>,
    /// Folded literals one of which every match starts or ends with, when
    /// there are such literals of three bytes or more.
    pub gate: Option<Vec<String>>,
    /// Whether every match starts at the start of the text or ends at its
    /// end, so that running the pattern costs next to nothing.
    pub anchored: bool,
}

/// Why a pattern failed to compile.
#[derive(Debug)]
pub(crate) enum PatternError {
    Invalid(regex::Error, String),
    TooLarge(regex::Error),
}

/// Compiles a pattern, case-insensitive unless `case_sensitive`.
pub(crate) fn compile(source: &str, case_sensitive: bool) -> Result<Pattern, PatternError> {
    // The regex crate parses with these same parsers, so a pattern they
    // accept here is one the regex crate accepts. The syntax tree is
    // parsed once and translated twice: as written, for the pattern's
    // properties, and case-sensitively, for its literals.
    let ast = ast::parse::Parser::new().parse(source).map_err(invalid)?;
    let translate = |case_insensitive| {
        TranslatorBuilder::new().case_insensitive(case_insensitive).build().translate(source, &ast)
    };
    let parsed = translate(!case_sensitive).map_err(invalid)?;
    let properties = parsed.properties();
    let matches_empty = properties.minimum_len() == Some(0);
    let anchored = properties.look_set_prefix().contains(Look::Start)
        || properties.look_set_suffix().contains(Look::End);

    // The check is printed from the syntax tree, not the translation, so
    // that classes such as `\w` stay short instead of spelled out in full.
    // Case-insensitivity goes inline, as the checks of many patterns may
    // share one set.
    let stripped = without_word_boundaries(&ast);
    let prefilter = if case_sensitive { stripped.to_string() } else { format!("(?i){stripped}") };
    // An anchored pattern runs as it is: its check would cost as much.
    let regex = OnceLock::new();
    let check = if anchored {
        let _ = regex.set(Some(build(source, case_sensitive)?));
        None
    } else {
        Some(build(&prefilter, true)?)
    };
    let gate = match (case_sensitive || anchored, translate(false)) {
        (false, Ok(literal_hir)) => gate_literals(&literal_hir),
        _ => None,
    };
    let source = source.to_string();
    Ok(Pattern { source, case_sensitive, regex, matches_empty, prefilter, check, gate, anchored })
}

fn invalid(error: impl Into<regex_syntax::Error>) -> PatternError {
    let error = regex::Error::Syntax(error.into().to_string());
    let short = short_message(&error);
    PatternError::Invalid(error, short)
}

impl Pattern {
    /// The pattern itself, built on first use for an unanchored pattern.
    ///
    /// The check has the same syntax and differs only by its word
    /// boundaries, so building cannot fail in practice; if it did, the
    /// check, which matches wherever the pattern does, stands in.
    pub fn regex(&self) -> Option<&Regex> {
        let regex = self.regex.get_or_init(|| {
            build(&self.source, self.case_sensitive).ok().or_else(|| self.check.clone())
        });
        regex.as_ref()
    }
}

/// The compiled size allowed for a set of checks, which holds many patterns.
const SET_SIZE_LIMIT: usize = 64 << 20;

/// Builds one set of the checks of several patterns, so a field is scanned
/// once for all of them rather than once each.
pub(crate) fn build_check_set<'a>(
    prefilters: impl IntoIterator<Item = &'a str>,
) -> Result<regex::RegexSet, regex::Error> {
    regex::RegexSetBuilder::new(prefilters).size_limit(SET_SIZE_LIMIT).build()
}

fn build(source: &str, case_sensitive: bool) -> Result<Regex, PatternError> {
    // A check carries its case-insensitivity inline, so it is built with
    // `case_sensitive` set and the flag decides.
    RegexBuilder::new(source)
        .case_insensitive(!case_sensitive)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => PatternError::TooLarge(e),
            _ => {
                let short = short_message(&e);
                PatternError::Invalid(e, short)
            }
        })
}

/// The regex crate's message for a syntax error is several lines, with the
/// pattern drawn above a caret; its last line says what is wrong.
fn short_message(error: &regex::Error) -> String {
    let full = error.to_string();
    let last = full.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&full);
    last.trim().trim_start_matches("error: ").to_string()
}

/// Literals, folded like keywords, one of which every match of `source`
/// starts with (or else ends with). Parsed case-sensitively, so that case
/// variants do not multiply the literals: folding covers them.
fn gate_literals(hir: &Hir) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    for kind in [ExtractKind::Prefix, ExtractKind::Suffix] {
        let seq = Extractor::new().kind(kind).extract(hir);
        let Some(literals) = seq.literals() else { continue };
        let folded: Option<Vec<String>> = literals
            .iter()
            .map(|l| std::str::from_utf8(l.as_bytes()).ok().map(crate::fold::fold_keyword))
            .collect();
        if let Some(folded) = folded {
            // The extractor keeps a sequence to a few hundred literals.
            if !folded.is_empty() && folded.iter().all(|l| l.trim().len() >= 3) {
                return Some(folded);
            }
        }
    }
    None
}

/// The pattern with every word-boundary assertion replaced by an empty
/// group, which keeps the printed syntax valid wherever the assertion stood
/// (even under a repetition).
fn without_word_boundaries(node: &Ast) -> Ast {
    match node {
        Ast::Assertion(assertion) if is_word_boundary(&assertion.kind) => {
            let span = assertion.span;
            let flags = ast::Flags { span, items: Vec::new() };
            Ast::group(ast::Group {
                span,
                kind: ast::GroupKind::NonCapturing(flags),
                ast: Box::new(Ast::empty(span)),
            })
        }
        Ast::Concat(concat) => Ast::concat(ast::Concat {
            span: concat.span,
            asts: concat.asts.iter().map(without_word_boundaries).collect(),
        }),
        Ast::Alternation(alternation) => Ast::alternation(ast::Alternation {
            span: alternation.span,
            asts: alternation.asts.iter().map(without_word_boundaries).collect(),
        }),
        Ast::Repetition(repetition) => Ast::repetition(ast::Repetition {
            ast: Box::new(without_word_boundaries(&repetition.ast)),
            ..(**repetition).clone()
        }),
        Ast::Group(group) => Ast::group(ast::Group {
            ast: Box::new(without_word_boundaries(&group.ast)),
            ..(**group).clone()
        }),
        _ => node.clone(),
    }
}

fn is_word_boundary(kind: &ast::AssertionKind) -> bool {
    use ast::AssertionKind::*;
    !matches!(kind, StartLine | EndLine | StartText | EndText)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(source: &str) -> Pattern {
        let pattern = compile(source, false).map_err(|e| format!("{e:?}"));
        let Ok(pattern) = pattern else { panic!("{source}: {pattern:?}") };
        pattern
    }

    #[test]
    fn check_drops_only_word_boundaries() {
        // (pattern, text that only the check matches, text neither matches)
        let cases: &[(&str, &str, &str)] = &[
            (r"\b4(01|03)\b", "x4010", "x402"),
            (r"(?m)^error:", "", "an error: here"),
            (r"\btoken\s+limit\b", "mytoken limits", "token-limit"),
        ];
        for &(source, only_check, neither) in cases {
            let pattern = compiled(source);
            let Some(check) = &pattern.check else { panic!("{source} has no check") };
            if !only_check.is_empty() {
                assert!(check.is_match(only_check), "{source} on {only_check:?}");
                assert!(!pattern.regex().is_some_and(|r| r.is_match(only_check)), "{source}");
            }
            assert!(!check.is_match(neither), "{source} on {neither:?}");
        }
    }

    #[test]
    fn check_matches_wherever_the_pattern_does() {
        let pattern = compiled(r"\bcafé\b");
        let Some(check) = &pattern.check else { panic!("no check") };
        for text in ["un CAFÉ noir", "café", "cafés"] {
            assert!(check.is_match(text), "{text}");
        }
        assert!(pattern.regex().is_some_and(|r| r.is_match("un CAFÉ noir")));
        assert!(!pattern.regex().is_some_and(|r| r.is_match("cafés")));
    }

    #[test]
    fn sorts_patterns_by_strategy() {
        // (pattern, anchored, gate literals)
        let cases: &[(&str, bool, Option<&[&str]>)] = &[
            (r"^\s*(how|why)\b", true, None),
            (r"\?\s*$", true, None),
            (r"(?m)^\s*at [\w.]+\(", false, None),
            (r"\b(Error|fail)s?\b", false, Some(&["errors", "error", "fails", "fail"])),
            (r"\w(error|exception)\b", false, Some(&["error", "exception"])),
            (r"\b(no|not) way\b", false, Some(&["no way", "not way"])),
            (r"\b\d+ms\b", false, None),
        ];
        for &(source, anchored, gate) in cases {
            let pattern = compiled(source);
            assert_eq!(pattern.anchored, anchored, "{source}");
            let gate: Option<Vec<String>> = gate.map(|g| g.iter().map(|l| l.to_string()).collect());
            assert_eq!(pattern.gate, gate, "{source}");
        }
    }

    #[test]
    fn reports_errors_and_empty_matches() {
        assert!(matches!(compile("(unclosed", false), Err(PatternError::Invalid(_, _))));
        assert!(matches!(compile(r"\w{1000}{1000}", false), Err(PatternError::TooLarge(_))));
        let empty = compile("a*", false).map_err(|e| format!("{e:?}"));
        assert!(matches!(empty, Ok(ref p) if p.matches_empty));
    }
}
