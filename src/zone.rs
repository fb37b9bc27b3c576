//! Zones: the parts of a ticket field that are not the customer's own prose.
//!
//! Customers paste logs, stack traces and earlier replies into tickets. A
//! keyword inside a pasted log is evidence of something, but not of what the
//! customer says, so each field is cut into zones and every rule says which
//! zones it reads:
//!
//! - `code`: lines inside a fenced block (three or more backticks or
//!   tildes), and lines indented by four spaces or a tab, the way logs and
//!   stack traces are usually pasted;
//! - `quote`: lines starting with `>`, as quoted replies do;
//! - `prose`: everything else.

use serde::Serialize;

/// The part of a ticket field that a hit was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Zone {
    /// The customer's own words.
    Prose,
    /// A fenced or indented block: pasted logs, stack traces, code.
    Code,
    /// A quoted reply: lines starting with `>`.
    Quote,
}

impl Zone {
    /// Every zone, in the order of their names.
    pub const ALL: [Zone; 3] = [Zone::Code, Zone::Prose, Zone::Quote];

    /// The zone's name as written in a taxonomy: `prose`, `code` or `quote`.
    pub fn name(self) -> &'static str {
        match self {
            Zone::Prose => "prose",
            Zone::Code => "code",
            Zone::Quote => "quote",
        }
    }

    /// The zone with this name, if there is one.
    pub fn from_name(name: &str) -> Option<Zone> {
        Zone::ALL.into_iter().find(|z| z.name() == name)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of zones, as a rule's `zones` key gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Zones(u8);

impl Zones {
    pub fn insert(&mut self, zone: Zone) {
        self.0 |= zone.bit();
    }

    pub fn contains(self, zone: Zone) -> bool {
        self.0 & zone.bit() != 0
    }

    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Zone::ALL.into_iter().filter(move |z| self.contains(*z)).map(Zone::name)
    }
}

impl FromIterator<Zone> for Zones {
    fn from_iter<I: IntoIterator<Item = Zone>>(iter: I) -> Zones {
        let mut zones = Zones::default();
        for zone in iter {
            zones.insert(zone);
        }
        zones
    }
}

/// A run of bytes of a field that lie in one zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    pub start: usize,
    pub zone: Zone,
}

/// Cuts `text` into zone segments, appending them to `out` in order.
///
/// Only segments where the zone changes are recorded; a segment runs until
/// the next one starts. The first segment always starts at 0.
pub(crate) fn segment(text: &str, out: &mut Vec<Segment>) {
    out.clear();
    let mut fence: Option<(u8, usize)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let zone = match fence {
            Some((mark, len)) => {
                if closes_fence(line, mark, len) {
                    fence = None;
                }
                Zone::Code
            }
            None => {
                if let Some(opened) = opens_fence(line) {
                    fence = Some(opened);
                    Zone::Code
                } else {
                    line_zone(line)
                }
            }
        };
        if out.last().is_none_or(|s| s.zone != zone) {
            out.push(Segment { start: at, zone });
        }
        at += line.len();
    }
    if out.is_empty() {
        out.push(Segment { start: 0, zone: Zone::Prose });
    }
}

/// The zone of the segment containing byte `at`.
pub(crate) fn zone_at(segments: &[Segment], at: usize) -> Zone {
    let i = segments.partition_point(|s| s.start <= at);
    segments[i.saturating_sub(1)].zone
}

fn line_zone(line: &str) -> Zone {
    let body = line.trim_end_matches(['\n', '\r']);
    if body.starts_with('\t') || body.starts_with("    ") {
        // An indented line is a log line only if it has something in it; a
        // line of spaces is a blank line between paragraphs.
        if !body.trim().is_empty() {
            return Zone::Code;
        }
    }
    if body.trim_start_matches(' ').starts_with('>') {
        return Zone::Quote;
    }
    Zone::Prose
}

/// A line opening a fence: up to three spaces, then three or more of the
/// same backtick or tilde. Returns the fence character and its length.
fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let mark = *trimmed.as_bytes().first()?;
    if mark != b'`' && mark != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == mark).count();
    (len >= 3).then_some((mark, len))
}

fn closes_fence(line: &str, mark: u8, len: usize) -> bool {
    match opens_fence(line) {
        Some((m, l)) => {
            let rest = line.trim_start_matches(' ').trim_start_matches(mark as char);
            m == mark && l >= len && rest.trim().is_empty()
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones_of(text: &str) -> Vec<(usize, Zone)> {
        let mut out = Vec::new();
        segment(text, &mut out);
        out.into_iter().map(|s| (s.start, s.zone)).collect()
    }

    #[test]
    fn cuts_fences_indents_and_quotes() {
        let cases: &[(&str, Vec<(usize, Zone)>)] = &[
            ("", vec![(0, Zone::Prose)]),
            ("plain", vec![(0, Zone::Prose)]),
            ("a\n```\nlog\n```\nb", vec![(0, Zone::Prose), (2, Zone::Code), (14, Zone::Prose)]),
            ("a\n    at x()\nb", vec![(0, Zone::Prose), (2, Zone::Code), (13, Zone::Prose)]),
            ("> old\nnew", vec![(0, Zone::Quote), (6, Zone::Prose)]),
            ("~~~~\n```\n~~~~\nx", vec![(0, Zone::Code), (14, Zone::Prose)]),
            ("```\nnever closed", vec![(0, Zone::Code)]),
        ];
        for (text, want) in cases {
            assert_eq!(&zones_of(text), want, "text {text:?}");
        }
    }

    #[test]
    fn zone_at_finds_the_enclosing_segment() {
        let mut segments = Vec::new();
        segment("a\n```\nlog\n```\nb", &mut segments);
        assert_eq!(zone_at(&segments, 0), Zone::Prose);
        assert_eq!(zone_at(&segments, 7), Zone::Code);
        assert_eq!(zone_at(&segments, 14), Zone::Prose);
    }
}
