//! YAML as the AWS CLI v2 prints it (`--output yaml`, `--output yaml-stream`) and reads it
//! (`--cli-input-yaml`).
//!
//! Printing follows v2's dumper (ruamel's safe representer, block style): mapping keys sorted,
//! a sequence under a key not indented, `[]` and `{}` for empty collections. A string is
//! plain only when it cannot be read back as anything else (a number, a boolean, a date, an
//! indicator), single-quoted when it only needs quoting, and double-quoted with escapes when
//! it holds a character that must not reach a terminal or a line break. Lossless: a YAML
//! parser reads back the JSON value that was printed.

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::domain::sanitize::is_unsafe;

/// A YAML document of `value`, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0, false),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

/// `value` as one item of a top-level sequence (`- ...`): how `yaml-stream` prints a page.
pub fn to_yaml_item(value: &Value) -> String {
    let mut out = String::new();
    write_seq(&mut out, std::slice::from_ref(value), 0, false);
    out
}

/// A YAML document read as a JSON value (`--cli-input-yaml`).
pub fn from_yaml(text: &str) -> Result<Value, String> {
    serde_yaml_ng::from_str::<Value>(text).map_err(|e| e.to_string())
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A mapping at column `col`; `inline` when its first key goes on the current line (after
/// a `- `).
fn write_map(out: &mut String, map: &Map<String, Value>, col: usize, inline: bool) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 || !inline {
            indent(out, col);
        }
        out.push_str(&string_text(key));
        out.push(':');
        match &map[key] {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_map(out, m, col + 2, false);
            }
            // As v2 prints it: a sequence under a key starts at the key's column.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, col, false);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], col: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            indent(out, col);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, m, col + 2, true),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, col + 2, true),
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty collection, as YAML text.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_text(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// Words a YAML 1.1 or 1.2 reader takes for a boolean or null when unquoted.
const RESERVED_WORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

fn string_text(s: &str) -> String {
    if s.chars().any(needs_escape) {
        double_quoted(s)
    } else if is_plain(s) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A character printed only as an escape inside double quotes: those that must not reach a
/// terminal, line breaks, and those YAML does not allow in a document.
fn needs_escape(c: char) -> bool {
    is_unsafe(c) || matches!(c, '\u{85}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether `s` reads back as this string when unquoted. Deliberately narrower than YAML's
/// rule: it starts with a letter or `/` (so never a number, a date or an indicator), has
/// no leading or trailing space, no `: ` or `#`, and is not a boolean or null word.
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_alphabetic() || first == '/')
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && s.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | '@' | '+' | '=' | ':')
        })
        && !RESERVED_WORDS.contains(&s.to_ascii_lowercase().as_str())
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) <= 0xFF => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c if needs_escape(c) && (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn prints_as_the_aws_cli_v2_does() {
        let v = json!({
            "Users": [
                {"Username": "ann", "Enabled": true, "UserCreateDate": "2024-01-15T10:23:45.123000+00:00",
                 "Attributes": [{"Name": "email", "Value": "ann@example.com"}]},
                {"Username": "true", "Enabled": false, "Attributes": []}
            ],
            "Count": 2,
            "Next": null,
            "Empty": {}
        });
        assert_eq!(
            to_yaml(&v),
            "\
Count: 2
Empty: {}
Next: null
Users:
- Attributes:
  - Name: email
    Value: ann@example.com
  Enabled: true
  UserCreateDate: '2024-01-15T10:23:45.123000+00:00'
  Username: ann
- Attributes: []
  Enabled: false
  Username: 'true'
"
        );
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(to_yaml(&json!("x")), "x\n");
        assert_eq!(to_yaml_item(&json!([1, 2])), "- - 1\n  - 2\n");
        assert_eq!(
            to_yaml_item(&json!({"a": 1, "b": [3]})),
            "- a: 1\n  b:\n  - 3\n"
        );
    }

    #[test]
    fn strings_are_quoted_only_when_needed() {
        for (s, yaml) in [
            ("us-east-1_demo", "us-east-1_demo"),
            ("Rate exceeded", "Rate exceeded"),
            ("/", "/"),
            ("", "''"),
            ("123", "'123'"),
            ("No", "'No'"),
            ("a: b", "'a: b'"),
            ("it's", "'it''s'"),
            ("'q", "'''q'"),
            ("- x", "'- x'"),
            ("a #b", "'a #b'"),
            ("line\nbreak", "\"line\\nbreak\""),
            ("\x1b[2J", "\"\\x1B[2J\""),
            ("a\u{202e}b", "\"a\\u202Eb\""),
            ("tag\u{e0041}", "\"tag\\U000E0041\""),
            ("日本", "日本"),
        ] {
            assert_eq!(string_text(s), yaml, "{s:?}");
        }
    }

    #[test]
    fn nothing_unsafe_reaches_the_terminal() {
        let v = json!({"k\x1b": ["\u{9b}", "\u{2028}", {"\u{feff}": "\x07"}]});
        let text = to_yaml(&v);
        assert!(!text.chars().any(|c| c != '\n' && is_unsafe(c)), "{text}");
        assert_eq!(from_yaml(&text).unwrap(), v);
    }

    #[test]
    fn input_reads_yaml_and_names_the_error() {
        let v = from_yaml("UserPoolId: p_1 # the pool\nUser:\n  ProviderName: Google\n").unwrap();
        assert_eq!(
            v,
            json!({"UserPoolId": "p_1", "User": {"ProviderName": "Google"}})
        );
        let e = from_yaml("a: [").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let text = proptest::string::string_regex("(.|\n){0,12}").unwrap();
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    proptest::string::string_regex("(.|\n){0,8}").unwrap(),
                    inner,
                    0..4
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn printed_yaml_reads_back_as_the_same_value(v in json_value()) {
            let text = to_yaml(&v);
            prop_assert!(!text.chars().any(|c| c != '\n' && is_unsafe(c)), "{}", text);
            let back = from_yaml(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(&back, &v, "{}", text);
            let item = from_yaml(&to_yaml_item(&v)).unwrap();
            prop_assert_eq!(item, Value::Array(vec![v]));
        }
    }
}
