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

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::cognito_error::{CognitoError, ErrorKind, ModelValidationFailure, link_messages};
use super::provider::{
    COGNITO, COGNITO_SUBJECT, IdentityProviderInfo, MAX_LINKED_IDENTITIES, ProviderType,
    ProviderUserIdentifier,
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

/// Which identifier of a request a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Destination,
    Source,
    /// The `User` of AdminDisableProviderForUser.
    User,
}

/// A member of `ProviderUserIdentifierType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    ProviderName,
    AttributeName,
    AttributeValue,
}

/// A request member a violation is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    UserPoolId,
    /// A whole identifier (`DestinationUser`, `SourceUser`, `User`).
    Identifier(Role),
    Member(Role, Part),
    Username,
    Filter,
    Limit,
    MaxResults,
    PaginationToken,
    NextToken,
    ProviderName,
    AttributesToGet(usize),
}

impl Field {
    fn role_name(role: Role) -> &'static str {
        match role {
            Role::Destination => "DestinationUser",
            Role::Source => "SourceUser",
            Role::User => "User",
        }
    }

    fn part_name(part: Part) -> &'static str {
        match part {
            Part::ProviderName => "ProviderName",
            Part::AttributeName => "ProviderAttributeName",
            Part::AttributeValue => "ProviderAttributeValue",
        }
    }

    /// The API member name as a user writes it, e.g. `SourceUser.ProviderAttributeName`.
    pub fn label(self) -> String {
        match self {
            Field::UserPoolId => "UserPoolId".into(),
            Field::Identifier(r) => Self::role_name(r).into(),
            Field::Member(r, p) => format!("{}.{}", Self::role_name(r), Self::part_name(p)),
            Field::Username => "Username".into(),
            Field::Filter => "Filter".into(),
            Field::Limit => "Limit".into(),
            Field::MaxResults => "MaxResults".into(),
            Field::PaginationToken => "PaginationToken".into(),
            Field::NextToken => "NextToken".into(),
            Field::ProviderName => "ProviderName".into(),
            Field::AttributesToGet(i) => format!("AttributesToGet[{i}]"),
        }
    }

    /// The path Cognito's validation messages use: lowerCamelCase members, 1-based list items.
    /// Nested paths like `sourceUser.providerName` follow the convention (UNVERIFIED).
    pub fn member_path(self) -> String {
        fn lower_first(s: &str) -> String {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
        match self {
            Field::AttributesToGet(i) => format!("attributesToGet.{}.member", i + 1),
            other => other
                .label()
                .split('.')
                .map(lower_first)
                .collect::<Vec<_>>()
                .join("."),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// The rule a value breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    // Model constraints.
    Missing,
    TooShort {
        min: usize,
        actual: usize,
    },
    TooLong {
        max: usize,
        actual: usize,
    },
    Pattern {
        pattern: &'static str,
    },
    ValueTooSmall {
        min: i64,
    },
    ValueTooLarge {
        max: i64,
    },
    // Service rules.
    PoolNotFound,
    Required,
    CognitoSource,
    UnknownProvider {
        name: String,
    },
    SocialNeedsSubject {
        provider: ProviderType,
    },
    /// `ProviderName` + `ProviderAttributeName` + `ProviderAttributeValue` of a source over
    /// [`MAX_SOURCE_CHARS`] characters.
    SourceTooLong {
        actual: usize,
    },
    /// The source IdP's links already use [`MAX_ATTRIBUTE_NAMES_PER_PROVIDER`] distinct
    /// attribute names, and this is another one.
    AttributeNamesExhausted {
        provider: String,
        in_use: Vec<String>,
    },
    UserNotFound,
    SourceIsExistingUser {
        username: String,
    },
    AlreadyLinked {
        to_username: String,
    },
    LinkLimitReached {
        count: usize,
    },
    NotLinked,
}

impl Rule {
    pub fn is_model_constraint(&self) -> bool {
        matches!(
            self,
            Rule::Missing
                | Rule::TooShort { .. }
                | Rule::TooLong { .. }
                | Rule::Pattern { .. }
                | Rule::ValueTooSmall { .. }
                | Rule::ValueTooLarge { .. }
        )
    }

    /// The constraint text of Cognito's validation message.
    fn constraint(&self) -> String {
        match self {
            Rule::Missing => "Member must not be null".into(),
            Rule::TooShort { min, .. } => {
                format!("Member must have length greater than or equal to {min}")
            }
            Rule::TooLong { max, .. } => {
                format!("Member must have length less than or equal to {max}")
            }
            Rule::Pattern { pattern } => {
                format!("Member must satisfy regular expression pattern: {pattern}")
            }
            Rule::ValueTooSmall { min } => {
                format!("Member must have value greater than or equal to {min}")
            }
            Rule::ValueTooLarge { max } => {
                format!("Member must have value less than or equal to {max}")
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Rule {
    /// The rule in plain words, as the form and the CLI show it after the field name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Missing | Rule::Required => write!(f, "is required"),
            Rule::TooShort { min, actual } => {
                write!(f, "must be at least {min} characters (has {actual})")
            }
            Rule::TooLong { max, actual } => {
                write!(f, "must be at most {max} characters (has {actual})")
            }
            Rule::Pattern { pattern } => write!(f, "must match {pattern}"),
            Rule::ValueTooSmall { min } => write!(f, "must be at least {min}"),
            Rule::ValueTooLarge { max } => write!(f, "must be at most {max}"),
            Rule::PoolNotFound => write!(f, "names no user pool in this account and region"),
            Rule::CognitoSource => write!(
                f,
                "must be an external identity provider: a Cognito (username/password) user can only be a destination"
            ),
            Rule::UnknownProvider { name } => {
                write!(f, "names no identity provider of this pool ({name:?})")
            }
            Rule::SocialNeedsSubject { provider } => write!(
                f,
                "must be {COGNITO_SUBJECT} for {provider}: social identities link by their `{}` claim",
                provider.subject_claim()
            ),
            Rule::SourceTooLong { actual } => write!(
                f,
                "provider name, attribute name and value together must be at most {MAX_SOURCE_CHARS} characters (have {actual})"
            ),
            Rule::AttributeNamesExhausted { provider, in_use } => write!(
                f,
                "{provider}'s links already use {MAX_ATTRIBUTE_NAMES_PER_PROVIDER} attribute names ({}), the maximum: use one of them",
                in_use.join(", ")
            ),
            Rule::UserNotFound => write!(f, "names no user of this pool"),
            Rule::SourceIsExistingUser { username } => write!(
                f,
                "this identity has already signed in as user {username:?}; Cognito cannot merge users: delete that user first, then link"
            ),
            Rule::AlreadyLinked { to_username } => {
                write!(f, "this identity is already linked to user {to_username:?}")
            }
            Rule::LinkLimitReached { count } => write!(
                f,
                "the destination already has {count}/{MAX_LINKED_IDENTITIES} linked identities, the maximum"
            ),
            Rule::NotLinked => write!(f, "this identity is not linked to any user"),
        }
    }
}

/// A broken rule, naming the field and the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct Violation {
    pub field: Field,
    pub rule: Rule,
    /// The offending value as sent, for Cognito's validation message.
    pub value: Option<String>,
}

impl Violation {
    pub fn new(field: Field, rule: Rule) -> Self {
        Violation {
            field,
            rule,
            value: None,
        }
    }

    fn with_value(field: Field, rule: Rule, value: &str) -> Self {
        Violation {
            field,
            rule,
            value: Some(value.to_owned()),
        }
    }

    /// The error Cognito answers for this violation alone.
    pub fn to_cognito_error(&self, pool_id: &str) -> CognitoError {
        use link_messages as m;
        let invalid = |msg: String| CognitoError::new(ErrorKind::InvalidParameter, msg);
        match &self.rule {
            r if r.is_model_constraint() => CognitoError::validation(&[self.model_failure()]),
            Rule::PoolNotFound => CognitoError::pool_not_found(pool_id),
            Rule::UserNotFound => CognitoError::user_not_found(),
            Rule::CognitoSource => invalid(m::COGNITO_SOURCE.into()),
            Rule::UnknownProvider { name } => invalid(m::provider_not_found(name, pool_id)),
            Rule::SocialNeedsSubject { provider } => {
                invalid(m::social_needs_subject(provider.as_str()))
            }
            Rule::SourceTooLong { .. } => invalid(m::source_too_long(MAX_SOURCE_CHARS)),
            Rule::AttributeNamesExhausted { provider, .. } => CognitoError::new(
                ErrorKind::LimitExceeded,
                m::attribute_names_exhausted(provider, MAX_ATTRIBUTE_NAMES_PER_PROVIDER),
            ),
            Rule::Required => invalid(m::required(&self.field.label())),
            Rule::SourceIsExistingUser { .. } => invalid(m::MERGING_NOT_SUPPORTED.into()),
            Rule::AlreadyLinked { .. } => invalid(m::ALREADY_LINKED.into()),
            Rule::LinkLimitReached { .. } => CognitoError::new(
                ErrorKind::LimitExceeded,
                m::limit_exceeded(MAX_LINKED_IDENTITIES),
            ),
            Rule::NotLinked => invalid(m::NOT_LINKED.into()),
            _ => unreachable!("model constraints handled above"),
        }
    }

    pub fn model_failure(&self) -> ModelValidationFailure {
        ModelValidationFailure {
            value: self.value.clone(),
            member_path: self.field.member_path(),
            constraint: self.rule.constraint(),
        }
    }
}

/// The first error Cognito would answer for these violations: all model constraints together,
/// otherwise the first service rule.
pub fn cognito_error_for(violations: &[Violation], pool_id: &str) -> Option<CognitoError> {
    let model: Vec<_> = violations
        .iter()
        .filter(|v| v.rule.is_model_constraint())
        .map(Violation::model_failure)
        .collect();
    if !model.is_empty() {
        return Some(CognitoError::validation(&model));
    }
    violations.first().map(|v| v.to_cognito_error(pool_id))
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

/// `AdminLinkProviderForUserRequest`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LinkRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_user: Option<ProviderUserIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_user: Option<ProviderUserIdentifier>,
}

/// `AdminDisableProviderForUserRequest`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UnlinkRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<ProviderUserIdentifier>,
}

impl LinkRequest {
    pub fn new(
        pool_id: &str,
        destination: ProviderUserIdentifier,
        source: ProviderUserIdentifier,
    ) -> Self {
        LinkRequest {
            user_pool_id: Some(pool_id.to_owned()),
            destination_user: Some(destination),
            source_user: Some(source),
        }
    }

    pub fn pool_id(&self) -> &str {
        self.user_pool_id.as_deref().unwrap_or("")
    }

    pub fn destination(&self) -> ProviderUserIdentifier {
        self.destination_user.clone().unwrap_or_default()
    }

    pub fn source(&self) -> ProviderUserIdentifier {
        self.source_user.clone().unwrap_or_default()
    }
}

impl UnlinkRequest {
    pub fn new(pool_id: &str, user: ProviderUserIdentifier) -> Self {
        UnlinkRequest {
            user_pool_id: Some(pool_id.to_owned()),
            user: Some(user),
        }
    }

    pub fn pool_id(&self) -> &str {
        self.user_pool_id.as_deref().unwrap_or("")
    }

    pub fn user(&self) -> ProviderUserIdentifier {
        self.user.clone().unwrap_or_default()
    }

    /// `ProviderName=Cognito` does not unlink anything: it disables the password sign-in of
    /// the native user the value names (AdminDisableProviderForUser's reference).
    pub fn disables_password_sign_in(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(ProviderUserIdentifier::is_cognito)
    }

    /// What a review says of a `Cognito` "unlink", plainly.
    pub fn password_sign_in_warning(&self) -> String {
        format!(
            "This disables password sign-in for user {:?}: they can no longer sign in with \
             their username and password. No linked identity is removed.",
            self.user().value()
        )
    }
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

/// Cognito refuses a link whose source's provider name, attribute name and value add up to
/// more than this (cognito-fidelity (b)5, seen once with long Entra ID emails). UNVERIFIED:
/// whether it counts characters or bytes (characters, as the model's lengths do), and the
/// error's type and message (`link_messages::source_too_long`).
pub const MAX_SOURCE_CHARS: usize = 128;

/// Links from one IdP may use at most this many distinct `ProviderAttributeName`s across a
/// pool (Cognito developer guide, Linking federated users: documented). UNVERIFIED: whether
/// `Cognito_Subject` counts as one (not counted here: the guide's example lists five claims),
/// and the error (`link_messages::attribute_names_exhausted`).
pub const MAX_ATTRIBUTE_NAMES_PER_PROVIDER: usize = 5;

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

/// Link counts of the destination before and after a change, for review screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountChange {
    pub before: usize,
    pub after: usize,
}

impl CountChange {
    pub fn link(before: usize) -> Self {
        CountChange {
            before,
            after: before + 1,
        }
    }

    pub fn unlink(before: usize) -> Self {
        CountChange {
            before,
            after: before.saturating_sub(1),
        }
    }

    pub fn exceeds_limit(self) -> bool {
        self.after > MAX_LINKED_IDENTITIES
    }
}

impl fmt::Display for CountChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{MAX_LINKED_IDENTITIES} -> {}/{MAX_LINKED_IDENTITIES}",
            self.before, self.after
        )
    }
}

#[cfg(test)]
mod tests;
