//! Properties of the public API that embedding services rely on.

use std::panic::{RefUnwindSafe, UnwindSafe};

use ticket_tagger::{Error, LoadError, Tagger, Tags, Taxonomy, Ticket, Warning};

fn assert_shareable<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    assert_shareable::<Tagger>();
    assert_shareable::<Taxonomy>();
    assert_shareable::<Tags<'static>>();
    assert_shareable::<Ticket<'static>>();
    assert_shareable::<Warning>();
    fn assert_error<T: Send + Sync + std::error::Error + 'static>() {}
    assert_error::<Error>();
    assert_error::<LoadError>();
}

#[test]
fn one_tagger_serves_many_threads() -> Result<(), LoadError> {
    let tagger = Tagger::embedded()?;
    let bodies = ["I get a 429 rate limit error", "How do I invite a teammate?", "SSO login 403"];
    let alone: Vec<_> = bodies.iter().map(|b| tagger.tag_text(b).primary).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut scanner = tagger.scanner();
                    bodies
                        .iter()
                        .map(|b| scanner.tag(&Ticket::from(*b)).primary)
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().ok(), Some(alone.clone()));
        }
    });
    Ok(())
}

#[test]
fn the_embedded_taxonomy_loads_with_the_documented_categories() -> Result<(), LoadError> {
    let tagger = Tagger::embedded()?;
    let taxonomy = tagger.taxonomy();
    let ids: Vec<_> = taxonomy.categories().iter().map(|c| c.id()).collect();
    assert_eq!(
        ids,
        [
            "model_quality",
            "missing_context",
            "workflow_confusion",
            "integration_failure",
            "permission_issue",
            "expectation_gap",
            "policy_restriction",
            "user_training",
            "product_defect",
            "custom_request",
        ]
    );
    let work: Vec<_> = taxonomy.work_kinds().iter().map(|w| w.id()).collect();
    assert_eq!(work, ["training", "defect", "expectation", "custom"]);
    assert!(!taxonomy.version().is_empty());
    assert_eq!(Tagger::embedded()?.taxonomy().hash(), taxonomy.hash());
    Ok(())
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_path() {
    let error = Tagger::from_path("/nonexistent/taxonomy.toml").err();
    let error = error.as_ref().map(|e| &e.errors()[0]);
    assert_eq!(error.map(|e| e.kind()), Some(ticket_tagger::ErrorKind::Io));
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("/nonexistent/taxonomy.toml"), "{message}");
    assert!(error.and_then(|e| std::error::Error::source(e)).is_some());
}

#[test]
fn error_and_warning_kinds_have_stable_names() {
    use ticket_tagger::{ErrorKind, WarningKind};
    assert_eq!(ErrorKind::UnknownKey.name(), "unknown_key");
    assert_eq!(ErrorKind::InvalidPattern.name(), "invalid_pattern");
    assert_eq!(WarningKind::EmptyMatch.name(), "empty_match");
    let error = Tagger::from_toml("version = 1").err();
    let kinds: Vec<_> = error.iter().flat_map(|e| e.errors()).map(|e| e.kind().name()).collect();
    assert_eq!(kinds, ["invalid_value"]);
}
