//! The AWS CLI's shorthand syntax for structure arguments, and JSON, for
//! `ProviderUserIdentifierType` members (`--destination-user`, `--source-user`, `--user`).
//!
//! Grammar, as awscli's `shorthand.py` parses it (written from its description, not copied):
//! - `key=value` pairs separated by `,`; whitespace around `=` and `,` is ignored.
//! - Keys are ASCII letters and digits.
//! - Everything after the first `=` is the value, so values may hold `=`.
//! - An unquoted value may not start with a space, `"`, `'`, `,`, `=`, `[` or `{`, and stops
//!   at whitespace, `,`, `"`, `'`, `]` or `}`; `\,` in it stands for a comma, any other
//!   backslash is kept as it is.
//! - A value in single or double quotes may hold anything; inside, `\\` is a backslash and
//!   `\'` (resp. `\"`) the quote; other backslashes are kept.
//! - An empty value (`a=` at the end or before `,`) is the empty string.
//! - `a=b,c` is a *list* `[b, c]` in the AWS CLI, which a string member refuses: here it is an
//!   error that says how to keep the comma.
//! - An argument whose first non-blank character is `{` is JSON.
//!
//! Deliberate differences, both stricter or wider in a safe direction: a key given twice is
//! refused, and characters beyond U+FFFF (emoji) are accepted unquoted (the AWS CLI's
//! pattern stops at U+FFFF and answers `Expected: ',', received: '😀'`).
//!
//! What coglink writes ([`to_shorthand`]) is read back the same by both parsers: it quotes
//! every value the AWS CLI's unquoted pattern would not take whole, emoji included, and
//! writes JSON for a value no quoting carries (one that ends in a backslash, or holds U+0000,
//! which no command-line argument can).

use std::fmt;

use serde_json::Value;

use crate::domain::ProviderUserIdentifier;

/// The members of `ProviderUserIdentifierType`, in the model's order.
pub const MEMBERS: [&str; 3] = [
    "ProviderName",
    "ProviderAttributeName",
    "ProviderAttributeValue",
];

