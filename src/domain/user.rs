//! A user as every part of coglink sees it, whatever produced it (SDK, local endpoint, file).

use super::filter::SearchAttribute;
use super::identities::{
    IDENTITIES_ATTRIBUTE, IdentitiesError, LinkedIdentity, link_count, parse_identities,
};
use super::provider::ProviderUserIdentifier;

/// `UserStatus` of users created by a federated sign-in.
pub const EXTERNAL_PROVIDER: &str = "EXTERNAL_PROVIDER";

/// A user of a pool with its attributes; `identities` is parsed once, on construction.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRecord {
    pub username: String,
    pub status: String,
    pub enabled: bool,
    /// Name/value pairs in the order the service sent them.
    pub attributes: Vec<(String, String)>,
    /// Epoch seconds.
    pub created: Option<f64>,
    pub modified: Option<f64>,
    identities: Result<Vec<LinkedIdentity>, IdentitiesError>,
}

impl UserRecord {
    pub fn new(
        username: String,
        status: String,
        enabled: bool,
        attributes: Vec<(String, String)>,
        created: Option<f64>,
        modified: Option<f64>,
    ) -> Self {
        let identities = attributes
            .iter()
            .find(|(n, _)| n == IDENTITIES_ATTRIBUTE)
            .map(|(_, v)| parse_identities(v))
            .unwrap_or(Ok(Vec::new()));
        UserRecord {
            username,
            status,
            enabled,
            attributes,
            created,
            modified,
            identities,
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn email(&self) -> Option<&str> {
        self.attribute("email")
    }

    pub fn sub(&self) -> Option<&str> {
        self.attribute("sub")
    }

    /// Parsed identities; an invalid `identities` value is an error to show, not to hide.
    pub fn identities(&self) -> Result<&[LinkedIdentity], &IdentitiesError> {
        self.identities.as_deref()
    }

    /// Identities, or none when the attribute could not be parsed.
    pub fn identities_or_empty(&self) -> &[LinkedIdentity] {
        self.identities.as_deref().unwrap_or(&[])
    }

    /// Linked identities counted toward the limit of 5.
    pub fn link_count(&self) -> usize {
        link_count(self.identities_or_empty())
    }

    /// A user created by a federated sign-in (`Google_...`), as opposed to a native user.
    pub fn is_federated(&self) -> bool {
        self.status == EXTERNAL_PROVIDER || self.identities_or_empty().iter().any(|i| i.primary)
    }

    /// The user's own federated identity, for federated users.
    pub fn primary_identity(&self) -> Option<&LinkedIdentity> {
        self.identities_or_empty().iter().find(|i| i.primary)
    }

    /// Whether this user lists the identity as linked to it (not as its own sign-in identity).
    pub fn holds_link(&self, identity: &ProviderUserIdentifier) -> bool {
        self.identities_or_empty()
            .iter()
            .any(|i| !i.primary && i.is_identified_by(identity))
    }

    /// Whether this user, read after a link of `source` when it had `before` links, shows the
    /// link: the identity is listed, or the count went up (an identity linked by an attribute
    /// other than its subject is listed by subject).
    pub fn shows_link(&self, source: &ProviderUserIdentifier, before: usize) -> bool {
        self.identities_or_empty()
            .iter()
            .any(|i| i.is_identified_by(source))
            || self.link_count() > before
    }

    /// The value ListUsers filters compare for this attribute.
    pub fn search_value(&self, attribute: SearchAttribute) -> Option<&str> {
        search_value(
            attribute,
            &self.username,
            &self.status,
            self.enabled,
            |name| self.attribute(name),
        )
    }
}

/// The value ListUsers filters compare, for any user representation: `username`,
/// `cognito:user_status` and `status` (`Enabled`/`Disabled`) come from the user itself, the
/// others from its attributes (`attribute` looks one up by name).
pub fn search_value<'a>(
    attribute: SearchAttribute,
    username: &'a str,
    status: &'a str,
    enabled: bool,
    attribute_value: impl FnOnce(&str) -> Option<&'a str>,
) -> Option<&'a str> {
    match attribute {
        SearchAttribute::Username => Some(username),
        SearchAttribute::UserStatus => Some(status),
        SearchAttribute::Status => Some(if enabled { "Enabled" } else { "Disabled" }),
        other => attribute_value(other.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::filter::parse_filter;

    fn user(attrs: &[(&str, &str)], status: &str) -> UserRecord {
        UserRecord::new(
            "Google_1".into(),
            status.into(),
            true,
            attrs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            None,
            None,
        )
    }

    #[test]
    fn parses_identities_once_and_counts_links() {
        let ids = r#"[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1},{"userId":"2","providerName":"Facebook","providerType":"Facebook","issuer":null,"primary":false,"dateCreated":2}]"#;
        let u = user(
            &[("identities", ids), ("email", "a@b.c")],
            EXTERNAL_PROVIDER,
        );
        assert_eq!(u.identities().unwrap().len(), 2);
        assert_eq!(u.link_count(), 1);
        assert!(u.is_federated());
        assert_eq!(u.primary_identity().unwrap().user_id, "1");
        assert_eq!(u.email(), Some("a@b.c"));
    }

    #[test]
    fn broken_identities_are_kept_as_an_error() {
        let u = user(&[("identities", "[oops")], "CONFIRMED");
        assert!(u.identities().is_err());
        assert_eq!(u.link_count(), 0);
        assert!(!u.is_federated());
    }

    #[test]
    fn free_search_value_reads_user_fields_and_attributes() {
        let attrs = [("email", "a@b.c")];
        let lookup = |n: &str| attrs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
        assert_eq!(
            search_value(SearchAttribute::Status, "u", "CONFIRMED", false, lookup),
            Some("Disabled")
        );
        assert_eq!(
            search_value(SearchAttribute::Email, "u", "CONFIRMED", true, lookup),
            Some("a@b.c")
        );
        assert_eq!(
            search_value(SearchAttribute::Sub, "u", "CONFIRMED", true, lookup),
            None
        );
    }

    #[test]
    fn search_values_follow_the_filter_attributes() {
        let u = user(&[("sub", "0abc")], "CONFIRMED");
        let f = parse_filter(r#"sub ^= "0""#).unwrap().unwrap();
        assert!(f.matches(u.search_value(f.attribute)));
        let f = parse_filter(r#"status = "Enabled""#).unwrap().unwrap();
        assert!(f.matches(u.search_value(f.attribute)));
        let f = parse_filter(r#"username = "Google_1""#).unwrap().unwrap();
        assert!(f.matches(u.search_value(f.attribute)));
        let f = parse_filter(r#"email = "x""#).unwrap().unwrap();
        assert!(!f.matches(u.search_value(f.attribute)));
    }

    fn with_identities(identities: &str) -> UserRecord {
        UserRecord::new(
            "diego".into(),
            "CONFIRMED".into(),
            true,
            vec![("identities".into(), identities.into())],
            None,
            None,
        )
    }

    const LINKED_1: &str = r#"[{"userId":"1","providerName":"Google","providerType":"Google","primary":false,"dateCreated":1}]"#;

    #[test]
    fn holders_list_the_identity_as_linked_not_as_their_own() {
        let id = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "1");
        assert!(with_identities(LINKED_1).holds_link(&id));
        let own = LINKED_1.replace("false", "true");
        assert!(!with_identities(&own).holds_link(&id));
        let other = LINKED_1.replace("\"1\"", "\"2\"");
        assert!(!with_identities(&other).holds_link(&id));
    }

    #[test]
    fn a_link_shows_by_its_identity_or_a_higher_count() {
        let source = ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "1");
        assert!(with_identities(LINKED_1).shows_link(&source, 1));
        let other = with_identities(&LINKED_1.replace("\"1\"", "\"2\""));
        assert!(!other.shows_link(&source, 1));
        assert!(other.shows_link(&source, 0), "the count went up");
        assert!(!with_identities("").shows_link(&source, 0));
    }
}
