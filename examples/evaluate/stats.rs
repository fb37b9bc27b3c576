//! Tagging labelled tickets and counting how the taxonomy did.
//!
//! Each ticket is tagged once, in explain mode: the tags are the
//! predictions, and the hits listed as suppressed because their category
//! stayed under its threshold show, with the evidence of the tags, every
//! rule that fired on the ticket. Only counts are kept, never the tickets.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use ticket_tagger::{Reason, Scanner, Tagger, Tags};

use crate::input::Record;

/// The gold and predicted label of a ticket that fits no category.
pub const NONE: &str = "none";

/// A taxonomy to evaluate.
pub struct Loaded {
    /// The file it was read from, or [`Tagger::EMBEDDED_NAME`].
    pub name: String,
    pub tagger: Tagger,
}

impl Loaded {
    /// Compiles `source`.
    ///
    /// # Errors
    ///
    /// Every problem of the taxonomy, rendered one per line.
    pub fn new(name: &str, source: &str) -> Result<Loaded, String> {
        let tagger = Tagger::from_toml_named(name, source).map_err(|e| {
            let lines: Vec<String> = e.errors().iter().map(|e| format!("error: {e}")).collect();
            lines.join("\n")
        })?;
        Ok(Loaded { name: name.to_string(), tagger })
    }
}

/// The counts of one taxonomy over the tickets seen so far.
pub struct Evaluation<'t> {
    loaded: &'t Loaded,
    /// In explain mode, to see the rules that fired under the threshold.
    scanner: Scanner<'t>,
    category_index: HashMap<&'t str, usize>,
    rule_index: HashMap<&'t str, usize>,
    rule_category: Vec<usize>,

    tickets: usize,
    correct: usize,
    covered: usize,
    categories: Vec<CategoryCounts>,
    /// The gold labels of the confusion matrix's rows: the categories,
    /// `none`, then any gold label the taxonomy does not know.
    rows: Vec<String>,
    /// Rows by predicted label: the categories, then `none`.
    confusion: Vec<Vec<usize>>,
    rules: Vec<RuleCounts>,
    unknown_labels: BTreeMap<String, usize>,
}

#[derive(Clone, Default)]
struct CategoryCounts {
    gold: usize,
    predicted: usize,
    true_positives: usize,
}

#[derive(Clone, Default)]
struct RuleCounts {
    fires: usize,
    in_gold: usize,
    overlaps: usize,
    conflicts: usize,
    below_threshold: usize,
}

