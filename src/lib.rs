/*!
ticket-tagger reads support tickets as operating evidence: it tags each
ticket with the failure types it shows, a score for each, and the evidence
behind every tag.

A taxonomy, written in TOML, defines categories (model quality, missing
context, a permission issue ...), the work kind each belongs to (training,
defect, expectation, custom: what the company should do about it), and the
keyword and pattern rules that find them. The crate embeds a default
taxonomy for AI products and uses it when you give none.

# Overview

- [`Tagger`] is a compiled taxonomy. Loading collects every problem of the
  file at once (a [`LoadError`] of [`Error`]s, each with file, line,
  column and rule id), plus [`Warning`]s; compiling sorts the rules by
  strategy: every keyword, term and cue goes into one shared automaton, so
  a field is scanned once for all of them however many rules there are,
  and a pattern runs only where it can match (anchored, gated by its
  literals, or behind a cheap check). A tagger is immutable, `Send` and
  `Sync`.
- [`Ticket`] is the input: named fields of text, such as `subject` and
  `body`.
- [`Tags`] is the result: every [`Tag`] that passed its category's
  threshold, with score, work kind and [`Evidence`]; the primary category;
  and, when asked, the hits that were [`Suppressed`] and why. Results
  serialize with serde.
- [`Scanner`] tags a stream of tickets on one thread, reusing its scratch
  space.

# Example: tag a ticket with the default taxonomy

```
use ticket_tagger::{Tagger, Ticket};

let tagger = Tagger::embedded()?;
let ticket = Ticket::new()
    .with_field("subject", "Rate limit")
    .with_field("body", "Every call fails with 429 Too Many Requests since noon.");
let tags = tagger.tag(&ticket);
assert_eq!(tags.primary, Some("policy_restriction"));
assert_eq!(tags.work, Some("expectation"));
// Evidence points into the ticket: here, "429" in the body.
let evidence = &tags.tags[0].evidence[1];
assert_eq!((evidence.field, evidence.text), ("body", "429"));
assert_eq!(&ticket.fields()[1].1[evidence.start..evidence.end], "429");
# Ok::<(), ticket_tagger::LoadError>(())
```

# Example: a taxonomy of your own

```
use ticket_tagger::Tagger;

let tagger = Tagger::from_toml(r#"
version = "1"

[[work_kind]]
id = "defect"

[[category]]
id = "billing"
work = "defect"

[[rule]]
id = "billing.refund"
category = "billing"
keywords = ["refund", "charged twice"]
"#)?;
let tags = tagger.tag_text("I was charged twice this month");
assert_eq!(tags.primary, Some("billing"));
// "not" shortly before a hit negates it.
assert_eq!(tagger.tag_text("this is not about a refund").primary, None);
# Ok::<(), ticket_tagger::LoadError>(())
```

# Example: every problem of a taxonomy at once

```
use ticket_tagger::{ErrorKind, Tagger};

let error = Tagger::from_toml(r#"
version = "1"
[[work_kind]]
id = "defect"
[[category]]
id = "crash"
work = "defect"
[[rule]]
id = "crash.words"
category = "crash"
keywrods = ["crash"]
[[rule]]
id = "crash.pattern"
category = "crash"
patterns = ["(unclosed"]
"#).unwrap_err();
let kinds: Vec<_> = error.errors().iter().map(|e| e.kind()).collect();
assert_eq!(kinds, [ErrorKind::UnknownKey, ErrorKind::InvalidPattern]);
assert_eq!(error.errors()[1].rule(), Some("crash.pattern"));
```

# The rule language

The README documents every key. In short, a rule has an `id`, a
`category`, and any of: `keywords` (literal phrases, case-insensitive
across Unicode and whole-word by default; `case_sensitive` and `substring`
change that), `patterns` (regular expressions in the regex crate's syntax),
`all` (terms that must also occur), `exclude` (terms that suppress the
rule), `fields` (which ticket fields it reads), `zones` (`prose`, `code`,
`quote`), `weight`, and `negation` (whether negation cues apply).

# Untrusted input

A taxonomy file is user input. Loading it never panics; patterns are
limited in compiled size, so a hostile pattern fails to load instead of
exhausting memory, and the regex crate guarantees linear-time matching.
Ticket text may be anything: tagging never fails and never panics, and
its time grows linearly with the text.
*/

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod boundary;
mod compile;
mod config;
mod error;
mod fold;
mod hash;
mod load;
mod pattern;
mod scan;
mod tagger;
mod tags;
mod taxonomy;
mod ticket;
mod zone;

// The README's examples are compiled and run as doc tests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use crate::error::{Error, ErrorKind, LoadError, Location, Warning, WarningKind};
pub use crate::scan::Scanner;
pub use crate::tagger::Tagger;
pub use crate::tags::{Evidence, Reason, Suppressed, Tag, Tags, TaxonomyStamp};
pub use crate::taxonomy::{Category, Field, Rule, Taxonomy, WorkKind};
pub use crate::ticket::Ticket;
pub use crate::zone::Zone;
