//! A strict, test-only port of the AWS CLI's shorthand grammar (awscli 1.x `shorthand.py`,
//! `ShorthandParser`), written from reading it, to check that what coglink prints is read
//! by the AWS CLI as coglink meant. coglink's own parser (`coglink::awscli::shorthand`) is
//! deliberately more lenient; this one is not:
//! - an unquoted value starts with a character of the AWS CLI's start class and goes on
//!   with its follow class, both of which end at U+FFFF (so `😀` ends a value), and whose
//!   follow class takes whitespace (trailing whitespace is stripped); `\,` is a comma;
//! - a quoted value is the first match of the regular expression `"(?:\\"|[^"])*"` (resp.
//!   with `'`), with the backtracking order of Python's `re`; `\"` then `\\` are unescaped
//!   in that order, every other backslash is kept;
//! - unquoted commas make a list, as in `a=b,c`, and backtrack at the next `key=`;
//! - a key given twice is an error.
//!
//! Explicit lists (`[..]`) and hash literals (`{..}`) are not ported: they are refused, which
//! a test of string members should never reach.

#![allow(dead_code)]

use std::collections::BTreeMap;

/// A parsed value: a string, or the list that unquoted commas make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwsValue {
    Str(String),
    List(Vec<String>),
}

/// A syntax error in the AWS CLI's words: `Expected: ',', received: '😀'`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError(pub String);

/// Python's `string.whitespace`, which the parser skips around `=` and `,`.
fn is_ascii_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Python's `str.isspace()` (Unicode 14, Python 3.11), which `\s` and `rstrip()` use.
pub fn py_isspace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The class a bare value may start with: `[!#-&(-+\--<>-Z\\-z|-\uffff]`.
fn start_word(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}

/// The class a first (or only) bare value goes on with: `[\s!#-&(-+\--\\^-|~-\uffff]`.
fn first_follow(c: char) -> bool {
    py_isspace(c)
        || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}

