//! The vocabulary of validation: which request member ([`Field`]) breaks which [`Rule`], the
//! [`Violation`] that pairs them, and the error Cognito answers for violations
//! ([`cognito_error_for`]).
//!
//! It stands apart from the checks (`checks.rs`) so that what reports a violation (the TUI form,
//! the CLI's messages, the local endpoint's answers) depends on the words, not on how requests
//! are checked: the checks produce violations, the vocabulary never calls a check.
//!
//! The two service limits a rule's wording quotes ([`MAX_SOURCE_CHARS`],
//! [`MAX_ATTRIBUTE_NAMES_PER_PROVIDER`]) live here rather than with the checks that enforce
//! them, so the checks import this file and never the other way round.

use std::fmt;

use super::cognito_error::{CognitoError, ErrorKind, ModelValidationFailure, link_messages};
use super::provider::{COGNITO_SUBJECT, MAX_LINKED_IDENTITIES, ProviderType};

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

    pub(super) fn with_value(field: Field, rule: Rule, value: &str) -> Self {
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
