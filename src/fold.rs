//! Unicode case folding that remembers where each byte came from.
//!
//! Keywords match case-insensitively across Unicode (`ÉCHEC` finds
//! `échec`), so the engine lowercases each field once and scans the
//! lowercased copy. Lowercasing can change byte lengths (`İ` becomes two
//! characters), so a match in the copy is mapped back to a span of the
//! original text through an offset table. ASCII text, the common case, needs
//! no table: its offsets do not move.
//!
//! Curly apostrophes fold to the straight one, so `doesn't` in a rule
//! matches `doesn’t` in a ticket.
//!
//! Folding is per character with [`char::to_lowercase`], never with
//! [`str::to_lowercase`], whose final-sigma rule would fold a keyword and a
//! ticket differently.
//!
//! FIXME(a normalisation table in the library's dependencies): text is not
//! normalised, so a decomposed `e` + U+0301 does not match a keyword
//! written with the precomposed `é`, and `ß` does not match `ss`.

/// A field of a ticket, lowercased, with the way back to the original.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    text: String,
    /// The characters whose folded form has another length than the
    /// original, in order. Between them, offsets move by a constant, so a
    /// field without such characters (nearly every field, whatever its
    /// script) maps back with no table at all.
    shifts: Vec<Shift>,
}

/// One character whose folded form changed length.
#[derive(Clone, Copy, Debug)]
struct Shift {
    folded: usize,
    folded_len: usize,
    original: usize,
    original_len: usize,
}

impl Folded {
    /// Folds `original` into this buffer, reusing its allocations.
    pub fn fold(&mut self, original: &str) {
        self.text.clear();
        self.shifts.clear();
        if original.is_ascii() {
            self.text.push_str(original);
            self.text.make_ascii_lowercase();
            return;
        }
        let bytes = original.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Runs of ASCII, the bulk of any ticket, are copied whole.
            let run = ascii_run(&bytes[at..]);
            if run > 0 {
                let from = self.text.len();
                self.text.push_str(&original[at..at + run]);
                self.text[from..].make_ascii_lowercase();
                at += run;
                continue;
            }
            let Some(c) = original[at..].chars().next() else { break };
            let before = self.text.len();
            if is_curly_apostrophe(c) {
                // Phones and word processors write "doesn’t"; keywords are
                // typed with a straight apostrophe.
                self.text.push('\'');
            } else {
                self.text.extend(c.to_lowercase().map(fold_variant));
            }
            let folded_len = self.text.len() - before;
            if folded_len != c.len_utf8() {
                let shift =
                    Shift { folded: before, folded_len, original: at, original_len: c.len_utf8() };
                self.shifts.push(shift);
            }
            at += c.len_utf8();
        }
    }

    /// The lowercased text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset in `original` of the character that produced byte `at`
    /// of the folded text.
    fn origin(&self, original: &str, at: usize) -> usize {
        let after = self.shifts.partition_point(|s| s.folded <= at);
        let mut offset = match after.checked_sub(1).map(|i| self.shifts[i]) {
            None => at,
            Some(s) if at < s.folded + s.folded_len => return s.original,
            Some(s) => s.original + s.original_len + (at - s.folded - s.folded_len),
        };
        // Between shifts, characters keep their length: a byte inside one
        // maps inside the same character of the original.
        while !original.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// Maps a span of the lowercased text back to the span of `original`
    /// that produced it: always on character boundaries of `original`.
    pub fn original_span(&self, original: &str, start: usize, end: usize) -> (usize, usize) {
        if self.shifts.is_empty() {
            return (start, end);
        }
        let from =
            if start < self.text.len() { self.origin(original, start) } else { original.len() };
        // The end maps past the whole original character holding the last
        // folded byte, even when that character folded to several.
        let to = match end.checked_sub(1) {
            Some(last) if last < self.text.len() => {
                let char_start = self.origin(original, last);
                char_start + original[char_start..].chars().next().map_or(0, char::len_utf8)
            }
            _ => from,
        };
        (from, to.max(from))
    }
}

/// How many bytes at the start of `bytes` are ASCII.
fn ascii_run(bytes: &[u8]) -> usize {
    // Whole chunks first: the standard library checks those a word at a time.
    let mut run = 0;
    while let Some(chunk) = bytes.get(run..run + 32) {
        if !chunk.is_ascii() {
            break;
        }
        run += 32;
    }
    run + bytes[run..].iter().position(|b| !b.is_ascii()).unwrap_or(bytes.len() - run)
}

/// Lowercase letters that case-insensitive matching treats as another
/// letter: the final sigma, the long s, the micro sign and the Greek symbol
/// forms. Folding them to that letter lets `λάθος` find `ΛΆΘΟΣ`, as the
/// regex crate's case-insensitive patterns do.
fn fold_variant(c: char) -> char {
    match c {
        'ς' => 'σ',
        'ſ' => 's',
        'µ' => 'μ',
        'ϐ' => 'β',
        'ϑ' => 'θ',
        'ϕ' => 'φ',
        'ϖ' => 'π',
        'ϰ' => 'κ',
        'ϱ' => 'ρ',
        'ϵ' => 'ε',
        'ẛ' => 'ṡ',
        '\u{345}' | '\u{1fbe}' => 'ι',
        other => other,
    }
}

fn is_curly_apostrophe(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{02bc}')
}

/// Folds a keyword the same way fields are folded.
pub(crate) fn fold_keyword(keyword: &str) -> String {
    let mut folded = Folded::default();
    folded.fold(keyword);
    folded.text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (original, folded, a span of the folded text, the original span)
    type Case = (&'static str, &'static str, (usize, usize), (usize, usize));

    #[test]
    fn folds_and_maps_spans_back() {
        let cases: &[Case] = &[
            ("Hello World", "hello world", (6, 11), (6, 11)),
            ("ÉCHEC total", "échec total", (0, 6), (0, 6)),
            ("x İy", "x i\u{307}y", (2, 3), (2, 4)),
            ("x İy", "x i\u{307}y", (5, 6), (4, 5)),
            ("ΣΑΣ", "σασ", (0, 6), (0, 6)),
            ("日本語 API", "日本語 api", (10, 13), (10, 13)),
            ("Doesn’t work", "doesn't work", (0, 7), (0, 9)),
        ];
        for &(original, want, folded_span, original_span) in cases {
            let mut folded = Folded::default();
            folded.fold(original);
            assert_eq!(folded.text(), want);
            let (s, e) = folded.original_span(original, folded_span.0, folded_span.1);
            assert_eq!((s, e), original_span, "{original:?}");
            assert!(original.get(s..e).is_some());
        }
    }

    #[test]
    fn keywords_fold_like_text() {
        assert_eq!(fold_keyword("ZUGRIFF VERWEIGERT"), "zugriff verweigert");
        assert_eq!(fold_keyword("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold_keyword("λάθος"), fold_keyword("ΛΆΘΟΣ"));
        assert_eq!(fold_keyword("ſtatus 500 µs"), "status 500 μs");
    }
}
