//! Domain rules of account linking, with no I/O.
//!
//! Everything here is pure: the TUI form, the headless commands and the local
//! endpoint all validate through these functions, so a request refused by one
//! is refused by the others with the same field and rule.

mod checks;
pub mod cognito_error;
mod counts;
mod duplicates;
pub mod filter;
#[cfg(test)]
mod fuzz_tests;
mod group;
pub mod identities;
pub mod provider;
mod requests;
pub mod sanitize;
#[cfg(test)]
pub(crate) mod test_users;
pub mod user;
mod violation;

pub use checks::{
    DestinationFacts, Known, LinkContext, PROVIDER_NAME_MAX, PROVIDER_NAME_PATTERN,
    PROVIDER_NAME_V2_PATTERN, STRING_TYPE_MAX, TOKEN_PATTERN, USER_POOL_ID_MAX,
    USER_POOL_ID_PATTERN, USERNAME_MAX, USERNAME_PATTERN, check_link, check_range, check_string,
    check_unlink, check_user_pool_id, check_username, source_chars,
};
pub use cognito_error::{CognitoError, ErrorKind};
pub use counts::LinkCounts;
pub use duplicates::{DuplicateGroup, GroupClass, MatchBy, Member, find_duplicates};
pub use group::GroupInfo;
pub use identities::{IdentityRef, LinkedIdentity, link_count, parse_identities};
pub use provider::{
    COGNITO, COGNITO_SUBJECT, IdentityProviderInfo, MAX_LINKED_IDENTITIES, ProviderType,
    ProviderUserIdentifier,
};
pub use requests::{LinkRequest, UnlinkRequest};
pub use user::UserRecord;
pub use violation::{
    Field, MAX_ATTRIBUTE_NAMES_PER_PROVIDER, MAX_SOURCE_CHARS, Part, Role, Rule, Violation,
    cognito_error_for,
};
