//! A stable content hash of a taxonomy.
//!
//! The hash lets a result say exactly which rules produced it. It is FNV-1a
//! over a canonical listing of everything that affects tagging, written out
//! here rather than derived, so that it stays the same across Rust releases
//! (std's hashers promise no such thing) and ignores comments and layout.

use std::fmt::Write;

use crate::taxonomy::Taxonomy;

pub(crate) fn content_hash(taxonomy: &Taxonomy) -> u64 {
    fnv1a(canonical(taxonomy).as_bytes())
}

fn canonical(taxonomy: &Taxonomy) -> String {
    // `{:?}` quotes and escapes every string, so no value can imitate a
    // separator; floats print in their shortest exact form.
    let mut out = String::new();
    let _ = writeln!(out, "version {:?}", taxonomy.version);
    for work in &taxonomy.work_kinds {
        let _ = writeln!(out, "work {:?}", work.id);
    }
    for category in &taxonomy.categories {
        let _ = writeln!(
            out,
            "category {:?} {:?} {:?} {:?}",
            category.id, category.name, category.work, category.threshold
        );
    }
    for field in &taxonomy.fields {
        let _ = writeln!(out, "field {:?} {:?}", field.name, field.weight);
    }
    let _ = writeln!(out, "negation {:?} {:?}", taxonomy.negation.cues, taxonomy.negation.window);
    for rule in &taxonomy.rules {
        let _ = writeln!(
            out,
            "rule {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            rule.id,
            rule.category_id,
            rule.keywords,
            rule.patterns,
            rule.all,
            rule.exclude,
            rule.fields,
            rule.zones.names().collect::<Vec<_>>(),
            rule.weight,
            rule.case_sensitive,
            rule.substring,
            rule.negation
        );
    }
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_its_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