impl<'t> Evaluation<'t> {
    pub fn new(loaded: &'t Loaded) -> Evaluation<'t> {
        let taxonomy = loaded.tagger.taxonomy();
        let category_index: HashMap<&str, usize> =
            taxonomy.categories().iter().enumerate().map(|(i, c)| (c.id(), i)).collect();
        let rule_category = taxonomy.rules().iter().map(|r| category_index[r.category()]).collect();
        let n = taxonomy.categories().len();
        let mut rows: Vec<String> = taxonomy.categories().iter().map(|c| c.id().into()).collect();
        rows.push(NONE.to_string());

        let mut scanner = loaded.tagger.scanner();
        scanner.explain(true);
        Evaluation {
            loaded,
            scanner,
            category_index,
            rule_index: taxonomy.rules().iter().enumerate().map(|(i, r)| (r.id(), i)).collect(),
            rule_category,
            tickets: 0,
            correct: 0,
            covered: 0,
            categories: vec![CategoryCounts::default(); n],
            confusion: vec![vec![0; n + 1]; rows.len()],
            rows,
            rules: vec![RuleCounts::default(); taxonomy.rules().len()],
            unknown_labels: BTreeMap::new(),
        }
    }

    /// Tags one ticket, counts the outcome, and returns its primary
    /// category (`none` for a ticket without tags).
    pub fn add(&mut self, record: &Record<'_>) -> &'t str {
        let categories = self.loaded.tagger.taxonomy().categories();
        let n = categories.len();
        let tags = self.scanner.tag(&record.ticket);
        let predicted = self.indexes(&tags);
        let primary = tags.primary.map(|id| self.category_index[id]);
        let label = primary.map_or(NONE, |i| categories[i].id());

        // The gold set: the primary and the secondaries, without `none`.
        let mut gold = Vec::new();
        for &gold_label in std::iter::once(&record.primary).chain(&record.secondary) {
            match self.category_index.get(gold_label) {
                Some(category) if !gold.contains(category) => gold.push(*category),
                Some(_) => {}
                None if gold_label == NONE => {}
                None => *self.unknown_labels.entry(gold_label.to_string()).or_default() += 1,
            }
        }

        self.tickets += 1;
        self.covered += usize::from(primary.is_some());
        self.correct += usize::from(label == record.primary);
        let row = self.row(record.primary);
        self.confusion[row][primary.unwrap_or(n)] += 1;
        for &category in &predicted {
            self.categories[category].predicted += 1;
            self.categories[category].true_positives += usize::from(gold.contains(&category));
        }
        for &category in &gold {
            self.categories[category].gold += 1;
        }

        // A rule fired when it has evidence that counted: in a tag, or in
        // a hit suppressed only because its category stayed under the
        // threshold. The categories of such rules are the firing ones.
        let below = tags
            .suppressed
            .iter()
            .flatten()
            .filter(|s| matches!(s.reason, Reason::BelowThreshold { .. }));
        let evidence = tags.tags.iter().flat_map(|t| &t.evidence).chain(below.map(|s| &s.hit));
        let mut fired: Vec<usize> = evidence.map(|e| self.rule_index[e.rule]).collect();
        fired.sort_unstable();
        fired.dedup();
        let mut firing_categories: Vec<usize> =
            fired.iter().map(|&rule| self.rule_category[rule]).collect();
        firing_categories.sort_unstable();
        firing_categories.dedup();
        for rule in fired {
            let category = self.rule_category[rule];
            let counts = &mut self.rules[rule];
            let overlaps = firing_categories.iter().any(|&c| c != category);
            counts.fires += 1;
            counts.in_gold += usize::from(gold.contains(&category));
            counts.overlaps += usize::from(overlaps);
            counts.conflicts += usize::from(overlaps && primary != Some(category));
            counts.below_threshold += usize::from(!predicted.contains(&category));
        }
        label
    }

    /// The categories of `tags`, highest score first.
    fn indexes(&self, tags: &Tags<'_>) -> Vec<usize> {
        tags.tags.iter().map(|t| self.category_index[t.category]).collect()
    }

    /// The confusion matrix row of a gold primary label, added if new.
    fn row(&mut self, label: &str) -> usize {
        if let Some(row) = self.rows.iter().position(|r| r == label) {
            return row;
        }
        self.rows.push(label.to_string());
        self.confusion.push(vec![0; self.categories.len() + 1]);
        self.rows.len() - 1
    }

    /// The name of the taxonomy file.
    pub fn taxonomy_name(&self) -> &str {
        &self.loaded.name
    }

    /// Gold labels that are neither a category of the taxonomy nor `none`,
    /// with how many tickets carry each.
    pub fn unknown_labels(&self) -> &BTreeMap<String, usize> {
        &self.unknown_labels
    }

    pub fn report(&self) -> Report {
        let taxonomy = self.loaded.tagger.taxonomy();
        let ids: Vec<&str> = taxonomy.categories().iter().map(|c| c.id()).collect();

        let categories: Vec<CategoryReport> = ids
            .iter()
            .zip(&self.categories)
            .map(|(id, counts)| {
                let scores = Scores::of(
                    counts.true_positives,
                    counts.predicted - counts.true_positives,
                    counts.gold - counts.true_positives,
                );
                CategoryReport {
                    category: id.to_string(),
                    gold: counts.gold,
                    predicted: counts.predicted,
                    true_positives: counts.true_positives,
                    scores,
                }
            })
            .collect();
        let sum = |f: fn(&CategoryCounts) -> usize| self.categories.iter().map(f).sum::<usize>();
        let true_positives = sum(|c| c.true_positives);
        let micro = Scores::of(
            true_positives,
            sum(|c| c.predicted) - true_positives,
            sum(|c| c.gold) - true_positives,
        );
        let f1_sum: f64 = categories.iter().map(|c| c.scores.f1.unwrap_or(0.0)).sum();

        let mut rules: Vec<RuleReport> = taxonomy
            .rules()
            .iter()
            .zip(&self.rules)
            .map(|(rule, counts)| RuleReport {
                rule: rule.id().to_string(),
                category: rule.category().to_string(),
                fires: counts.fires,
                coverage: ratio(counts.fires, self.tickets),
                precision: ratio(counts.in_gold, counts.fires),
                overlaps: counts.overlaps,
                conflicts: counts.conflicts,
                below_threshold: counts.below_threshold,
            })
            .collect();
        rules.sort_by(|a, b| {
            (self.category_index[a.category.as_str()], &a.rule)
                .cmp(&(self.category_index[b.category.as_str()], &b.rule))
        });
        let never_firing = rules.iter().filter(|r| r.fires == 0).map(|r| r.rule.clone()).collect();

        let mut columns: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        columns.push(NONE.to_string());
        Report {
            taxonomy: TaxonomyReport {
                file: self.loaded.name.clone(),
                version: taxonomy.version().to_string(),
                hash: taxonomy.hash(),
            },
            tickets: self.tickets,
            correct: self.correct,
            accuracy: ratio(self.correct, self.tickets),
            covered: self.covered,
            coverage: ratio(self.covered, self.tickets),
            macro_f1: (!ids.is_empty()).then(|| f1_sum / ids.len() as f64),
            micro,
            categories,
            confusion: Confusion {
                rows: self.rows.clone(),
                columns,
                counts: self.confusion.clone(),
            },
            rules,
            never_firing,
        }
    }
}

/// `part / whole`, or `None` when `whole` is zero.
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Everything the evaluation of one taxonomy found: the shape of the
/// `--json` output.
#[derive(Debug, Serialize)]
pub struct Report {
    pub taxonomy: TaxonomyReport,
    pub tickets: usize,
    /// Tickets whose predicted primary (`none` without tags) is the gold one.
    pub correct: usize,
    pub accuracy: Option<f64>,
    /// Tickets with at least one tag.
    pub covered: usize,
    pub coverage: Option<f64>,
    /// The mean F1 over the taxonomy's categories, an undefined F1 counting
    /// as zero.
    pub macro_f1: Option<f64>,
    pub micro: Scores,
    pub categories: Vec<CategoryReport>,
    pub confusion: Confusion,
    /// By category in taxonomy order, then by rule id.
    pub rules: Vec<RuleReport>,
    pub never_firing: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TaxonomyReport {
    pub file: String,
    pub version: String,
    pub hash: String,
}

/// Precision, recall and F1; `None` where a denominator is zero.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scores {
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

impl Scores {
    fn of(true_positives: usize, false_positives: usize, false_negatives: usize) -> Scores {
        let precision = ratio(true_positives, true_positives + false_positives);
        let recall = ratio(true_positives, true_positives + false_negatives);
        // With nothing predicted and nothing gold, F1 says nothing; with
        // either but no true positive, it is zero.
        let f1 = match (precision, recall) {
            (None, None) => None,
            (p, r) => {
                let (p, r) = (p.unwrap_or(0.0), r.unwrap_or(0.0));
                Some(if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
            }
        };
        Scores { precision, recall, f1 }
    }
}

#[derive(Debug, Serialize)]
pub struct CategoryReport {
    pub category: String,
    /// Tickets with the category as gold primary or secondary.
    pub gold: usize,
    /// Tickets tagged with it.
    pub predicted: usize,
    pub true_positives: usize,
    #[serde(flatten)]
    pub scores: Scores,
}

/// Gold primary labels (rows) by predicted primary labels (columns).
#[derive(Debug, Serialize)]
pub struct Confusion {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

#[derive(Debug, Serialize)]
pub struct RuleReport {
    pub rule: String,
    pub category: String,
    /// Tickets where the rule has evidence that counted, whether or not its
    /// category passed the threshold.
    pub fires: usize,
    pub coverage: Option<f64>,
    /// The share of its firings where its category is in the gold set.
    pub precision: Option<f64>,
    /// Firings on tickets where a rule of another category fired too.
    pub overlaps: usize,
    /// Overlaps where the primary went to another category (or none).
    pub conflicts: usize,
    /// Firings where its category stayed under the threshold.
    pub below_threshold: usize,
}
