//! Validation of link and unlink requests, in the order Cognito checks them.
//!
//! Two layers:
//! - model constraints (lengths, patterns, required members) that Cognito reports together as
//!   `N validation error(s) detected: ...`;
//! - service rules (no Cognito source, Cognito_Subject for social sources, destination exists,
//!   no merging, not already linked, at most 5 links) of which Cognito reports the first.
//!
//! Service rules that need facts about the pool read them from a [`LinkContext`]; what the
//! caller does not know is skipped, so the TUI form can validate with what it has loaded and
//! the local endpoint validates with everything.
//!
//! The model patterns and lengths are here too, with the checks that match them; what a broken
//! rule is called and how Cognito answers it is the vocabulary (`violation.rs`), and the requests
//! checked are plain data (`requests.rs`).

use std::sync::LazyLock;

use regex::Regex;

use super::provider::{
    COGNITO, COGNITO_SUBJECT, IdentityProviderInfo, MAX_LINKED_IDENTITIES, ProviderType,
    ProviderUserIdentifier,
};
use super::requests::{LinkRequest, UnlinkRequest};
use super::violation::{
    Field, MAX_ATTRIBUTE_NAMES_PER_PROVIDER, MAX_SOURCE_CHARS, Part, Role, Rule, Violation,
};

/// `ProviderNameType`: 1..32, any letter, mark, symbol, number, punctuation or separator.
pub const PROVIDER_NAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\p{Z}]+";
/// `UsernameType`: 1..128, no separators.
pub const USERNAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+";
/// `UserPoolIdType`: 1..55. Shown as the model writes it; matched with ASCII `\w`
/// ([`USER_POOL_ID_REGEX`]), as the service's (presumably Java) regex does (inferred).
pub const USER_POOL_ID_PATTERN: &str = r"[\w-]+_[0-9a-zA-Z]+";
/// What [`USER_POOL_ID_PATTERN`] is matched with: Rust's `\w` is Unicode, Cognito's ASCII.
const USER_POOL_ID_REGEX: &str = r"[A-Za-z0-9_-]+_[0-9a-zA-Z]+";
/// `ProviderNameTypeV2` (CreateIdentityProvider): 1..32.
pub const PROVIDER_NAME_V2_PATTERN: &str = r"[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+";
/// `SearchPaginationTokenType` / `PaginationKeyType`.
pub const TOKEN_PATTERN: &str = r"[\S]+";

pub const PROVIDER_NAME_MAX: usize = 32;
pub const USERNAME_MAX: usize = 128;
pub const USER_POOL_ID_MAX: usize = 55;
/// The model's `StringType`: `ProviderAttributeName` and `ProviderAttributeValue` hold at
/// most this many characters (a longer one is a ValidationException).
pub const STRING_TYPE_MAX: usize = 131_072;

fn anchored(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})$")).expect("patterns are valid")
}

static PATTERNS: LazyLock<[(&'static str, Regex); 5]> = LazyLock::new(|| {
    [
        PROVIDER_NAME_PATTERN,
        USERNAME_PATTERN,
        USER_POOL_ID_PATTERN,
        PROVIDER_NAME_V2_PATTERN,
        TOKEN_PATTERN,
    ]
    .map(|p| {
        let matched = if p == USER_POOL_ID_PATTERN {
            USER_POOL_ID_REGEX
        } else {
            p
        };
        (p, anchored(matched))
    })
});

fn matches_pattern(pattern: &'static str, value: &str) -> bool {
    PATTERNS
        .iter()
        .find(|(p, _)| *p == pattern)
        .map(|(_, re)| re.is_match(value))
        .unwrap_or_else(|| anchored(pattern).is_match(value))
}

/// Checks a string member against its length (in code points, as Smithy counts) and pattern.
pub fn check_string(
    field: Field,
    value: &str,
    min: usize,
    max: usize,
    pattern: Option<&'static str>,
) -> Option<Violation> {
    let len = value.chars().count();
    let rule = if len < min {
        Rule::TooShort { min, actual: len }
    } else if len > max {
        Rule::TooLong { max, actual: len }
    } else if pattern.is_some_and(|p| !value.is_empty() && !matches_pattern(p, value)) {
        Rule::Pattern {
            pattern: pattern.unwrap(),
        }
    } else {
        return None;
    };
    Some(Violation::with_value(field, rule, value))
}

/// Checks an integer member against its range.
pub fn check_range(field: Field, value: i64, min: i64, max: i64) -> Option<Violation> {
    let rule = if value < min {
        Rule::ValueTooSmall { min }
    } else if value > max {
        Rule::ValueTooLarge { max }
    } else {
        return None;
    };
    Some(Violation::with_value(field, rule, &value.to_string()))
}

/// A `UserPoolIdType` member (read operations; link/unlink take any string).
pub fn check_user_pool_id(value: &str) -> Option<Violation> {
    check_string(
        Field::UserPoolId,
        value,
        1,
        USER_POOL_ID_MAX,
        Some(USER_POOL_ID_PATTERN),
    )
}

