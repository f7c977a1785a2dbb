//! A pool's links as the rows of a `coglink batch` CSV file, so they can be made again in
//! another pool (where the same users exist, before the identities first sign in there).
//! Pure: the rows only (writing them is `sink.rs`).

use super::format::UserEntry;
use crate::domain::{COGNITO, COGNITO_SUBJECT};

/// The header `coglink batch` reads (`batch/rows.rs`); the pool is left out, so that
/// `batch --user-pool-id` names the pool the links are made in.
pub const LINKS_HEADER: [&str; 5] = [
    "DestinationProviderName",
    "DestinationProviderAttributeValue",
    "SourceProviderName",
    "SourceProviderAttributeName",
    "SourceProviderAttributeValue",
];

/// One row per identity linked to `user` (its own sign-in identity is not a link): the user
/// by username as the destination, the identity by its subject as the source. Cognito lists
/// every linked identity by its subject, whichever attribute linked it.
pub fn link_rows(user: &UserEntry) -> impl Iterator<Item = [&str; 5]> {
    user.links().map(|i| {
        [
            COGNITO,
            user.username.as_str(),
            i.provider_name.as_str(),
            COGNITO_SUBJECT,
            i.user_id.as_str(),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LinkedIdentity, UserRecord};

    #[test]
    fn each_link_is_a_row_and_the_own_identity_is_not() {
        let identities = serde_json::to_string(&[
            LinkedIdentity {
                user_id: "g-1".into(),
                provider_name: "Google".into(),
                provider_type: "Google".into(),
                issuer: None,
                primary: false,
                date_created: 1,
            },
            LinkedIdentity {
                user_id: "o-9".into(),
                provider_name: "Okta".into(),
                provider_type: "OIDC".into(),
                issuer: None,
                primary: true,
                date_created: 1,
            },
        ])
        .unwrap();
        let user = UserRecord::new(
            "ann".into(),
            "CONFIRMED".into(),
            true,
            vec![("identities".into(), identities)],
            None,
            None,
        );
        let entry = UserEntry::from_user(user, vec![]);
        let rows: Vec<_> = link_rows(&entry).collect();
        assert_eq!(
            rows,
            [["Cognito", "ann", "Google", "Cognito_Subject", "g-1"]]
        );
    }
}