/// Why an argument is not a valid identifier. Display names the member and the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// Shorthand syntax error at a character offset.
    Syntax {
        member: String,
        at: usize,
        expected: String,
        input: String,
    },
    /// A key that is not a member, in the AWS CLI's words.
    UnknownKey {
        member: String,
        key: String,
    },
    Duplicate {
        member: String,
        key: String,
    },
    /// An unquoted value with a comma, which the AWS CLI reads as a list.
    List {
        field: String,
        values: Vec<String>,
    },
    /// A member that must be a string got something else.
    NotString {
        field: String,
        got: String,
    },
    InvalidJson {
        member: String,
        reason: String,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Syntax {
                member,
                at,
                expected,
                input,
            } => write!(
                f,
                "{member}: expected {expected} at character {at} of the shorthand {input:?} \
                 (form: ProviderName=..,ProviderAttributeName=..,ProviderAttributeValue=..)"
            ),
            InputError::UnknownKey { member, key } => write!(
                f,
                "Unknown parameter in {member}: \"{key}\", must be one of: {}",
                MEMBERS.join(", ")
            ),
            InputError::Duplicate { member, key } => {
                write!(f, "{member}.{key}: is given more than once")
            }
            InputError::List { field, values } => write!(
                f,
                "{field}: must be one string, but the unquoted commas make it a list {values:?}; \
                 quote the value (\"a,b\") or escape each comma (a\\,b)"
            ),
            InputError::NotString { field, got } => {
                write!(f, "{field}: must be a string (got {got})")
            }
            InputError::InvalidJson { member, reason } => {
                write!(f, "{member}: is not valid JSON: {reason}")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// A shorthand value as parsed: one string, or a list (from unquoted commas).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShortValue {
    One(String),
    List(Vec<String>),
}

struct Parser<'a> {
    member: &'a str,
    input: &'a str,
    chars: Vec<char>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn error(&self, expected: &str) -> InputError {
        InputError::Syntax {
            member: self.member.to_owned(),
            at: self.at,
            expected: expected.to_owned(),
            input: self.input.to_owned(),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), InputError> {
        self.skip_ws();
        if self.peek() != Some(c) {
            return Err(self.error(&format!("'{c}'")));
        }
        self.at += 1;
        self.skip_ws();
        Ok(())
    }

    fn key(&mut self) -> String {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn quoted(&mut self, quote: char) -> Result<String, InputError> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    self.at = open;
                    return Err(self.error(&format!("a closing {quote} for the value starting")));
                }
                Some(c) if c == quote => {
                    self.at += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c) if c == quote || c == '\\' => {
                            out.push(c);
                            self.at += 1;
                        }
                        _ => out.push('\\'),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// An unquoted value; `first` applies the stricter rule for a value's first character.
    fn bare(&mut self) -> String {
        let mut out = String::new();
        let mut first = true;
        while let Some(c) = self.peek() {
            if c == '\\' && self.chars.get(self.at + 1) == Some(&',') {
                out.push(',');
                self.at += 2;
            } else if bare_char(c, first) {
                out.push(c);
                self.at += 1;
            } else {
                break;
            }
            first = false;
        }
        out
    }

    fn one_value(&mut self) -> Result<String, InputError> {
        match self.peek() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            Some('[' | '{') => Err(self.error("a string (quote a value that starts with [ or {)")),
            _ => Ok(self.bare()),
        }
    }

    /// Whether the text from here is `key=` (the next pair), not another list item.
    fn at_next_pair(&self) -> bool {
        let mut i = self.at;
        while self.chars.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
            i += 1;
        }
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        self.chars.get(i) == Some(&'=')
    }

    fn value(&mut self) -> Result<ShortValue, InputError> {
        let first = self.one_value()?;
        let mut items = vec![first];
        loop {
            let save = self.at;
            self.skip_ws();
            if self.peek() != Some(',') {
                self.at = save;
                break;
            }
            self.at += 1;
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.error("a key after the trailing ','"));
            }
            if self.at_next_pair() {
                self.at = save;
                break;
            }
            let start = self.at;
            let item = self.one_value()?;
            if self.at == start {
                return Err(self.error("a value"));
            }
            items.push(item);
        }
        Ok(if items.len() == 1 {
            ShortValue::One(items.pop().unwrap_or_default())
        } else {
            ShortValue::List(items)
        })
    }
}

fn bare_char(c: char, first: bool) -> bool {
    if c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | ',') {
        return false;
    }
    if first {
        !matches!(c, '=' | '[' | '{')
    } else {
        !matches!(c, ']' | '}')
    }
}

/// Parses shorthand into key/value pairs in input order. `member` names the argument in
/// messages (`DestinationUser`).
pub fn parse_pairs(member: &str, input: &str) -> Result<Vec<(String, ShortValue)>, InputError> {
    let mut p = Parser {
        member,
        input,
        chars: input.chars().collect(),
        at: 0,
    };
    let mut pairs: Vec<(String, ShortValue)> = Vec::new();
    p.skip_ws();
    loop {
        let key = p.key();
        p.expect('=')?;
        let value = if p.peek().is_none() {
            ShortValue::One(String::new())
        } else {
            p.value()?
        };
        pairs.push((key, value));
        p.skip_ws();
        if p.peek().is_none() {
            return Ok(pairs);
        }
        p.expect(',')?;
        if p.peek().is_none() {
            return Err(p.error("a key after the trailing ','"));
        }
    }
}

/// Parses an identifier argument: JSON when it starts with `{`, shorthand otherwise.
pub fn parse_identifier(member: &str, input: &str) -> Result<ProviderUserIdentifier, InputError> {
    if input.trim_start().starts_with('{') {
        let value: Value = serde_json::from_str(input).map_err(|e| InputError::InvalidJson {
            member: member.to_owned(),
            reason: e.to_string(),
        })?;
        return identifier_from_json(member, &value);
    }
    let mut id = ProviderUserIdentifier::default();
    for (key, value) in parse_pairs(member, input)? {
        let field = format!("{member}.{key}");
        let value = match value {
            ShortValue::One(v) => v,
            ShortValue::List(values) => return Err(InputError::List { field, values }),
        };
        set_member(member, &mut id, &key, value)?;
    }
    Ok(id)
}