/// A `UsernameType` member.
pub fn check_username(value: &str) -> Option<Violation> {
    check_string(
        Field::Username,
        value,
        1,
        USERNAME_MAX,
        Some(USERNAME_PATTERN),
    )
}

/// What a caller knows of something it looked up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Known<T> {
    /// Not looked up: rules that need it are skipped.
    #[default]
    Unknown,
    /// Looked up and absent.
    Absent,
    Present(T),
}

/// The destination user as far as the rules care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DestinationFacts {
    pub username: String,
    pub link_count: usize,
}

/// Facts about the pool that service rules need. Unknown facts skip their rule.
#[derive(Clone, Debug, Default)]
pub struct LinkContext<'a> {
    pub pool_exists: Option<bool>,
    pub providers: Option<&'a [IdentityProviderInfo]>,
    pub destination: Known<DestinationFacts>,
    /// The source identity as its own user of the pool (a prior federated sign-in).
    pub source_as_user: Known<String>,
    /// The user the source identity is linked to already.
    pub source_linked_to: Known<String>,
    /// The distinct attribute names (other than `Cognito_Subject`) the source IdP's links use
    /// across the pool; `None`: not known (only the local endpoint knows it whole).
    pub source_attribute_names: Option<Vec<String>>,
}

impl LinkContext<'_> {
    fn provider(&self, name: &str) -> Option<&IdentityProviderInfo> {
        self.providers?.iter().find(|p| p.name == name)
    }

    fn provider_known_absent(&self, name: &str) -> bool {
        self.providers.is_some() && self.provider(name).is_none()
    }
}

fn identifier_model_checks(
    role: Role,
    id: &Option<ProviderUserIdentifier>,
    out: &mut Vec<Violation>,
) {
    match id {
        None => out.push(Violation::new(Field::Identifier(role), Rule::Missing)),
        Some(id) => {
            if let Some(name) = &id.provider_name {
                out.extend(check_string(
                    Field::Member(role, Part::ProviderName),
                    name,
                    1,
                    PROVIDER_NAME_MAX,
                    Some(PROVIDER_NAME_PATTERN),
                ));
            }
            for (part, text) in [
                (Part::AttributeName, &id.provider_attribute_name),
                (Part::AttributeValue, &id.provider_attribute_value),
            ] {
                // Counted only past the limit's bytes: most values are far below it.
                if let Some(text) = text.as_deref().filter(|t| t.len() > STRING_TYPE_MAX) {
                    out.extend(check_string(
                        Field::Member(role, part),
                        text,
                        0,
                        STRING_TYPE_MAX,
                        None,
                    ));
                }
            }
        }
    }
}

/// Every rule a link request breaks, model constraints first, then service rules in the
/// order Cognito checks them.
pub fn check_link(req: &LinkRequest, ctx: &LinkContext) -> Vec<Violation> {
    let mut out = Vec::new();
    if req.user_pool_id.is_none() {
        out.push(Violation::new(Field::UserPoolId, Rule::Missing));
    }
    identifier_model_checks(Role::Destination, &req.destination_user, &mut out);
    identifier_model_checks(Role::Source, &req.source_user, &mut out);
    if !out.is_empty() {
        return out;
    }
    if ctx.pool_exists == Some(false) {
        out.push(Violation::with_value(
            Field::UserPoolId,
            Rule::PoolNotFound,
            req.pool_id(),
        ));
        return out;
    }
    let source = req.source();
    let destination = req.destination();
    check_source(&source, ctx, &mut out);
    check_destination(&destination, ctx, &mut out);
    let source_ok = out
        .iter()
        .all(|v| !matches!(v.field, Field::Member(Role::Source, _)));
    if source_ok {
        if let Known::Present(username) = &ctx.source_as_user {
            out.push(Violation::new(
                Field::Identifier(Role::Source),
                Rule::SourceIsExistingUser {
                    username: username.clone(),
                },
            ));
        }
        if let Known::Present(to_username) = &ctx.source_linked_to {
            out.push(Violation::new(
                Field::Identifier(Role::Source),
                Rule::AlreadyLinked {
                    to_username: to_username.clone(),
                },
            ));
        }
    }
    if let Known::Present(dest) = &ctx.destination
        && dest.link_count >= MAX_LINKED_IDENTITIES
    {
        out.push(Violation::new(
            Field::Identifier(Role::Destination),
            Rule::LinkLimitReached {
                count: dest.link_count,
            },
        ));
    }
    out
}

