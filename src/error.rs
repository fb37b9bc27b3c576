//! Errors and warnings from loading a taxonomy.
//!
//! Every problem names where it is: the file, the line and column of the
//! offending value, and the rule it belongs to, when there is one. Loading
//! collects all problems it can find and returns them together as a
//! [`LoadError`], so that one run of `check` shows everything to fix.

use std::fmt;
use std::ops::Range;

/// Where in a taxonomy file a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name given when loading, or `<string>` for text loaded
    /// without one.
    pub file: String,
    /// The line, counting from 1.
    pub line: usize,
    /// The column in characters, counting from 1.
    pub column: usize,
    /// The byte span of the offending text in the file.
    pub span: Range<usize>,
}

impl Location {
    /// Locates a byte span of `source`, which was read from `file`.
    pub(crate) fn of_span(file: &str, source: &str, span: Range<usize>) -> Location {
        // A span from the parser may point one past the end of the file
        // (an unterminated table, say); clamp it so slicing stays valid.
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..start].chars().count() + 1;
        Location { file: file.to_string(), line, column, span }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// What kind of problem an [`Error`] is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The taxonomy file could not be read.
    Io,
    /// The file is not valid TOML.
    Syntax,
    /// A key that the taxonomy language does not have, such as a typo.
    UnknownKey,
    /// A value of the wrong type, or a required key that is missing.
    InvalidValue,
    /// A rule names a category that the taxonomy does not define.
    UnknownCategory,
    /// A category names a work kind that the taxonomy does not define.
    UnknownWorkKind,
    /// A rule reads a ticket field that the taxonomy does not declare.
    UnknownField,
    /// A rule reads a zone that does not exist.
    UnknownZone,
    /// Two categories, work kinds or rules share an id.
    DuplicateId,
    /// A keyword or term that is empty or only whitespace.
    EmptyKeyword,
    /// A pattern that is not a valid regular expression.
    InvalidPattern,
    /// A pattern whose compiled form exceeds the size limit.
    PatternTooLarge,
    /// A weight, threshold or window that is negative, infinite or NaN.
    InvalidNumber,
    /// A rule with no keyword and no pattern: it could never fire.
    EmptyRule,
    /// A category id that is reserved, such as `none`.
    ReservedId,
}

impl ErrorKind {
    /// A stable snake_case name for machine output, such as `unknown_key`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Syntax => "syntax",
            ErrorKind::UnknownKey => "unknown_key",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::UnknownCategory => "unknown_category",
            ErrorKind::UnknownWorkKind => "unknown_work_kind",
            ErrorKind::UnknownField => "unknown_field",
            ErrorKind::UnknownZone => "unknown_zone",
            ErrorKind::DuplicateId => "duplicate_id",
            ErrorKind::EmptyKeyword => "empty_keyword",
            ErrorKind::InvalidPattern => "invalid_pattern",
            ErrorKind::PatternTooLarge => "pattern_too_large",
            ErrorKind::InvalidNumber => "invalid_number",
            ErrorKind::EmptyRule => "empty_rule",
            ErrorKind::ReservedId => "reserved_id",
        }
    }
}

/// One problem found while loading a taxonomy.
///
/// The message is lowercase and has no trailing period; `Display` puts the
/// location and the rule id in front of it, as in
/// `taxonomy.toml:12:5: rule "auth.sso": unknown field "subjcet"`.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct Error {
    // Boxed so that a `Result<_, Error>` stays small.
    inner: Box<Inner>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    rule: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        let inner = Inner { kind, message: message.into(), location: None, rule: None };
        Error { inner: Box::new(inner), source: None }
    }

    pub(crate) fn at(mut self, location: Location) -> Error {
        self.inner.location = Some(location);
        self
    }

    pub(crate) fn in_rule(mut self, rule: Option<&str>) -> Error {
        self.inner.rule = rule.map(str::to_string);
        self
    }

    pub(crate) fn caused_by(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message alone, without location or rule id.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Where the problem is, when it is in the file's text.
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }

    /// The id of the rule the problem belongs to, if any.
    pub fn rule(&self) -> Option<&str> {
        self.inner.rule.as_deref()
    }

    fn render(&self) -> String {
        render(self.location(), self.rule(), self.message())
    }
}

fn render(location: Option<&Location>, rule: Option<&str>, message: &str) -> String {
    let mut out = String::new();
    if let Some(location) = location {
        out.push_str(&format!("{location}: "));
    }
    if let Some(rule) = rule {
        out.push_str(&format!("rule {rule:?}: "));
    }
    out.push_str(message);
    out
}

/// Every problem found while loading one taxonomy.
///
/// There is always at least one. `Display` writes one problem per line, in
/// the order of the file.
#[derive(Debug)]
pub struct LoadError {
    errors: Vec<Error>,
}

impl LoadError {
    pub(crate) fn new(mut errors: Vec<Error>) -> LoadError {
        // Problems are found in several passes; show them in file order.
        errors.sort_by_key(|e| e.location().map(|l| l.span.start));
        LoadError { errors }
    }

    /// The problems, in the order of the file.
    pub fn errors(&self) -> &[Error] {
        &self.errors
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.errors.first().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// What kind of doubt a [`Warning`] raises.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// The same keyword belongs to rules of two categories, so it cannot
    /// tell them apart.
    DuplicateKeyword,
    /// A keyword is already matched wherever a shorter keyword of the same
    /// category matches, so it adds nothing.
    ShadowedKeyword,
    /// A pattern can match the empty string, so it fires on any ticket.
    EmptyMatch,
}

impl WarningKind {
    /// A stable snake_case name for machine output, such as `empty_match`.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::DuplicateKeyword => "duplicate_keyword",
            WarningKind::ShadowedKeyword => "shadowed_keyword",
            WarningKind::EmptyMatch => "empty_match",
        }
    }
}

/// A taxonomy that loads but likely does not do what its author meant.
///
/// The library returns warnings and never prints them; the `check` example
/// shows them and can treat them as errors.
#[derive(Clone, Debug)]
pub struct Warning {
    pub(crate) kind: WarningKind,
    pub(crate) message: String,
    pub(crate) location: Option<Location>,
    pub(crate) rule: Option<String>,
}

impl Warning {
    /// What kind of doubt this is.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// The message alone, without location or rule id.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the doubtful value is.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The id of the rule the warning belongs to.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self.location.as_ref(), self.rule.as_deref(), &self.message))
    }
}