fn set_member(
    member: &str,
    id: &mut ProviderUserIdentifier,
    key: &str,
    value: String,
) -> Result<(), InputError> {
    let slot = match key {
        "ProviderName" => &mut id.provider_name,
        "ProviderAttributeName" => &mut id.provider_attribute_name,
        "ProviderAttributeValue" => &mut id.provider_attribute_value,
        _ => {
            return Err(InputError::UnknownKey {
                member: member.to_owned(),
                key: key.to_owned(),
            });
        }
    };
    if slot.is_some() {
        return Err(InputError::Duplicate {
            member: member.to_owned(),
            key: key.to_owned(),
        });
    }
    *slot = Some(value);
    Ok(())
}

/// An identifier from a JSON value, checking keys and types the way the AWS CLI does.
pub fn identifier_from_json(
    member: &str,
    value: &Value,
) -> Result<ProviderUserIdentifier, InputError> {
    let Value::Object(map) = value else {
        return Err(InputError::InvalidJson {
            member: member.to_owned(),
            reason: format!("expected an object like {{\"ProviderName\": \"..\"}}, got {value}"),
        });
    };
    let mut id = ProviderUserIdentifier::default();
    for (key, v) in map {
        let Value::String(s) = v else {
            if !MEMBERS.contains(&key.as_str()) {
                return Err(InputError::UnknownKey {
                    member: member.to_owned(),
                    key: key.clone(),
                });
            }
            return Err(InputError::NotString {
                field: format!("{member}.{key}"),
                got: v.to_string(),
            });
        };
        set_member(member, &mut id, key, s.clone())?;
    }
    Ok(id)
}

/// Shorthand for an identifier that [`parse_identifier`] and the AWS CLI both read back to
/// the same value; values that are not plain are double-quoted. An identifier with a value
/// that shorthand cannot carry safely (see [`shorthand_value`]) is written as JSON, which
/// both CLIs take where shorthand goes.
pub fn to_shorthand(id: &ProviderUserIdentifier) -> String {
    let members = [
        (MEMBERS[0], &id.provider_name),
        (MEMBERS[1], &id.provider_attribute_name),
        (MEMBERS[2], &id.provider_attribute_value),
    ];
    let pairs: Option<Vec<String>> = members
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
        .map(|(k, v)| shorthand_value(v).map(|v| format!("{k}={v}")))
        .collect();
    match pairs {
        Some(pairs) if !pairs.is_empty() => pairs.join(","),
        // Shorthand cannot write a structure with no members (an empty value is an error to
        // the AWS CLI); JSON can.
        _ => to_json(&members),
    }
}

/// The members given, as a JSON object in the model's order.
fn to_json(members: &[(&str, &Option<String>)]) -> String {
    let pairs: Vec<String> = members
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| format!("\"{k}\":{}", Value::from(v.as_str())))
        })
        .collect();
    format!("{{{}}}", pairs.join(","))
}

/// A value as the AWS CLI's shorthand reads it back: bare when every character is in the
/// pattern its unquoted values take (which stops at U+FFFF: an emoji would end the value),
/// double-quoted otherwise, with `\\` for a backslash and `\"` for a quote. None for a value
/// ending in a backslash: the AWS CLI's quoted-string pattern reads its final `\\"` as an
/// escaped quote and runs on to the next quote in the argument (and a bare one would escape
/// the comma after it). None too for a value holding U+0000, which no command-line argument
/// can carry (JSON writes it `\u0000`).
fn shorthand_value(v: &str) -> Option<String> {
    let plain = !v.contains('\\')
        && v.chars().enumerate().all(|(i, c)| {
            bare_char(c, i == 0) && !matches!(c, ']' | '}') && u32::from(c) <= 0xFFFF
        });
    if plain {
        return Some(v.to_owned());
    }
    if v.ends_with('\\') || v.contains('\0') {
        return None;
    }
    let mut out = String::from("\"");
    for c in v.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests;
