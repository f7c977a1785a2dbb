//! Domain rules of account linking, with no I/O.
//!
//! Everything here is pure: the TUI form, the headless commands and the local
//! endpoint all validate through these functions, so a request refused by one
//! is refused by the others with the same field and rule.

pub mod checks;
pub mod cognito_error;
pub mod filter;
#[cfg(test)]
mod fuzz_tests;
pub mod identities;
pub mod provider;
pub mod sanitize;
pub mod user;

pub use checks as rules;
pub use checks::{Field, Known, LinkContext, LinkRequest, Rule, UnlinkRequest, Violation};
pub use cognito_error::{CognitoError, ErrorKind};
pub use identities::{LinkedIdentity, link_count, parse_identities};
pub use provider::{
    COGNITO, COGNITO_SUBJECT, IdentityProviderInfo, MAX_LINKED_IDENTITIES, ProviderType,
    ProviderUserIdentifier,
};
pub use user::UserRecord;