fn check_source(source: &ProviderUserIdentifier, ctx: &LinkContext, out: &mut Vec<Violation>) {
    let name_field = Field::Member(Role::Source, Part::ProviderName);
    let attr_field = Field::Member(Role::Source, Part::AttributeName);
    let value_field = Field::Member(Role::Source, Part::AttributeValue);
    let name = source.name();
    let attr = source.attribute_name();
    if name.is_empty() {
        out.push(Violation::new(name_field, Rule::Required));
    } else if name == COGNITO {
        out.push(Violation::with_value(name_field, Rule::CognitoSource, name));
    } else if ctx.provider_known_absent(name) {
        out.push(Violation::with_value(
            name_field,
            Rule::UnknownProvider {
                name: name.to_owned(),
            },
            name,
        ));
    } else {
        let provider_type = ctx
            .provider(name)
            .map(|p| p.provider_type)
            .or_else(|| ProviderType::social_from_name(name));
        match provider_type {
            Some(t) if t.is_social() && attr != COGNITO_SUBJECT => {
                out.push(Violation::with_value(
                    attr_field,
                    Rule::SocialNeedsSubject { provider: t },
                    attr,
                ));
            }
            // SAML/OIDC: any claim name (cognito-fidelity (c)); the IdP's mapping only
            // suggests names, and one outside it earns a warning
            // (`IdentityProviderInfo::attribute_warning`), never a refusal.
            Some(_) if attr.is_empty() => out.push(Violation::new(attr_field, Rule::Required)),
            Some(_) => {
                if let Some(in_use) = &ctx.source_attribute_names
                    && attr != COGNITO_SUBJECT
                    && !in_use.iter().any(|n| n == attr)
                    && in_use.len() >= MAX_ATTRIBUTE_NAMES_PER_PROVIDER
                {
                    out.push(Violation::with_value(
                        attr_field,
                        Rule::AttributeNamesExhausted {
                            provider: name.to_owned(),
                            in_use: in_use.clone(),
                        },
                        attr,
                    ));
                }
            }
            None if attr.is_empty() => out.push(Violation::new(attr_field, Rule::Required)),
            None => {}
        }
    }
    if source.value().is_empty() {
        out.push(Violation::new(value_field, Rule::Required));
    } else {
        let actual = source_chars(source);
        if actual > MAX_SOURCE_CHARS {
            out.push(Violation::with_value(
                value_field,
                Rule::SourceTooLong { actual },
                source.value(),
            ));
        }
    }
}

/// The characters of a source identifier that [`MAX_SOURCE_CHARS`] limits.
pub fn source_chars(source: &ProviderUserIdentifier) -> usize {
    [source.name(), source.attribute_name(), source.value()]
        .iter()
        .map(|s| s.chars().count())
        .sum()
}

fn check_destination(dest: &ProviderUserIdentifier, ctx: &LinkContext, out: &mut Vec<Violation>) {
    let name_field = Field::Member(Role::Destination, Part::ProviderName);
    let name = dest.name();
    if name.is_empty() {
        out.push(Violation::new(name_field, Rule::Required));
    } else if name != COGNITO && ctx.provider_known_absent(name) {
        out.push(Violation::with_value(
            name_field,
            Rule::UnknownProvider {
                name: name.to_owned(),
            },
            name,
        ));
    }
    let value_field = Field::Member(Role::Destination, Part::AttributeValue);
    if dest.value().is_empty() {
        out.push(Violation::new(value_field, Rule::Required));
    } else if ctx.destination == Known::Absent {
        out.push(Violation::with_value(
            value_field,
            Rule::UserNotFound,
            dest.value(),
        ));
    }
}

/// Every rule an unlink request breaks. `linked_to` is the user the identity is linked to.
pub fn check_unlink(
    req: &UnlinkRequest,
    pool_exists: Option<bool>,
    providers: Option<&[IdentityProviderInfo]>,
    linked_to: &Known<String>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if req.user_pool_id.is_none() {
        out.push(Violation::new(Field::UserPoolId, Rule::Missing));
    }
    identifier_model_checks(Role::User, &req.user, &mut out);
    if !out.is_empty() {
        return out;
    }
    if pool_exists == Some(false) {
        out.push(Violation::with_value(
            Field::UserPoolId,
            Rule::PoolNotFound,
            req.pool_id(),
        ));
        return out;
    }
    let user = req.user();
    let name = user.name();
    let name_field = Field::Member(Role::User, Part::ProviderName);
    if name.is_empty() {
        out.push(Violation::new(name_field, Rule::Required));
    } else if name != COGNITO && providers.is_some_and(|ps| !ps.iter().any(|p| p.name == name)) {
        out.push(Violation::with_value(
            name_field,
            Rule::UnknownProvider {
                name: name.to_owned(),
            },
            name,
        ));
    }
    if user.value().is_empty() {
        out.push(Violation::new(
            Field::Member(Role::User, Part::AttributeValue),
            Rule::Required,
        ));
    }
    if out.is_empty() && *linked_to == Known::Absent {
        out.push(Violation::new(
            Field::Identifier(Role::User),
            Rule::NotLinked,
        ));
    }
    out
}

#[cfg(test)]
mod tests;