/// The class a later list item goes on with: `[\s!#-&(-+\--<>-\uffff]`.
fn second_follow(c: char) -> bool {
    py_isspace(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}

struct Parser {
    input: Vec<char>,
    at: usize,
}

/// Parses `input` as the AWS CLI's `ShorthandParser.parse` does.
pub fn parse(input: &str) -> Result<BTreeMap<String, AwsValue>, AwsError> {
    let mut p = Parser {
        input: input.chars().collect(),
        at: 0,
    };
    let mut params = BTreeMap::new();
    let (key, value) = p.keyval()?;
    params.insert(key, value);
    while !p.at_eof() {
        p.expect(',', true)?;
        let (key, value) = p.keyval()?;
        if params.contains_key(&key) {
            return Err(AwsError(format!("Second instance of key \"{key}\"")));
        }
        params.insert(key, value);
    }
    Ok(params)
}

impl Parser {
    fn at_eof(&self) -> bool {
        self.at >= self.input.len()
    }

    fn current(&self) -> Option<char> {
        self.input.get(self.at).copied()
    }

    fn consume_whitespace(&mut self) {
        while self.current().is_some_and(is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn expect(&mut self, c: char, whitespace: bool) -> Result<(), AwsError> {
        if whitespace {
            self.consume_whitespace();
        }
        match self.current() {
            None => return Err(AwsError(format!("Expected: '{c}', received: 'EOF'"))),
            Some(actual) if actual != c => {
                return Err(AwsError(format!("Expected: '{c}', received: '{actual}'")));
            }
            Some(_) => self.at += 1,
        }
        if whitespace {
            self.consume_whitespace();
        }
        Ok(())
    }

    fn keyval(&mut self) -> Result<(String, AwsValue), AwsError> {
        let key = self.key();
        // `key@=` reads a file; the whitespace before a missing `@` stays consumed.
        if self.expect('@', true).is_ok() {
            return Err(AwsError("key@= (paramfile) is not ported".into()));
        }
        self.expect('=', true)?;
        Ok((key, self.values()?))
    }

    fn key(&mut self) -> String {
        let start = self.at;
        while self
            .current()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "-_.#/:".contains(c))
        {
            self.at += 1;
        }
        self.input[start..self.at].iter().collect()
    }

    fn values(&mut self) -> Result<AwsValue, AwsError> {
        match self.current() {
            None => Ok(AwsValue::Str(String::new())),
            Some('[' | '{') => Err(AwsError("explicit lists and hashes are not ported".into())),
            Some(_) => self.csv_value(),
        }
    }

    fn csv_value(&mut self) -> Result<AwsValue, AwsError> {
        let first = self.first_value()?;
        self.consume_whitespace();
        if self.current() != Some(',') {
            return Ok(AwsValue::Str(first));
        }
        self.expect(',', true)?;
        let mut list = vec![first.clone()];
        loop {
            let attempt = self.second_value().and_then(|item| {
                self.consume_whitespace();
                if self.at_eof() {
                    return Ok((item, true));
                }
                self.expect(',', true)?;
                Ok((item, false))
            });
            match attempt {
                Ok((item, done)) => {
                    list.push(item);
                    if done {
                        break;
                    }
                }
                Err(e) if self.at_eof() => return Err(e),
                Err(_) => {
                    self.backtrack_to(',');
                    break;
                }
            }
        }
        Ok(if list.len() == 1 {
            AwsValue::Str(first)
        } else {
            AwsValue::List(list)
        })
    }

    fn backtrack_to(&mut self, c: char) {
        // As `_backtrack_to`: back from the current index to the nearest `c`.
        let mut i = self.at.min(self.input.len().saturating_sub(1));
        while i > 0 && self.input[i] != c {
            i -= 1;
        }
        self.at = i;
    }

    fn first_value(&mut self) -> Result<String, AwsError> {
        match self.current() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            _ => Ok(self.bare(first_follow).unwrap_or_default()),
        }
    }

    fn second_value(&mut self) -> Result<String, AwsError> {
        match self.current() {
            Some(q @ ('\'' | '"')) => self.quoted(q),
            _ => self
                .bare(second_follow)
                .ok_or_else(|| AwsError("Expected: '<second>', received: '<none>'".into())),
        }
    }

    /// `(\\,|[start])(\\,|[follow])*`, greedy; `\,` unescaped, trailing whitespace stripped.
    /// None when nothing matches.
    fn bare(&mut self, follow: fn(char) -> bool) -> Option<String> {
        let start = self.at;
        let mut i = self.at;
        let mut first = true;
        loop {
            let c = self.input.get(i).copied();
            if c == Some('\\') && self.input.get(i + 1) == Some(&',') {
                i += 2;
            } else if c.is_some_and(|c| if first { start_word(c) } else { follow(c) }) {
                i += 1;
            } else {
                break;
            }
            first = false;
        }
        if i == start {
            return None;
        }
        self.at = i;
        let consumed: String = self.input[start..i].iter().collect();
        Some(
            consumed
                .replace("\\,", ",")
                .trim_end_matches(py_isspace)
                .to_owned(),
        )
    }

    /// The first match of `q(?:\\q|[^q])*q` from here, in Python's backtracking order, then
    /// `\q` → `q` and `\\` → `\`.
    fn quoted(&mut self, q: char) -> Result<String, AwsError> {
        let body_start = self.at + 1;
        let end = first_quoted_match(&self.input, body_start, q)
            .ok_or_else(|| AwsError(format!("Expected: '<quoted {q}>', received: '<none>'")))?;
        self.at = end + 1;
        let body: String = self.input[body_start..end].iter().collect();
        Ok(body
            .replace(&format!("\\{q}"), &q.to_string())
            .replace("\\\\", "\\"))
    }
}

/// Where the closing quote of `q(?:\\q|[^q])*q` is, for a body starting at `from`: a
/// depth-first search trying, at each place, `\q`, then one character other than `q`, then
/// the closing `q`, as a backtracking engine does. Places known to fail are remembered, so
/// the search is linear.
fn first_quoted_match(input: &[char], from: usize, q: char) -> Option<usize> {
    let mut failed = vec![false; input.len() + 1];
    // Each frame: a place, and the next choice to try there (0: `\q`, 1: other, 2: close).
    let mut stack: Vec<(usize, u8)> = vec![(from, 0)];
    while let Some((at, choice)) = stack.pop() {
        if failed[at] {
            continue;
        }
        let c = input.get(at).copied();
        match choice {
            0 => {
                stack.push((at, 1));
                if c == Some('\\') && input.get(at + 1) == Some(&q) {
                    stack.push((at + 2, 0));
                }
            }
            1 => {
                stack.push((at, 2));
                if c.is_some_and(|c| c != q) {
                    stack.push((at + 1, 0));
                }
            }
            _ => {
                if c == Some(q) {
                    return Some(at);
                }
                failed[at] = true;
            }
        }
    }
    None
}
