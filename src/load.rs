//! Reading a `taxonomy.toml`: parsing, validation, and every problem at once.
//!
//! The file is parsed with the TOML parser's recovering mode, so all syntax
//! errors are reported together. Each `[[work_kind]]`, `[[category]]` and
//! `[[rule]]` table is then read on its own, so that a typo in one rule does
//! not hide the problems of the next. Only when nothing is wrong does a
//! [`Taxonomy`] come out.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use serde::de::IntoDeserializer;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::boundary::is_whole_word;
use crate::config::{CategoryConfig, HeaderConfig, RuleConfig, WorkKindConfig};
use crate::error::{Error, ErrorKind, LoadError, Location, Warning, WarningKind};
use crate::fold::fold_keyword;
use crate::pattern::{self, PatternError};
use crate::taxonomy::{Category, Field, Negation, Rule, Taxonomy, WorkKind};
use crate::zone::{Zone, Zones};

/// What labelled data and reports call a ticket that fits no category.
const NO_CATEGORY: &str = "none";

/// Negation cues for a taxonomy that has no `[negation]` table.
const DEFAULT_NEGATION_CUES: &[&str] = &[
    "not",
    "no",
    "never",
    "without",
    "no longer",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "doesn't",
    "don't",
    "didn't",
    "hasn't",
    "haven't",
    "cannot",
    "nor",
    "neither",
];

/// How many words may separate a negation cue from what it negates, unless
/// the taxonomy says otherwise.
const DEFAULT_NEGATION_WINDOW: i64 = 4;

/// The widest negation window: a cue further away than a long sentence
/// negates nothing it could be sure of.
const MAX_NEGATION_WINDOW: i64 = 100;

/// Loads and validates a taxonomy from its TOML text.
pub(crate) fn load(file: &str, source: &str) -> Result<Taxonomy, LoadError> {
    let mut problems = Problems { file, source, errors: Vec::new(), warnings: Vec::new() };

    let (root, syntax_errors) = DeTable::parse_recoverable(source);
    if !syntax_errors.is_empty() {
        // The parser recovers after an error, but what it reports next on
        // the same line is usually an echo of the first; keep the first.
        let mut lines = HashSet::new();
        for error in syntax_errors {
            let line = error.span().map(|s| problems.location(s).line);
            if lines.insert(line) {
                problems.toml_error(ErrorKind::Syntax, &error, None);
            }
        }
        return Err(LoadError::new(problems.errors));
    }

    let root = root.into_inner();
    let mut header = HeaderConfig::default();
    let mut has_version = false;
    let (mut work_kinds, mut categories, mut rules) = (Vec::new(), Vec::new(), Vec::new());
    for (key, value) in root {
        let span = key.span();
        match key.get_ref().as_ref() {
            "version" => {
                has_version = true;
                header.version = problems.read_value(value, None);
            }
            "negation" => header.negation = problems.read_value(value, None),
            "fields" => header.fields = problems.read_value(value, None).unwrap_or_default(),
            "defaults" => header.defaults = problems.read_value(value, None),
            "work_kind" => {
                for table in problems.tables(value, "work_kind") {
                    work_kinds.extend(problems.read(table, None));
                }
            }
            "category" => {
                for table in problems.tables(value, "category") {
                    categories.extend(problems.read(table, None));
                }
            }
            "rule" => {
                for table in problems.tables(value, "rule") {
                    let id = table.get_ref().get("id").and_then(|v| v.get_ref().as_str());
                    let id = id.map(str::to_string);
                    rules.extend(problems.read::<RuleConfig>(table, id.as_deref()));
                }
            }
            other => {
                let message = format!(
                    "unknown key `{other}`, expected one of `version`, `negation`, `fields`, \
                     `defaults`, `work_kind`, `category`, `rule`"
                );
                problems.push(ErrorKind::UnknownKey, message, span, None);
            }
        }
    }
    if !has_version {
        let message = "missing key `version`: a taxonomy must say which version it is".to_string();
        problems.push(ErrorKind::InvalidValue, message, 0..0, None);
    }

    let taxonomy = problems.validate(header, work_kinds, categories, rules);
    if problems.errors.is_empty() { Ok(taxonomy) } else { Err(LoadError::new(problems.errors)) }
}

