//! The ListUsers `Filter` expression: `attribute = "value"` or `attribute ^= "value"`.
//!
//! Grammar (spec §1.4): optional whitespace, the attribute name (optionally in double quotes),
//! optional whitespace, `=` or `^=`, optional whitespace, a double-quoted value in which `\"`
//! and `\\` are escapes, optional whitespace. An empty expression selects every user.

use std::fmt;

/// Longest filter Cognito accepts (`UserFilterType`).
pub const FILTER_MAX: usize = 256;

/// The attributes ListUsers can search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchAttribute {
    Username,
    Email,
    PhoneNumber,
    Name,
    GivenName,
    FamilyName,
    PreferredUsername,
    /// `cognito:user_status`: the user's status, e.g. `CONFIRMED`.
    UserStatus,
    /// `status`: `Enabled` or `Disabled`.
    Status,
    Sub,
}

impl SearchAttribute {
    pub const ALL: [SearchAttribute; 10] = [
        SearchAttribute::Username,
        SearchAttribute::Email,
        SearchAttribute::PhoneNumber,
        SearchAttribute::Name,
        SearchAttribute::GivenName,
        SearchAttribute::FamilyName,
        SearchAttribute::PreferredUsername,
        SearchAttribute::UserStatus,
        SearchAttribute::Status,
        SearchAttribute::Sub,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchAttribute::Username => "username",
            SearchAttribute::Email => "email",
            SearchAttribute::PhoneNumber => "phone_number",
            SearchAttribute::Name => "name",
            SearchAttribute::GivenName => "given_name",
            SearchAttribute::FamilyName => "family_name",
            SearchAttribute::PreferredUsername => "preferred_username",
            SearchAttribute::UserStatus => "cognito:user_status",
            SearchAttribute::Status => "status",
            SearchAttribute::Sub => "sub",
        }
    }

    pub fn parse(name: &str) -> Option<SearchAttribute> {
        SearchAttribute::ALL
            .into_iter()
            .find(|a| a.as_str() == name)
    }

    /// UNVERIFIED beyond the documented cases: `username` and `status` compare exactly,
    /// `cognito:user_status` ignores case (both documented); the other attributes are taken to
    /// ignore case too, as the older developer guide says "all searches are case-insensitive".
    pub fn case_sensitive(self) -> bool {
        matches!(self, SearchAttribute::Username | SearchAttribute::Status)
    }
}

/// `=` (exact) or `^=` (prefix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FilterOp {
    Equals,
    StartsWith,
}

impl FilterOp {
    pub fn as_str(self) -> &'static str {
        match self {
            FilterOp::Equals => "=",
            FilterOp::StartsWith => "^=",
        }
    }
}

/// A parsed filter expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UserFilter {
    pub attribute: SearchAttribute,
    pub op: FilterOp,
    pub value: String,
}

impl UserFilter {
    pub fn new(attribute: SearchAttribute, op: FilterOp, value: &str) -> Self {
        UserFilter {
            attribute,
            op,
            value: value.to_owned(),
        }
    }

    /// Whether a user whose attribute has `actual` (None: the user lacks it) is selected.
    pub fn matches(&self, actual: Option<&str>) -> bool {
        let Some(actual) = actual else { return false };
        if self.attribute.case_sensitive() {
            match self.op {
                FilterOp::Equals => actual == self.value,
                FilterOp::StartsWith => actual.starts_with(&self.value),
            }
        } else if actual.is_ascii() && self.value.is_ascii() {
            // The same as lowercasing both, without a copy of either.
            let wanted = self.value.as_bytes();
            match self.op {
                FilterOp::Equals => actual.eq_ignore_ascii_case(&self.value),
                FilterOp::StartsWith => actual
                    .as_bytes()
                    .get(..wanted.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(wanted)),
            }
        } else {
            let actual = actual.to_lowercase();
            let wanted = self.value.to_lowercase();
            match self.op {
                FilterOp::Equals => actual == wanted,
                FilterOp::StartsWith => actual.starts_with(&wanted),
            }
        }
    }
}

impl fmt::Display for UserFilter {
    /// The canonical expression, ready to send: `email ^= "ann"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = self.value.replace('\\', "\\\\").replace('"', "\\\"");
        write!(
            f,
            "{} {} \"{escaped}\"",
            self.attribute.as_str(),
            self.op.as_str()
        )
    }
}

/// Why an expression is not a filter Cognito accepts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("Filter: must be at most {FILTER_MAX} characters (has {0})")]
    TooLong(usize),
    #[error("Filter: expected {expected} at character {at}, as in: email ^= \"ann\"")]
    Syntax { at: usize, expected: &'static str },
    #[error(
        "Filter: {0:?} is not searchable; use one of username, email, phone_number, name, given_name, family_name, preferred_username, cognito:user_status, status, sub"
    )]
    NotSearchable(String),
}

