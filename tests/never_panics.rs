//! Tagging any string never panics, and evidence always slices its field.

use std::sync::LazyLock;

use proptest::prelude::*;
use ticket_tagger::{LoadError, Tagger, Ticket};

static TAGGER: LazyLock<Result<Tagger, LoadError>> = LazyLock::new(Tagger::embedded);

fn tagger() -> &'static Tagger {
    match &*TAGGER {
        Ok(tagger) => tagger,
        Err(error) => panic!("embedded taxonomy must load:\n{error}"),
    }
}

fn check(tagger: &Tagger, subject: &str, body: &str) {
    let ticket = Ticket::new().with_field("subject", subject).with_field("body", body);
    let tags = tagger.explain(&ticket);
    let text_of = |field: &str| if field == "subject" { subject } else { body };
    for tag in &tags.tags {
        assert!(tag.score > 0.0);
        for e in &tag.evidence {
            assert_eq!(text_of(e.field).get(e.start..e.end), Some(e.text));
        }
    }
    for s in tags.suppressed.iter().flatten() {
        assert_eq!(text_of(s.hit.field).get(s.hit.start..s.hit.end), Some(s.hit.text));
    }
    assert_eq!(tags.primary, tags.tags.first().map(|t| t.category));
}

proptest! {
    #[test]
    fn any_text_tags_without_panicking(subject in any::<String>(), body in any::<String>()) {
        check(tagger(), &subject, &body);
    }

    #[test]
    fn ticket_like_text_keeps_spans_valid(
        body in r"(İ|ß|Σ|é|日本|> |```\n|    |\n|not |429|rate limit|SSO|token|error|crash| )*"
    ) {
        check(tagger(), "", &body);
    }
}

#[test]
fn pathological_inputs_are_tagged() {
    let tagger = tagger();
    let long_line = "crash ".repeat(100_000);
    let fences = "```\n".repeat(10_000);
    let quotes = "> > > not not not\n".repeat(5_000);
    for body in [long_line.as_str(), fences.as_str(), quotes.as_str(), "\u{0}\u{feff}\u{202e}"] {
        check(tagger, body, body);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A taxonomy file is user input: loading any text returns a result,
    /// and every error it reports points inside the text.
    #[test]
    fn loading_any_text_never_panics(source in any::<String>()) {
        check_load(&source);
    }

    /// Small edits of a real taxonomy reach deeper than random text.
    #[test]
    fn loading_an_edited_taxonomy_never_panics(
        at in 0usize..4000,
        cut in 0usize..40,
        insert in r#"[\[\]"'=,\n a-z0-9\\(){}*?+.^$|-]{0,12}"#,
    ) {
        let source = Tagger::embedded_source();
        let at = floor_boundary(source, at.min(source.len()));
        let end = floor_boundary(source, (at + cut).min(source.len()));
        let edited = format!("{}{}{}", &source[..at], insert, &source[end..]);
        check_load(&edited);
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn check_load(source: &str) {
    if let Err(error) = Tagger::from_toml(source) {
        assert!(!error.errors().is_empty());
        for e in error.errors() {
            let location = e.location();
            assert!(location.is_none_or(|l| l.line >= 1 && l.column >= 1), "{e}");
            assert!(location.is_none_or(|l| l.span.start <= source.len()), "{e}");
        }
    }
}
