//! The taxonomy file as written, before validation.
//!
//! These types mirror `taxonomy.toml` one to one. Every value that a
//! validation error may point at is wrapped in [`Spanned`], so the error can
//! name its line and column. Unknown keys are rejected, not ignored: a typo
//! such as `keywrods` must not silently leave a rule without keywords.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The top-level keys that are not arrays of tables. Each is read on its
/// own, so that a problem in one does not hide problems in the others.
#[derive(Debug, Default)]
pub(crate) struct HeaderConfig {
    pub version: Option<Spanned<String>>,
    pub negation: Option<NegationConfig>,
    pub fields: BTreeMap<String, Spanned<FieldConfig>>,
    pub defaults: Option<DefaultsConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NegationConfig {
    #[serde(default)]
    pub cues: Vec<Spanned<String>>,
    pub window: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldConfig {
    pub weight: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DefaultsConfig {
    pub threshold: Option<Spanned<f64>>,
    pub zones: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkKindConfig {
    pub id: Spanned<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategoryConfig {
    pub id: Spanned<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    pub work: Spanned<String>,
    pub threshold: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleConfig {
    pub id: Spanned<String>,
    pub category: Spanned<String>,
    #[serde(default)]
    pub keywords: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub all: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub fields: Option<Vec<Spanned<String>>>,
    pub zones: Option<Vec<Spanned<String>>>,
    pub weight: Option<Spanned<f64>>,
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default)]
    pub substring: bool,
    pub negation: Option<bool>,
}
