//! How each identity was linked, as the journal knows it (Cognito's `identities` does not
//! record the attribute a SAML/OIDC identity was linked by).

use std::collections::BTreeMap;

use super::{JournalEntry, Outcome};

/// The attribute name each identity was last linked by, as the journal knows it: a SAML/OIDC
/// identity linked by a claim (e.g. `email`) is unlinked by that same name until it signs in
/// (cognito-fidelity (b)1), and Cognito's `identities` does not record it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkAttributes(BTreeMap<(String, String, String), LinkedBy>);

/// How and when an identity was linked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedBy {
    pub attribute_name: String,
    /// The journal entry's time (RFC 3339).
    pub time: String,
}

impl LinkAttributes {
    /// From every entry, oldest first: each link that was made (`ok`, or an unclear answer
    /// resolved `applied`) sets the identity's attribute; an unlink that was made clears it.
    pub fn from_entries(entries: &[JournalEntry]) -> LinkAttributes {
        let mut map = BTreeMap::new();
        for e in entries {
            // An identity found linked already was linked by someone else, by a name the
            // journal does not know.
            if !e.outcome.applied() || matches!(e.outcome, Outcome::AlreadyDone { .. }) {
                continue;
            }
            let (member, linking) = match e.operation.as_str() {
                "AdminLinkProviderForUser" => ("SourceUser", true),
                "AdminDisableProviderForUser" => ("User", false),
                _ => continue,
            };
            let id = &e.request[member];
            let field = |name: &str| id[name].as_str().unwrap_or_default().to_owned();
            let key = (
                e.pool_id.clone(),
                field("ProviderName"),
                field("ProviderAttributeValue"),
            );
            if linking {
                map.insert(
                    key,
                    LinkedBy {
                        attribute_name: field("ProviderAttributeName"),
                        time: e.time.clone(),
                    },
                );
            } else {
                map.remove(&key);
            }
        }
        LinkAttributes(map)
    }

    pub fn get(&self, pool_id: &str, provider: &str, value: &str) -> Option<&LinkedBy> {
        self.0
            .get(&(pool_id.to_owned(), provider.to_owned(), value.to_owned()))
    }

    /// The distinct attribute names other than `Cognito_Subject` that the journal's links of
    /// `provider` in `pool_id` use: a lower bound of what Cognito counts toward its five
    /// names per IdP (links made outside coglink are not in it).
    pub fn names_in_use(&self, pool_id: &str, provider: &str) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for ((pool, p, _), linked) in &self.0 {
            if pool == pool_id
                && p == provider
                && linked.attribute_name != crate::domain::COGNITO_SUBJECT
                && !names.contains(&linked.attribute_name)
            {
                names.push(linked.attribute_name.clone());
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Resolution;
    use crate::journal::tests::entry;

    #[test]
    fn link_attributes_follow_links_made_and_unlinks_made() {
        let at = |op: &str, member: &str, attr: &str, outcome: Outcome| JournalEntry {
            operation: op.into(),
            request: serde_json::json!({ member: {
                "ProviderName": "CorpSAML",
                "ProviderAttributeName": attr,
                "ProviderAttributeValue": "e-1"
            }}),
            ..entry(outcome)
        };
        let link = "AdminLinkProviderForUser";
        let unlink = "AdminDisableProviderForUser";
        let applied = Outcome::Unknown {
            message: "dropped".into(),
            resolution: Resolution::Applied,
        };
        let refused = Outcome::Rejected {
            code: "InvalidParameterException".into(),
            message: "x".into(),
        };
        let pool = entry(Outcome::Ok).pool_id;
        let of = |entries: &[JournalEntry]| {
            LinkAttributes::from_entries(entries)
                .get(&pool, "CorpSAML", "e-1")
                .map(|l| l.attribute_name.clone())
        };
        let linked = at(link, "SourceUser", "employeeNumber", Outcome::Ok);
        assert_eq!(
            of(std::slice::from_ref(&linked)).as_deref(),
            Some("employeeNumber")
        );
        let relinked = at(link, "SourceUser", "email", applied.clone());
        assert_eq!(of(&[linked.clone(), relinked]).as_deref(), Some("email"));
        let not_made = at(link, "SourceUser", "email", refused.clone());
        assert_eq!(
            of(&[linked.clone(), not_made]).as_deref(),
            Some("employeeNumber")
        );
        let unlinked = at(unlink, "User", "employeeNumber", Outcome::Ok);
        assert_eq!(of(&[linked.clone(), unlinked]), None);
        let unlink_refused = at(unlink, "User", "Cognito_Subject", refused);
        assert_eq!(
            of(&[linked, unlink_refused]).as_deref(),
            Some("employeeNumber")
        );
        assert!(
            LinkAttributes::from_entries(&[])
                .get(&pool, "CorpSAML", "e-1")
                .is_none()
        );
    }
}
