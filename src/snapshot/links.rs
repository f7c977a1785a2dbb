//! A pool's links as the rows of a `coglink batch` CSV file, so they can be made again in
//! another pool (where the same users exist, before the identities first sign in there).
//! Pure: the rows only (writing them is `sink.rs`).

use super::format::UserEntry;
use crate::domain::{COGNITO, COGNITO_SUBJECT};
use crate::journal::LinkAttributes;

/// The header `coglink batch` reads (`batch/rows.rs`); the pool is left out, so that
/// `batch --user-pool-id` names the pool the links are made in.
pub const LINKS_HEADER: [&str; 5] = [
    "DestinationProviderName",
    "DestinationProviderAttributeValue",
    "SourceProviderName",
    "SourceProviderAttributeName",
    "SourceProviderAttributeValue",
];

/// One link as a batch row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkRow {
    pub fields: [String; 5],
    /// False for a SAML/OIDC identity whose link-time attribute name nobody recorded:
    /// `Cognito_Subject` was written, which is right unless it was linked by a claim.
    pub attribute_known: bool,
}

/// One row per identity linked to `user` (its own sign-in identity is not a link): the user
/// by username as the destination, the identity by the attribute it was linked by.
///
/// Cognito lists a linked identity by the value it was linked with and does not record the
/// attribute name. A social identity is always linked by `Cognito_Subject`; a SAML/OIDC one
/// may have been linked by a claim (`email`), and its next sign-in matches only that claim
/// (cognito-fidelity (b)1): its name is taken from the journal (`known`) when a coglink run
/// made the link, else `Cognito_Subject` is written and the row flagged.
pub fn link_rows<'a>(
    user: &'a UserEntry,
    pool_id: &'a str,
    known: &'a LinkAttributes,
) -> impl Iterator<Item = LinkRow> + 'a {
    user.links().map(move |i| {
        let social = i.provider_type().is_some_and(|t| t.is_social());
        let journaled = known.get(pool_id, &i.provider_name, &i.user_id);
        let (attribute, attribute_known) = match journaled {
            _ if social => (COGNITO_SUBJECT, true),
            Some(by) => (by.attribute_name.as_str(), true),
            None => (COGNITO_SUBJECT, false),
        };
        LinkRow {
            fields: [
                COGNITO.to_owned(),
                user.username.clone(),
                i.provider_name.clone(),
                attribute.to_owned(),
                i.user_id.clone(),
            ],
            attribute_known,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LinkedIdentity, UserRecord};
    use crate::journal::tests::entry as journal_entry;
    use crate::journal::{JournalEntry, Outcome};

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
        let rows: Vec<_> = link_rows(&entry, "p_1", &LinkAttributes::default()).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].fields,
            ["Cognito", "ann", "Google", "Cognito_Subject", "g-1"]
        );
        assert!(rows[0].attribute_known);
    }

    #[test]
    fn a_saml_link_takes_its_attribute_from_the_journal_or_is_flagged() {
        let identities = r#"[{"userId":"e@x.io","providerName":"CorpSAML","providerType":"SAML","primary":false}]"#;
        let user = UserRecord::new(
            "ann".into(),
            "CONFIRMED".into(),
            true,
            vec![("identities".into(), identities.into())],
            None,
            None,
        );
        let entry = UserEntry::from_user(user, vec![]);
        let unknown: Vec<_> = link_rows(&entry, "p_1", &LinkAttributes::default()).collect();
        assert_eq!(unknown[0].fields[3], "Cognito_Subject");
        assert!(!unknown[0].attribute_known);
        let journaled = JournalEntry {
            operation: "AdminLinkProviderForUser".into(),
            pool_id: "p_1".into(),
            request: serde_json::json!({"SourceUser": {"ProviderName": "CorpSAML",
                "ProviderAttributeName": "email", "ProviderAttributeValue": "e@x.io"}}),
            ..journal_entry(Outcome::Ok)
        };
        let known = LinkAttributes::from_entries(&[journaled]);
        let rows: Vec<_> = link_rows(&entry, "p_1", &known).collect();
        assert_eq!(rows[0].fields[3], "email");
        assert!(rows[0].attribute_known);
    }
}
