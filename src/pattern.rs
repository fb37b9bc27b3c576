//! Patterns: a rule's regular expressions, and the shared set that decides
//! which of them need to run at all.
//!
//! Every pattern of the taxonomy goes into one [`regex::RegexSet`], so a
//! field is scanned once for all of them; only the patterns the set reports
//! then run on their own to find spans. Unicode word boundaries (`\b`)
//! would push the set off the regex crate's fast DFA on any non-ASCII text,
//! so the set is built from copies of the patterns with every word-boundary
//! assertion removed. Removing an assertion can only make a pattern match
//! more, never less, so the set is a safe pre-filter: the pattern itself,
//! with its boundaries, confirms each hit.

use regex::{Regex, RegexBuilder};
use regex_syntax::hir::{self, Hir, HirKind, Look};

/// The largest compiled size of one pattern. Past it, a pattern is an error
/// rather than a slow surprise on the first long ticket.
pub(crate) const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The compiled size allowed for the shared pre-filter set of all patterns.
const SET_SIZE_LIMIT: usize = 64 << 20;

/// One compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub regex: Regex,
    /// The pattern with word boundaries removed, as regex syntax.
    pub prefilter: String,
    /// Whether it can match the empty string (a warning: it fires always).
    pub matches_empty: bool,
}

/// Why a pattern failed to compile.
#[derive(Debug)]
pub(crate) enum PatternError {
    Invalid(regex::Error, String),
    TooLarge(regex::Error),
}

/// Compiles a pattern, case-insensitive unless `case_sensitive`.
pub(crate) fn compile(source: &str, case_sensitive: bool) -> Result<Pattern, PatternError> {
    let regex = RegexBuilder::new(source)
        .case_insensitive(!case_sensitive)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => PatternError::TooLarge(e),
            _ => {
                let short = short_message(&e);
                PatternError::Invalid(e, short)
            }
        })?;

    // The regex crate accepted the pattern, so its own parser accepts it too.
    let parsed = regex_syntax::ParserBuilder::new()
        .case_insensitive(!case_sensitive)
        .build()
        .parse(source)
        .map_err(|e| PatternError::Invalid(regex::Error::Syntax(e.to_string()), e.to_string()))?;
    let matches_empty = parsed.properties().minimum_len() == Some(0);
    let prefilter = without_word_boundaries(&parsed).to_string();
    Ok(Pattern { regex, prefilter, matches_empty })
}

/// Builds the shared pre-filter set.
pub(crate) fn build_set<'a>(
    prefilters: impl IntoIterator<Item = &'a str>,
) -> Result<regex::RegexSet, regex::Error> {
    regex::RegexSetBuilder::new(prefilters).size_limit(SET_SIZE_LIMIT).build()
}

/// The regex crate's message for a syntax error is several lines, with the
/// pattern drawn above a caret; its last line says what is wrong.
fn short_message(error: &regex::Error) -> String {
    let full = error.to_string();
    let last = full.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&full);
    last.trim().trim_start_matches("error: ").to_string()
}

fn without_word_boundaries(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_word_boundary(*look) => Hir::empty(),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(without_word_boundaries).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(without_word_boundaries).collect())
        }
        HirKind::Repetition(rep) => Hir::repetition(hir::Repetition {
            sub: Box::new(without_word_boundaries(&rep.sub)),
            ..rep.clone()
        }),
        HirKind::Capture(cap) => Hir::capture(hir::Capture {
            sub: Box::new(without_word_boundaries(&cap.sub)),
            ..cap.clone()
        }),
        _ => hir.clone(),
    }
}

fn is_word_boundary(look: Look) -> bool {
    !matches!(
        look,
        Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_drops_only_word_boundaries() {
        // (pattern, text that only the pre-filter matches, text neither matches)
        let cases: &[(&str, &str, &str)] = &[
            (r"\b4(01|03)\b", "x4010", "x402"),
            (r"(?m)^error:", "", "an error: here"),
            (r"\btoken\s+limit\b", "mytoken limits", "token-limit"),
        ];
        for &(source, only_prefilter, neither) in cases {
            let pattern = compile(source, false).map_err(|e| format!("{e:?}"));
            let Ok(pattern) = pattern else { panic!("{source}: {pattern:?}") };
            let set = build_set([pattern.prefilter.as_str()]).map_err(|e| e.to_string());
            let Ok(set) = set else { panic!("{set:?}") };
            if !only_prefilter.is_empty() {
                assert!(set.is_match(only_prefilter), "{source} on {only_prefilter:?}");
                assert!(!pattern.regex.is_match(only_prefilter), "{source}");
            }
            assert!(!set.is_match(neither), "{source} on {neither:?}");
        }
    }

    #[test]
    fn prefilter_matches_wherever_the_pattern_does() {
        let pattern = compile(r"\bcafé\b", false).map_err(|e| format!("{e:?}"));
        let Ok(pattern) = pattern else { panic!("{pattern:?}") };
        let set = build_set([pattern.prefilter.as_str()]).map_err(|e| e.to_string());
        let Ok(set) = set else { panic!("{set:?}") };
        for text in ["un CAFÉ noir", "café", "cafés"] {
            assert!(set.is_match(text), "{text}");
        }
        assert!(pattern.regex.is_match("un CAFÉ noir"));
        assert!(!pattern.regex.is_match("cafés"));
    }

    #[test]
    fn reports_errors_and_empty_matches() {
        assert!(matches!(compile("(unclosed", false), Err(PatternError::Invalid(_, _))));
        assert!(matches!(compile(r"\w{1000}{1000}", false), Err(PatternError::TooLarge(_))));
        let empty = compile("a*", false).map_err(|e| format!("{e:?}"));
        assert!(matches!(empty, Ok(ref p) if p.matches_empty));
    }
}