/// Parses an expression. `Ok(None)` for an empty expression (every user).
pub fn parse_filter(input: &str) -> Result<Option<UserFilter>, FilterError> {
    let len = input.chars().count();
    if len > FILTER_MAX {
        return Err(FilterError::TooLong(len));
    }
    if input.trim().is_empty() {
        return Ok(None);
    }
    let mut p = Cursor {
        chars: input.chars().collect(),
        at: 0,
    };
    p.skip_ws();
    let name = if p.eat('"') {
        let name = p.take_while(|c| c != '"');
        if !p.eat('"') {
            return Err(p.error("a closing \" after the attribute name"));
        }
        name
    } else {
        p.take_while(|c| c.is_alphanumeric() || c == '_' || c == ':')
    };
    if name.is_empty() {
        return Err(p.error("an attribute name"));
    }
    p.skip_ws();
    let op = if p.eat('=') {
        FilterOp::Equals
    } else if p.eat('^') && p.eat('=') {
        FilterOp::StartsWith
    } else {
        return Err(p.error("= or ^="));
    };
    p.skip_ws();
    if !p.eat('"') {
        return Err(p.error("a value in double quotes"));
    }
    let mut value = String::new();
    loop {
        match p.next() {
            None => return Err(p.error("a closing \" after the value")),
            Some('"') => break,
            Some('\\') => match p.next() {
                Some(c @ ('"' | '\\')) => value.push(c),
                _ => return Err(p.error("\\\" or \\\\ after a backslash")),
            },
            Some(c) => value.push(c),
        }
    }
    p.skip_ws();
    if p.peek().is_some() {
        return Err(p.error("the end of the filter (one attribute per filter)"));
    }
    let attribute = SearchAttribute::parse(&name).ok_or(FilterError::NotSearchable(name))?;
    Ok(Some(UserFilter {
        attribute,
        op,
        value,
    }))
}

struct Cursor {
    chars: Vec<char>,
    at: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let start = self.at;
        while self.peek().is_some_and(&f) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }

    fn error(&self, expected: &'static str) -> FilterError {
        FilterError::Syntax {
            at: self.at + 1,
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> UserFilter {
        parse_filter(s).unwrap().unwrap()
    }

    #[test]
    fn parses_both_operators_with_and_without_spaces() {
        assert_eq!(
            ok(r#"email = "a@b.c""#),
            UserFilter::new(SearchAttribute::Email, FilterOp::Equals, "a@b.c")
        );
        assert_eq!(ok(r#"email^="ann""#).op, FilterOp::StartsWith);
        assert_eq!(ok(r#"  sub ^= "0"  "#).attribute, SearchAttribute::Sub);
        assert_eq!(
            ok(r#"cognito:user_status = "CONFIRMED""#).attribute,
            SearchAttribute::UserStatus
        );
    }

    #[test]
    fn accepts_quoted_attribute_names_as_in_the_aws_model_example() {
        assert_eq!(ok(r#""email"^="testuser""#).value, "testuser");
    }

    #[test]
    fn unescapes_quotes_and_backslashes() {
        assert_eq!(
            ok(r#"name = "say \"hi\" \\ bye""#).value,
            r#"say "hi" \ bye"#
        );
    }

    #[test]
    fn empty_means_all_users() {
        assert_eq!(parse_filter("").unwrap(), None);
        assert_eq!(parse_filter("   ").unwrap(), None);
    }

    #[test]
    fn rejects_bad_grammar_with_the_position() {
        for bad in [
            "email",
            r#"email == "x""#,
            r#"email = x"#,
            r#"email = "x"#,
            r#"email = "x" and name = "y""#,
            r#"= "x""#,
            r#"email ~= "x""#,
            r#"name = "a\b""#,
        ] {
            assert!(
                matches!(parse_filter(bad), Err(FilterError::Syntax { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            parse_filter("email").unwrap_err().to_string(),
            "Filter: expected = or ^= at character 6, as in: email ^= \"ann\""
        );
    }

    #[test]
    fn rejects_custom_attributes() {
        assert_eq!(
            parse_filter(r#"custom:tier = "gold""#),
            Err(FilterError::NotSearchable("custom:tier".into()))
        );
    }

    #[test]
    fn rejects_more_than_256_characters() {
        let long = format!("email = \"{}\"", "a".repeat(250));
        assert_eq!(parse_filter(&long), Err(FilterError::TooLong(260)));
        let max = format!("email = \"{}\"", "a".repeat(246));
        assert!(parse_filter(&max).is_ok());
    }

    #[test]
    fn matching_respects_case_rules() {
        let f = ok(r#"username ^= "Al""#);
        assert!(f.matches(Some("Alice")));
        assert!(!f.matches(Some("alice")));
        let f = ok(r#"email = "ANN@x.io""#);
        assert!(f.matches(Some("ann@x.io")));
        assert!(!f.matches(None));
        let f = ok(r#"cognito:user_status = "confirmed""#);
        assert!(f.matches(Some("CONFIRMED")));
        let f = ok(r#"status = "Enabled""#);
        assert!(!f.matches(Some("enabled")));
    }

    #[test]
    fn case_folding_is_the_same_for_ascii_and_other_text() {
        let f = ok(r#"email ^= "ÄNN""#);
        assert!(f.matches(Some("änn@x.io")));
        let f = ok(r#"email ^= "ann@x.io.longer""#);
        assert!(!f.matches(Some("ANN@x.io")), "shorter than the prefix");
        let f = ok(r#"email ^= "AN""#);
        assert!(f.matches(Some("ann@x.io")) && !f.matches(Some("äann")));
        let f = ok(r#"email = "ANN@X.IO""#);
        assert!(f.matches(Some("ann@x.io")) && !f.matches(Some("ann@x.io ")));
    }

    #[test]
    fn display_is_a_parseable_canonical_form() {
        let f = UserFilter::new(SearchAttribute::Name, FilterOp::StartsWith, r#"a"b\c"#);
        assert_eq!(f.to_string(), r#"name ^= "a\"b\\c""#);
        assert_eq!(ok(&f.to_string()), f);
    }
}