struct Problems<'a> {
    file: &'a str,
    source: &'a str,
    errors: Vec<Error>,
    warnings: Vec<Warning>,
}

impl Problems<'_> {
    fn location(&self, span: Range<usize>) -> Location {
        Location::of_span(self.file, self.source, span)
    }

    fn push(&mut self, kind: ErrorKind, message: String, span: Range<usize>, rule: Option<&str>) {
        let error = Error::new(kind, message).at(self.location(span)).in_rule(rule);
        self.errors.push(error);
    }

    fn warn(&mut self, kind: WarningKind, message: String, span: Range<usize>, rule: &str) {
        let location = Some(self.location(span));
        self.warnings.push(Warning { kind, message, location, rule: Some(rule.to_string()) });
    }

    fn toml_error(&mut self, kind: ErrorKind, error: &toml::de::Error, rule: Option<&str>) {
        let mut message = error.message().trim().trim_end_matches('.').to_string();
        if let Some(first) = message.get(..1) {
            message = first.to_lowercase() + &message[1..];
        }
        // serde says "field"; in a TOML file it is a key.
        let kind = match message.strip_prefix("unknown field") {
            Some(rest) => {
                message = format!("unknown key{rest}");
                ErrorKind::UnknownKey
            }
            None => kind,
        };
        let mut problem = Error::new(kind, message).in_rule(rule).caused_by(error.clone());
        if let Some(span) = error.span() {
            problem = problem.at(self.location(span));
        }
        self.errors.push(problem);
    }

    /// The tables of an array of tables such as `[[rule]]`.
    fn tables<'i>(&mut self, value: Spanned<DeValue<'i>>, key: &str) -> Vec<Spanned<DeTable<'i>>> {
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            let message = format!("`{key}` must be an array of tables, written [[{key}]]");
            self.push(ErrorKind::InvalidValue, message, span, None);
            return Vec::new();
        };
        let mut tables = Vec::new();
        for item in items {
            let span = item.span();
            match item.into_inner() {
                DeValue::Table(table) => tables.push(Spanned::new(span, table)),
                _ => {
                    let message = format!("each `{key}` must be a table, written [[{key}]]");
                    self.push(ErrorKind::InvalidValue, message, span, None);
                }
            }
        }
        tables
    }

    /// Reads one value into its config type, recording what is wrong.
    fn read_value<'i, T: Deserialize<'i>>(
        &mut self,
        value: Spanned<DeValue<'i>>,
        rule: Option<&str>,
    ) -> Option<T> {
        T::deserialize(value.into_deserializer())
            .map_err(|e| self.toml_error(ErrorKind::InvalidValue, &e, rule))
            .ok()
    }

    /// Reads one table into its config type, recording what is wrong.
    fn read<'i, T: Deserialize<'i>>(
        &mut self,
        table: Spanned<DeTable<'i>>,
        rule: Option<&str>,
    ) -> Option<T> {
        T::deserialize(table.into_deserializer())
            .map_err(|e| self.toml_error(ErrorKind::InvalidValue, &e, rule))
            .ok()
    }

    /// A weight or threshold: finite and not negative.
    fn number(
        &mut self,
        what: &str,
        value: Option<&Spanned<f64>>,
        default: f64,
        rule: Option<&str>,
    ) -> f64 {
        let Some(value) = value else { return default };
        let n = *value.get_ref();
        if !n.is_finite() || n < 0.0 {
            let message = format!("{what} must be a finite number of at least 0, not {n}");
            self.push(ErrorKind::InvalidNumber, message, value.span(), rule);
            return default;
        }
        n
    }

    fn zones(&mut self, names: &[Spanned<String>], rule: Option<&str>) -> Zones {
        let mut zones = Zones::default();
        for name in names {
            match Zone::from_name(name.get_ref()) {
                Some(zone) => zones.insert(zone),
                None => self.push(
                    ErrorKind::UnknownZone,
                    format!(
                        "unknown zone {:?}, expected one of \"code\", \"prose\", \"quote\"",
                        name.get_ref()
                    ),
                    name.span(),
                    rule,
                ),
            }
        }
        zones
    }

    /// Keywords and terms: not empty, not only whitespace.
    fn terms(&mut self, terms: &[Spanned<String>], what: &str, rule: &str) -> Vec<String> {
        for term in terms {
            if term.get_ref().trim().is_empty() {
                let message = format!("{what} is empty or only whitespace");
                self.push(ErrorKind::EmptyKeyword, message, term.span(), Some(rule));
            }
        }
        terms.iter().map(|t| t.get_ref().clone()).collect()
    }

    fn validate(
        &mut self,
        header: HeaderConfig,
        work_configs: Vec<WorkKindConfig>,
        category_configs: Vec<CategoryConfig>,
        rule_configs: Vec<RuleConfig>,
    ) -> Taxonomy {
        let mut seen = HashSet::new();
        let mut work_kinds = Vec::new();
        for config in work_configs {
            if self.unique(&mut seen, "work kind", &config.id, None) {
                let id = config.id.into_inner();
                work_kinds.push(WorkKind { id, description: config.description });
            }
        }

        let fields: Vec<Field> = header
            .fields
            .iter()
            .map(|(name, config)| Field {
                name: name.clone(),
                weight: self.number("field weight", config.get_ref().weight.as_ref(), 1.0, None),
            })
            .collect();

        let defaults = header.defaults.as_ref();
        let threshold =
            self.number("threshold", defaults.and_then(|d| d.threshold.as_ref()), 1.0, None);
        let default_zones = match defaults.and_then(|d| d.zones.as_ref()) {
            Some(names) => self.zones(names, None),
            None => [Zone::Prose].into_iter().collect(),
        };
        let negation = self.negation(&header);

        let mut seen = HashSet::new();
        let mut categories = Vec::new();
        for config in category_configs {
            if !work_kinds.iter().any(|w| w.id == *config.work.get_ref()) {
                let message = format!("unknown work kind {:?}", config.work.get_ref());
                self.push(ErrorKind::UnknownWorkKind, message, config.work.span(), None);
            }
            let threshold = self.number("threshold", config.threshold.as_ref(), threshold, None);
            if config.id.get_ref() == NO_CATEGORY {
                let message = format!(
                    "category id {NO_CATEGORY:?} is reserved: it stands for a ticket with no tag"
                );
                self.push(ErrorKind::ReservedId, message, config.id.span(), None);
            }
            if self.unique(&mut seen, "category", &config.id, None) {
                let id = config.id.into_inner();
                categories.push(Category {
                    name: config.name.unwrap_or_else(|| id.clone()),
                    id,
                    description: config.description,
                    work: config.work.into_inner(),
                    threshold,
                });
            }
        }

        let mut seen = HashSet::new();
        let mut rules = Vec::new();
        for config in &rule_configs {
            let rule = self.rule(config, &categories, &fields, default_zones);
            let unique = self.unique(&mut seen, "rule", &config.id, Some(config.id.get_ref()));
            if let (Some(rule), true) = (rule, unique) {
                rules.push(rule);
            }
        }
        self.keyword_warnings(&rule_configs, &rules);

        let mut taxonomy = Taxonomy {
            version: header.version.map(Spanned::into_inner).unwrap_or_default(),
            hash: 0,
            work_kinds,
            categories,
            fields,
            rules,
            negation,
            warnings: self.sorted_warnings(),
        };
        taxonomy.hash = crate::hash::content_hash(&taxonomy);
        taxonomy
    }

    fn sorted_warnings(&mut self) -> Vec<Warning> {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.sort_by_key(|w| w.location.as_ref().map(|l| l.span.start));
        warnings
    }

    fn unique(
        &mut self,
        seen: &mut HashSet<String>,
        what: &str,
        id: &Spanned<String>,
        rule: Option<&str>,
    ) -> bool {
        if id.get_ref().trim().is_empty() {
            self.push(ErrorKind::InvalidValue, format!("{what} id is empty"), id.span(), rule);
            return false;
        }
        if !seen.insert(id.get_ref().clone()) {
            let message = format!("duplicate {what} id {:?}", id.get_ref());
            self.push(ErrorKind::DuplicateId, message, id.span(), rule);
            return false;
        }
        true
    }

    fn negation(&mut self, header: &HeaderConfig) -> Negation {
        let Some(config) = &header.negation else {
            return Negation {
                cues: DEFAULT_NEGATION_CUES.iter().map(|c| c.to_string()).collect(),
                window: DEFAULT_NEGATION_WINDOW as usize,
            };
        };
        let cues = config
            .cues
            .iter()
            .filter_map(|cue| {
                if cue.get_ref().trim().is_empty() {
                    let message = "negation cue is empty or only whitespace".to_string();
                    self.push(ErrorKind::EmptyKeyword, message, cue.span(), None);
                    return None;
                }
                Some(fold_keyword(cue.get_ref()))
            })
            .collect();
        let window = match &config.window {
            Some(window) if !(0..=MAX_NEGATION_WINDOW).contains(window.get_ref()) => {
                let message = format!(
                    "negation window must be from 0 to {MAX_NEGATION_WINDOW} words, not {}",
                    window.get_ref()
                );
                self.push(ErrorKind::InvalidNumber, message, window.span(), None);
                0
            }
            Some(window) => *window.get_ref() as usize,
            None => DEFAULT_NEGATION_WINDOW as usize,
        };
        Negation { cues, window }
    }

    fn rule(
        &mut self,
        config: &RuleConfig,
        categories: &[Category],
        fields: &[Field],
        default_zones: Zones,
    ) -> Option<Rule> {
        let id = config.id.get_ref().as_str();
        let category = categories.iter().position(|c| c.id == *config.category.get_ref());
        if category.is_none() {
            let message = format!("unknown category {:?}", config.category.get_ref());
            self.push(ErrorKind::UnknownCategory, message, config.category.span(), Some(id));
        }
        if config.keywords.is_empty() && config.patterns.is_empty() {
            let message = "rule has no keywords and no patterns, so it can never fire".to_string();
            self.push(ErrorKind::EmptyRule, message, config.id.span(), Some(id));
        }

        let keywords = self.terms(&config.keywords, "keyword", id);
        let all = self.terms(&config.all, "required term", id);
        let exclude = self.terms(&config.exclude, "exclusion", id);
        let compiled = config
            .patterns
            .iter()
            .filter_map(|source| self.pattern(source, config.case_sensitive, id))
            .collect();

        let rule_fields = config.fields.as_ref().map(|names| {
            names
                .iter()
                .filter_map(|name| {
                    let found = fields.iter().position(|f| f.name == *name.get_ref());
                    if found.is_none() {
                        let message = format!(
                            "unknown field {:?}; declare it under [fields] first",
                            name.get_ref()
                        );
                        self.push(ErrorKind::UnknownField, message, name.span(), Some(id));
                    }
                    found
                })
                .collect()
        });
        let zones = match &config.zones {
            Some(names) => self.zones(names, Some(id)),
            None => default_zones,
        };
        let weight = self.number("weight", config.weight.as_ref(), 1.0, Some(id));

        Some(Rule {
            id: id.to_string(),
            category: category?,
            category_id: config.category.get_ref().clone(),
            keywords,
            patterns: config.patterns.iter().map(|p| p.get_ref().clone()).collect(),
            compiled,
            all,
            exclude,
            fields: rule_fields,
            zones,
            weight,
            case_sensitive: config.case_sensitive,
            substring: config.substring,
            negation: config.negation.unwrap_or(true),
        })
    }

    fn pattern(
        &mut self,
        source: &Spanned<String>,
        case_sensitive: bool,
        rule: &str,
    ) -> Option<pattern::Pattern> {
        match pattern::compile(source.get_ref(), case_sensitive) {
            Ok(compiled) => {
                if compiled.matches_empty {
                    let message = format!(
                        "pattern {:?} can match the empty string, so it fires on every ticket",
                        source.get_ref()
                    );
                    self.warn(WarningKind::EmptyMatch, message, source.span(), rule);
                }
                Some(compiled)
            }
            Err(PatternError::Invalid(error, short)) => {
                let message = format!("invalid pattern {:?}: {short}", source.get_ref());
                let problem = Error::new(ErrorKind::InvalidPattern, message)
                    .at(self.location(source.span()))
                    .in_rule(Some(rule))
                    .caused_by(error);
                self.errors.push(problem);
                None
            }
            Err(PatternError::TooLarge(error)) => {
                let message = format!(
                    "pattern {:?} compiles past the size limit of {} bytes",
                    source.get_ref(),
                    pattern::PATTERN_SIZE_LIMIT
                );
                let problem = Error::new(ErrorKind::PatternTooLarge, message)
                    .at(self.location(source.span()))
                    .in_rule(Some(rule))
                    .caused_by(error);
                self.errors.push(problem);
                None
            }
        }
    }

    /// Warns about keywords that cannot help: one shared by two categories,
    /// and one that another keyword of the same category already covers.
    fn keyword_warnings(&mut self, configs: &[RuleConfig], rules: &[Rule]) {
        // Who first used each folded keyword: (category, rule id).
        let mut first_use: HashMap<String, (usize, &str)> = HashMap::new();
        for rule in rules {
            let Some(config) = configs.iter().find(|c| *c.id.get_ref() == rule.id) else {
                continue;
            };
            let fold = |k: &str| if rule.case_sensitive { k.to_string() } else { fold_keyword(k) };
            // Fold each keyword once: the containment check below pairs
            // every keyword of the rule with every other.
            let folded_keywords: Vec<String> =
                config.keywords.iter().map(|k| fold(k.get_ref())).collect();
            for (keyword, folded) in config.keywords.iter().zip(&folded_keywords) {
                match first_use.get(folded) {
                    Some(&(category, other)) if category != rule.category => {
                        let message = format!(
                            "keyword {:?} is also in rule {other:?} of category {:?}, so it cannot tell them apart",
                            keyword.get_ref(),
                            rules
                                .iter()
                                .find(|r| r.id == other)
                                .map_or("", |r| r.category_id.as_str()),
                        );
                        self.warn(WarningKind::DuplicateKeyword, message, keyword.span(), &rule.id);
                    }
                    Some(&(_, other)) => {
                        let message = format!(
                            "keyword {:?} is shadowed: rule {other:?} of the same category already has it",
                            keyword.get_ref()
                        );
                        self.warn(WarningKind::ShadowedKeyword, message, keyword.span(), &rule.id);
                    }
                    None => {
                        first_use.insert(folded.clone(), (rule.category, &rule.id));
                    }
                }
                // Within one rule, a keyword that contains another as a whole
                // word fires only where the shorter one fires too.
                for (shorter, short) in config.keywords.iter().zip(&folded_keywords) {
                    if short.len() < folded.len() && contains_word(folded, short, rule.substring) {
                        let message = format!(
                            "keyword {:?} is shadowed by {:?} in the same rule, which matches wherever it does",
                            keyword.get_ref(),
                            shorter.get_ref()
                        );
                        self.warn(WarningKind::ShadowedKeyword, message, keyword.span(), &rule.id);
                        break;
                    }
                }
            }
        }
    }
}

fn contains_word(haystack: &str, needle: &str, substring: bool) -> bool {
    if needle.trim().is_empty() {
        return false;
    }
    haystack
        .match_indices(needle)
        .any(|(at, _)| substring || is_whole_word(haystack, at, at + needle.len()))
}
