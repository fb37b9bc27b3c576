//! The validated taxonomy: work kinds, categories, fields and rules.
//!
//! A [`Taxonomy`] is what a `taxonomy.toml` means once every problem has
//! been ruled out. It is read through a [`Tagger`](crate::Tagger), which
//! compiles it; these types let a caller list what a tagger knows.

use crate::error::Warning;
use crate::pattern::Pattern;
use crate::zone::Zones;

/// The default taxonomy, embedded in the crate.
pub(crate) const EMBEDDED: &str = include_str!("../taxonomy.toml");

/// The name that errors in the embedded taxonomy point at.
pub(crate) const EMBEDDED_NAME: &str = "taxonomy.toml (embedded)";

/// A loaded, validated taxonomy.
#[derive(Debug)]
pub struct Taxonomy {
    pub(crate) version: String,
    pub(crate) hash: u64,
    pub(crate) work_kinds: Vec<WorkKind>,
    pub(crate) categories: Vec<Category>,
    pub(crate) fields: Vec<Field>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) negation: Negation,
    pub(crate) warnings: Vec<Warning>,
}

impl Taxonomy {
    /// The version its file declares, as in `version = "2026.12"`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A stable hash of everything that affects tagging, as 16 hex digits.
    ///
    /// Two taxonomies with the same hash tag every ticket the same way;
    /// comments, key order and formatting do not change it.
    pub fn hash(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// The work kinds, in the order of the file.
    pub fn work_kinds(&self) -> &[WorkKind] {
        &self.work_kinds
    }

    /// The categories, in the order of the file, which is also the order
    /// that breaks ties between equal scores.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The rules, in the order of the file.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The ticket fields the taxonomy declares, with their weights.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The negation cues, folded to lowercase.
    pub fn negation_cues(&self) -> &[String] {
        &self.negation.cues
    }

    /// How many words may stand between a negation cue and the hit it
    /// negates.
    pub fn negation_window(&self) -> usize {
        self.negation.window
    }

    /// The doubts found while loading; empty for a clean taxonomy.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// What the company should do with a category's tickets: training, defect,
/// expectation or custom work in the default taxonomy.
#[derive(Clone, Debug)]
pub struct WorkKind {
    pub(crate) id: String,
    pub(crate) description: String,
}

impl WorkKind {
    /// The work kind's id, as in `defect`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the work kind means.
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// A failure type that tickets are tagged with.
#[derive(Clone, Debug)]
pub struct Category {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) work: String,
    pub(crate) threshold: f64,
}

impl Category {
    /// The category's id, as in `permission_issue`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its display name, as in `Permission issue`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What tickets of this category are about.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The id of its work kind.
    pub fn work(&self) -> &str {
        &self.work
    }

    /// The score a ticket needs to be tagged with it.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
}

/// A ticket field that the taxonomy declares, such as `subject`.
#[derive(Clone, Debug)]
pub struct Field {
    pub(crate) name: String,
    pub(crate) weight: f64,
}

impl Field {
    /// The field's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What a rule's weight is multiplied by when it fires in this field.
    pub fn weight(&self) -> f64 {
        self.weight
    }
}

/// The words that negate a hit that follows them.
#[derive(Clone, Debug)]
pub(crate) struct Negation {
    pub cues: Vec<String>,
    pub window: usize,
}

/// A rule: what to look for, where, and for which category.
#[derive(Clone, Debug)]
pub struct Rule {
    pub(crate) id: String,
    pub(crate) category: usize,
    pub(crate) category_id: String,
    pub(crate) keywords: Vec<String>,
    pub(crate) patterns: Vec<String>,
    pub(crate) compiled: Vec<Pattern>,
    pub(crate) all: Vec<String>,
    pub(crate) exclude: Vec<String>,
    /// Indexes into the taxonomy's fields, or `None` for every field.
    pub(crate) fields: Option<Vec<usize>>,
    pub(crate) zones: Zones,
    pub(crate) weight: f64,
    pub(crate) case_sensitive: bool,
    pub(crate) substring: bool,
    pub(crate) negation: bool,
}

impl Rule {
    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of the category it tags.
    pub fn category(&self) -> &str {
        &self.category_id
    }

    /// Its keywords, as written.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// Its patterns, as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Terms that must all occur for the rule to fire.
    pub fn required(&self) -> &[String] {
        &self.all
    }

    /// Terms whose presence suppresses the rule.
    pub fn exclusions(&self) -> &[String] {
        &self.exclude
    }

    /// The zones it reads: some of `prose`, `code` and `quote`.
    pub fn zones(&self) -> impl Iterator<Item = &'static str> {
        self.zones.names()
    }

    /// Its weight.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// Whether it reads a ticket field declared at index `declared` of the
    /// taxonomy's fields, or, for `None`, a field the taxonomy does not
    /// declare (which only rules without a field scope read).
    pub(crate) fn reads(&self, declared: Option<usize>) -> bool {
        match (&self.fields, declared) {
            (None, _) => true,
            (Some(fields), Some(index)) => fields.contains(&index),
            (Some(_), None) => false,
        }
    }
}
