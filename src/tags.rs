//! What tagging a ticket yields: tags with scores and evidence.
//!
//! Every type here borrows from the tagger (names of categories and rules)
//! and from the ticket (field names and matched text), so producing a
//! result copies no text. All of them serialize with serde in a stable
//! shape; field names match the `tag` example's JSON output.

use serde::Serialize;

use crate::zone::Zone;

/// The tags of one ticket.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tags<'a> {
    /// The category support would route the ticket to: the tag with the
    /// highest score. Ties go to the category defined first in the
    /// taxonomy. `None` when no category passed its threshold.
    pub primary: Option<&'a str>,
    /// The work kind of the primary category.
    pub work: Option<&'a str>,
    /// Every category whose score passed its threshold, highest first.
    pub tags: Vec<Tag<'a>>,
    /// Hits that were found but did not count, and why. Only filled in by
    /// [`Tagger::explain`](crate::Tagger::explain) and scanners with
    /// [`Scanner::explain`](crate::Scanner::explain) on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Vec<Suppressed<'a>>>,
    /// Which taxonomy produced these tags.
    pub taxonomy: TaxonomyStamp<'a>,
}

/// One category a ticket is tagged with.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tag<'a> {
    /// The category's id.
    pub category: &'a str,
    /// The category's work kind.
    pub work: &'a str,
    /// The sum, over the category's rules that fired, of each rule's weight
    /// times the weight of the heaviest field it fired in; rounded to four
    /// decimals so that output is stable.
    pub score: f64,
    /// The hits of every rule that fired, in field order, then by position.
    pub evidence: Vec<Evidence<'a>>,
}

/// Where a rule fired: which rule, in which field and zone, on which text.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence<'a> {
    /// The rule's id.
    pub rule: &'a str,
    /// The ticket field's name.
    pub field: &'a str,
    /// The zone of the field the hit is in.
    pub zone: Zone,
    /// Byte offset where the hit starts in the field's original text.
    pub start: usize,
    /// Byte offset where it ends; `&field[start..end]` is always valid.
    pub end: usize,
    /// The matched text, as it appears in the ticket.
    pub text: &'a str,
}

/// A hit that did not count.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suppressed<'a> {
    /// The category the rule belongs to.
    pub category: &'a str,
    /// What was found, exactly as evidence would have reported it.
    #[serde(flatten)]
    pub hit: Evidence<'a>,
    /// Why it did not count.
    #[serde(flatten)]
    pub reason: Reason<'a>,
}

/// Why a hit did not count.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason<'a> {
    /// The hit is in a zone the rule does not read, such as a pasted log.
    Zone,
    /// A negation cue shortly before the hit, in the same clause, negates it.
    Negation {
        /// The cue as it appears in the ticket, such as `not`.
        cue: &'a str,
        /// Where the cue starts in the same field.
        cue_start: usize,
        /// Where the cue ends.
        cue_end: usize,
    },
    /// One of the rule's exclusions occurs in the ticket.
    Exclusion {
        /// The exclusion as it appears in the ticket.
        term: &'a str,
        /// The field it occurs in, which may differ from the hit's field.
        term_field: &'a str,
        /// Where it starts in that field.
        term_start: usize,
        /// Where it ends.
        term_end: usize,
    },
    /// One of the rule's required terms does not occur in the ticket.
    MissingRequired {
        /// The required term, as written in the taxonomy.
        term: &'a str,
    },
    /// The rule fired, but its category's score stayed under the category's
    /// threshold, so the ticket is not tagged with it.
    BelowThreshold {
        /// The category's score on this ticket.
        score: f64,
        /// The score it needed.
        threshold: f64,
    },
}

/// Which taxonomy produced a result.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TaxonomyStamp<'a> {
    /// The version the taxonomy file declares.
    pub version: &'a str,
    /// The taxonomy's content hash (see [`Taxonomy::hash`](crate::Taxonomy::hash)).
    pub hash: &'a str,
}
