//! Word boundaries that work for every script.
//!
//! A whole-word keyword matches only where the characters around it are
//! not word characters: `token` does not match inside `tokenizer`. Word
//! characters are Unicode letters, digits and `_`, except in scripts written
//! without spaces between words (Chinese, Japanese, Thai and their
//! neighbours): there, any character may start or end a word, so a keyword
//! in those scripts is matchable inside a run of text, and a Latin keyword
//! next to a CJK character still counts as a whole word.

/// Whether `c` continues a word, for the purpose of boundaries.
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    (c.is_alphanumeric() || is_combining_mark(c)) && !is_unspaced_script(c)
}

/// Combining marks continue the word they decorate: `cafe` + U+0301 is one
/// word, not `cafe` followed by a boundary. (Marks of Indic and other
/// scripts are alphabetic already.)
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Scripts that do not separate words with spaces.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF        // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
        | 0x3040..=0x30FF      // Hiragana, Katakana
        | 0x31F0..=0x31FF      // Katakana extensions
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x20000..=0x3FFFF    // CJK extensions B and later
    )
}

/// Whether `text[start..end]` stands as a whole word in `text`.
///
/// An edge of the match needs a boundary only where the match itself has a
/// word character: a keyword like `c++` or `429:` ends in punctuation and so
/// may be followed by anything.
pub(crate) fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let inner = &text[start..end];
    let starts_ok = match (inner.chars().next(), text[..start].chars().next_back()) {
        (Some(first), Some(before)) => !(is_word_char(first) && is_word_char(before)),
        _ => true,
    };
    let ends_ok = match (inner.chars().next_back(), text[end..].chars().next()) {
        (Some(last), Some(after)) => !(is_word_char(last) && is_word_char(after)),
        _ => true,
    };
    starts_ok && ends_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_across_scripts() {
        // (text, the match within it, is it a whole word)
        let cases: &[(&str, &str, bool)] = &[
            ("a token here", "token", true),
            ("the tokenizer", "token", false),
            ("mytoken", "token", false),
            ("token_id", "token", false),
            ("token.", "token", true),
            ("échec", "chec", false),
            ("l'échec", "échec", true),
            ("使用API密钥", "API", true),
            ("无法连接服务器", "连接", true),
            ("ログインできない", "ログイン", true),
            ("error 429: slow", "429:", true),
            ("c++ build", "c++", true),
            ("cafe\u{301} noir", "cafe", false),
            ("nai\u{308}ve", "ve", false),
        ];
        for &(text, needle, want) in cases {
            let start = text.find(needle).unwrap_or_default();
            let got = is_whole_word(text, start, start + needle.len());
            assert_eq!(got, want, "{needle:?} in {text:?}");
        }
    }
}
