//! Golden tests: each `tests/bad_taxonomies/NAME.toml` sits next to
//! `NAME.expected`, the exact problems loading it must report, one per line
//! (warnings prefixed `warning: `). Run with `BLESS=1` to rewrite the
//! expected files after a deliberate change of wording, then review the diff.

use std::fs;
use std::path::Path;

use ticket_tagger::Tagger;

fn report(name: &str, source: &str) -> String {
    match Tagger::from_toml_named(name, source) {
        Ok(tagger) => {
            let warnings = tagger.taxonomy().warnings();
            warnings.iter().map(|w| format!("warning: {w}\n")).collect()
        }
        Err(error) => error.errors().iter().map(|e| format!("{e}\n")).collect(),
    }
}

#[test]
fn bad_taxonomies_report_exactly_their_expected_problems() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_taxonomies");
    let mut checked = 0;
    let mut entries: Vec<_> = fs::read_dir(&dir).map(|d| d.flatten().collect()).unwrap_or_default();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let source = fs::read_to_string(&path).unwrap_or_default();
        let got = report(&name, &source);
        let expected_path = path.with_extension("expected");
        if std::env::var_os("BLESS").is_some() {
            fs::write(&expected_path, &got).unwrap_or_else(|e| panic!("{expected_path:?}: {e}"));
        }
        let want = fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{expected_path:?}: {e} (run with BLESS=1 to create)"));
        assert_eq!(got, want, "problems of {name}");
        assert!(!got.is_empty(), "{name} must produce at least one problem");
        checked += 1;
    }
    assert!(checked >= 9, "only {checked} golden files found in {dir:?}");
}
