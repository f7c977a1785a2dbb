//! Text formats shared by the commands: AWS-CLI-style JSON, terminal-safe JSON, CSV fields,
//! table cells and POSIX shell quoting.

use std::borrow::Cow;
use std::fmt::Write;

use serde::Serialize;

use crate::domain::sanitize::{is_unsafe, sanitize};

/// JSON indented by 4 spaces, key order kept, as the AWS CLI prints skeletons.
pub fn pretty4<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value
        .serialize(&mut ser)
        .expect("request shapes always serialize");
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// JSON text (as serde_json writes it) with every character that must not reach a terminal
/// written as a `\u` escape. Lossless: a JSON parser reads the same value back. Newlines are
/// kept: serde_json escapes those inside strings itself, so a raw one is layout.
pub fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    let escape = |c: char| c != '\n' && is_unsafe(c);
    let plain = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n';
    if json.bytes().all(plain) || !json.chars().any(escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`json_terminal_safe`] of an owned text, without a copy when it is already safe.
pub fn into_terminal_safe(json: String) -> String {
    match json_terminal_safe(&json) {
        Cow::Borrowed(_) => json,
        Cow::Owned(safe) => safe,
    }
}

/// A Cognito timestamp (epoch seconds, fractional milliseconds) as the AWS CLI v2 prints it
/// (`cli_timestamp_format = iso8601`, Python's `isoformat()`): `2024-01-15T10:23:45.123000+00:00`,
/// microseconds only when there are any. Printed in UTC; v2 prints the local offset, which
/// is this where TZ is UTC.
pub fn iso8601(secs: f64) -> String {
    Iso8601(secs).to_string()
}

/// [`iso8601`] as a `Display`: written where it goes (a JSON field, a table cell), with no
/// string of its own.
#[derive(Clone, Copy, Debug)]
pub struct Iso8601(pub f64);

impl std::fmt::Display for Iso8601 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.0;
        let whole = secs.floor();
        let mut micros = ((secs - whole) * 1e6).round() as u32;
        let mut whole = whole as i64;
        if micros >= 1_000_000 {
            whole += 1;
            micros = 0;
        }
        let (days, day_secs) = (whole.div_euclid(86_400), whole.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        if !(1..=9999).contains(&year) {
            // Python's isoformat cannot print it either.
            return write!(f, "{whole}Z");
        }
        let (h, m, s) = (day_secs / 3600, day_secs / 60 % 60, day_secs % 60);
        write!(f, "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")?;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        f.write_str("+00:00")
    }
}

impl Serialize for Iso8601 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// One CSV field (RFC 4180), with untrusted text made terminal-safe first.
pub fn csv_field(value: &str) -> String {
    let safe = sanitize(value);
    if safe.contains([',', '"', '\n', '\r']) || safe.starts_with(' ') || safe.ends_with(' ') {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe.into_owned()
    }
}

/// A CSV record from fields.
pub fn csv_record<S: AsRef<str>>(fields: &[S]) -> String {
    fields
        .iter()
        .map(|f| csv_field(f.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

/// A table cell: terminal-safe, padded to `width` terminal columns and always followed by at
/// least one space (never cut: a longer value pushes the row on rather than hiding
/// characters, and never runs into the next column).
pub fn cell(value: &str, width: usize) -> String {
    let safe = sanitize(value);
    let len = unicode_width::UnicodeWidthStr::width(safe.as_ref());
    format!("{safe}{}", " ".repeat(width.saturating_sub(len).max(1)))
}

/// A table whose columns are as wide as their widest cell (header included), measured in
/// terminal columns after [`sanitize`], so every column starts at the same place on every
/// row. Columns are separated by two spaces; the last one is not padded and no line ends in spaces.
pub fn table<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    let shown = |v: &str| {
        let safe = sanitize(v);
        unicode_width::UnicodeWidthStr::width(safe.as_ref())
    };
    let mut widths: Vec<usize> = header.iter().map(|h| shown(h)).collect();
    for row in rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(shown(v.as_ref()));
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, v) in cells.into_iter().enumerate() {
            if i == last {
                s.push_str(&sanitize(v));
            } else {
                s.push_str(&cell(v, widths[i] + 2));
            }
        }
        s.truncate(s.trim_end_matches(' ').len());
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(AsRef::as_ref).collect()));
    }
    out
}

