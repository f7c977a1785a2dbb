//! Untrusted text (usernames, attribute values) made safe for a terminal.
//!
//! Control characters, escape sequences, bidirectional overrides and invisible characters are
//! shown as visible escapes (`\e`, `\u{202e}`), so pool data can never move the cursor, change
//! colours, set the window title, reorder text, or hide characters.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a character must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1
        || matches!(c,
            '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM/RLM
            | '\u{2028}' | '\u{2029}' // line/paragraph separators
            | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{061C}' // Arabic letter mark
            | '\u{FEFF}' // zero-width no-break space / BOM
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
            | '\u{E0000}'..='\u{E007F}' // tag characters
        )
}

/// Whether any character of `s` is unsafe ([`is_unsafe`]); printable ASCII, the common
/// case, is told at once, a byte at a time.
pub fn has_unsafe(s: &str) -> bool {
    !s.bytes().all(|b| (0x20..0x7f).contains(&b)) && s.chars().any(is_unsafe)
}

/// Text with every unsafe character replaced by a visible escape. Borrowed when already safe.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !has_unsafe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            sanitize("Zoë 日本 user@example.com"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escapes_ansi_and_osc_sequences() {
        assert_eq!(sanitize("\x1b[31mred\x1b[0m"), "\\e[31mred\\e[0m");
        assert_eq!(sanitize("\x1b]0;title\x07"), "\\e]0;title\\x07");
    }

    #[test]
    fn escapes_c0_c1_and_del() {
        assert_eq!(sanitize("a\u{0}b\u{7f}c\u{9b}d"), "a\\x00b\\x7fc\\x9bd");
        assert_eq!(sanitize("line\nnext\ttab\r"), "line\\nnext\\ttab\\r");
    }

    #[test]
    fn escapes_bidi_overrides_and_zero_width_characters() {
        assert_eq!(sanitize("admin\u{202e}txt"), "admin\\u{202e}txt");
        assert_eq!(
            sanitize("a\u{200b}b\u{2066}c\u{feff}"),
            "a\\u{200b}b\\u{2066}c\\u{feff}"
        );
        assert_eq!(sanitize("\u{e0041}"), "\\u{e0041}");
    }

    #[test]
    fn output_never_holds_an_unsafe_character() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!sanitize(&all).chars().any(is_unsafe));
    }
}
