//! The tagger: a compiled taxonomy, ready to tag tickets.

use std::path::Path;

use crate::compile::{self, Matcher};
use crate::error::{Error, ErrorKind, LoadError};
use crate::load;
use crate::scan::Scanner;
use crate::tags::Tags;
use crate::taxonomy::{self, Taxonomy};
use crate::ticket::Ticket;

/// A compiled taxonomy that tags tickets.
///
/// Loading collects every problem of the taxonomy file and fails with all of
/// them, or yields a `Tagger`. A tagger is immutable, `Send` and `Sync`:
/// compile it once and share it (by reference or in an `Arc`) across
/// threads. Each thread tags through its own [`Scanner`], or through the
/// convenience methods here, which make a scanner per call.
///
/// # Example
///
/// ```
/// use ticket_tagger::{Tagger, Ticket};
///
/// let tagger = Tagger::embedded()?;
/// let ticket = Ticket::new()
///     .with_field("subject", "Login fails")
///     .with_field("body", "Our SSO login returns 403 Forbidden since this morning.");
/// let tags = tagger.tag(&ticket);
/// assert_eq!(tags.primary, Some("permission_issue"));
/// assert_eq!(tags.work, Some("training"));
/// # Ok::<(), ticket_tagger::LoadError>(())
/// ```
#[derive(Debug)]
pub struct Tagger {
    pub(crate) taxonomy: Taxonomy,
    pub(crate) matcher: Matcher,
    pub(crate) hash: String,
}

impl Tagger {
    /// The file name that locations in the embedded taxonomy name.
    pub const EMBEDDED_NAME: &'static str = taxonomy::EMBEDDED_NAME;

    /// Compiles the default taxonomy embedded in the crate.
    ///
    /// # Errors
    ///
    /// None in practice: the crate's tests load the embedded taxonomy. The
    /// `Result` is there because loading is the same code for any file.
    pub fn embedded() -> Result<Tagger, LoadError> {
        Tagger::from_toml_named(taxonomy::EMBEDDED_NAME, taxonomy::EMBEDDED)
    }

    /// The text of the default taxonomy, to start a taxonomy of your own.
    pub fn embedded_source() -> &'static str {
        taxonomy::EMBEDDED
    }

    /// Compiles a taxonomy from TOML text; errors name the file `<string>`.
    ///
    /// # Errors
    ///
    /// Every problem in the text, with line and column: see [`LoadError`].
    pub fn from_toml(source: &str) -> Result<Tagger, LoadError> {
        Tagger::from_toml_named("<string>", source)
    }

    /// Compiles a taxonomy from TOML text read from `file`, which errors name.
    ///
    /// # Errors
    ///
    /// Every problem in the text, with line and column: see [`LoadError`].
    pub fn from_toml_named(file: &str, source: &str) -> Result<Tagger, LoadError> {
        let taxonomy = load::load(file, source)?;
        let matcher = compile::compile(&taxonomy).map_err(|e| LoadError::new(vec![e]))?;
        let hash = taxonomy.hash();
        Ok(Tagger { taxonomy, matcher, hash })
    }

    /// Reads and compiles a taxonomy file.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Io`] error if the file cannot be read as UTF-8 text,
    /// otherwise every problem in it: see [`LoadError`].
    pub fn from_path(path: impl AsRef<Path>) -> Result<Tagger, LoadError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|e| {
            let error = Error::new(ErrorKind::Io, format!("cannot read taxonomy file {name:?}"));
            LoadError::new(vec![error.caused_by(e)])
        })?;
        Tagger::from_toml_named(&name, &source)
    }

    /// The taxonomy this tagger was compiled from.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// A scanner for one thread, which reuses its scratch space between
    /// tickets.
    pub fn scanner(&self) -> Scanner<'_> {
        Scanner::new(self)
    }

    /// Tags a ticket.
    ///
    /// Never fails and never panics. To tag many tickets, a [`Scanner`]
    /// saves reallocating scratch space for each.
    pub fn tag<'a>(&'a self, ticket: &Ticket<'a>) -> Tags<'a> {
        self.scanner().tag(ticket)
    }

    /// Tags a text as a ticket whose only field is `body`.
    pub fn tag_text<'a>(&'a self, body: &'a str) -> Tags<'a> {
        self.tag(&Ticket::from(body))
    }

    /// Tags a ticket and also lists the hits that did not count, and why:
    /// a zone the rule does not read, a negation cue, an exclusion, a
    /// missing required term, or a category that stayed under its threshold.
    pub fn explain<'a>(&'a self, ticket: &Ticket<'a>) -> Tags<'a> {
        self.scanner().explain(true).tag(ticket)
    }
}