/// A word for a POSIX shell: unchanged when it is made of safe characters, single-quoted
/// otherwise, and `$'..'`-quoted with escapes when it holds characters that must not reach
/// a terminal.
pub fn shell_quote(word: &str) -> String {
    if word.chars().any(is_unsafe) {
        let mut out = String::from("$'");
        for c in word.chars() {
            match c {
                '\\' | '\'' => {
                    out.push('\\');
                    out.push(c);
                }
                c if is_unsafe(c) && (c as u32) < 0x80 => {
                    let _ = write!(out, "\\x{:02x}", c as u32);
                }
                c if is_unsafe(c) => {
                    let _ = write!(out, "\\U{:08x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | ',' | '@')
        });
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty4_matches_the_aws_cli_indent() {
        #[derive(Serialize)]
        struct S {
            b: &'static str,
            a: Inner,
        }
        #[derive(Serialize)]
        struct Inner {
            x: &'static str,
        }
        assert_eq!(
            pretty4(&S {
                b: "",
                a: Inner { x: "1" }
            }),
            "{\n    \"b\": \"\",\n    \"a\": {\n        \"x\": \"1\"\n    }\n}"
        );
    }

    #[test]
    fn terminal_safe_json_is_lossless() {
        let value = "a\u{9b}b\u{202e}c\u{e0041}d\u{7f}";
        let json = serde_json::to_string(value).unwrap();
        let safe = json_terminal_safe(&json);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert!(
            safe.contains("\\u202e") && safe.contains("\\udb40\\udc41"),
            "{safe}"
        );
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        let pretty = pretty4(&vec![value]);
        let back: Vec<String> = serde_json::from_str(&json_terminal_safe(&pretty)).unwrap();
        assert_eq!(back, vec![value]);
    }

    #[test]
    fn timestamps_print_as_the_aws_cli_v2_prints_them() {
        assert_eq!(iso8601(1548108509.537), "2019-01-21T22:08:29.537000+00:00");
        assert_eq!(iso8601(1682955829.0), "2023-05-01T15:43:49+00:00");
        assert_eq!(iso8601(0.9999999), "1970-01-01T00:00:01+00:00");
        assert_eq!(iso8601(951_782_400.0), "2000-02-29T00:00:00+00:00");
        assert_eq!(iso8601(-1.5), "1969-12-31T23:59:58.500000+00:00");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]

        /// The date as the SDK's own RFC 3339 formatter writes it, for any second of years 1
        /// to 9999 (what it and Python's datetime can print), and the epoch seconds outside.
        #[test]
        fn timestamps_agree_with_the_sdk_formatter(whole in -62_200_000_000i64..253_402_400_000) {
            let expected = match aws_smithy_types::DateTime::from_secs(whole)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
            {
                Ok(sdk) => format!("{}+00:00", sdk.trim_end_matches('Z')),
                Err(_) => format!("{whole}Z"),
            };
            proptest::prop_assert_eq!(iso8601(whole as f64), expected);
        }
    }

    #[test]
    fn csv_quotes_per_rfc_4180_and_escapes_controls() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("x\x1b[2Jy"), "x\\e[2Jy");
        assert_eq!(csv_field(" pad"), "\" pad\"");
        assert_eq!(csv_record(&["a", "b,c", ""]), "a,\"b,c\",");
    }

    #[test]
    fn cells_pad_and_never_cut() {
        assert_eq!(cell("ab", 4), "ab  ");
        assert_eq!(cell("abcdef", 4), "abcdef ");
        assert_eq!(cell("FORCE_CHANGE_PASSWORD", 21), "FORCE_CHANGE_PASSWORD ");
        assert_eq!(cell("日本", 5), "日本 ");
        assert_eq!(cell("\x1b]0;t\x07", 0), "\\e]0;t\\x07 ");
    }

    #[test]
    fn table_columns_fit_their_widest_cell() {
        let long = "eu-west-1_0123456789abcdef0123456789abcdef01";
        let rows = vec![
            vec![long.to_owned(), "x".to_owned(), "3".to_owned()],
            vec![
                "short".to_owned(),
                "日本\x1b[2J".to_owned(),
                "12".to_owned(),
            ],
        ];
        let t = table(&["ID", "NAME", "COUNT"], &rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3, "{t}");
        assert!(!t.contains('\x1b'), "{t}");
        // Every column starts at the same terminal column on every line.
        let name_at = long.len() + 2;
        let count_at = name_at + 9 + 2; // "日本\\e[2J" is 9 terminal columns wide
        let col = |l: &str, at: usize| {
            let mut width = 0;
            let mut rest = "";
            for (i, c) in l.char_indices() {
                if width == at {
                    rest = &l[i..];
                    break;
                }
                width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            }
            rest.split(' ').next().unwrap_or("").to_owned()
        };
        assert_eq!(
            lines.iter().map(|l| col(l, name_at)).collect::<Vec<_>>(),
            ["NAME", "x", "日本\\e[2J"]
        );
        assert_eq!(
            lines.iter().map(|l| col(l, count_at)).collect::<Vec<_>>(),
            ["COUNT", "3", "12"]
        );
        assert!(lines.iter().all(|l| !l.ends_with(' ')), "{t}");
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_quote("us-east-1_abc"), "us-east-1_abc");
        assert_eq!(
            shell_quote("ProviderName=Cognito,ProviderAttributeValue=diego"),
            "ProviderName=Cognito,ProviderAttributeValue=diego"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a\x1b'\u{202e}"), r"$'a\x1b\'\U0000202e'");
    }
}
