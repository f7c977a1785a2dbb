//! The `identities` user attribute: a JSON-encoded array of linked identities.

use serde::{Deserialize, Deserializer, Serialize};

use super::provider::{ProviderType, ProviderUserIdentifier};

/// Name of the attribute Cognito keeps linked identities in.
pub const IDENTITIES_ATTRIBUTE: &str = "identities";

/// One entry of the `identities` attribute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkedIdentity {
    #[serde(deserialize_with = "string_or_number")]
    pub user_id: String,
    pub provider_name: String,
    /// Kept as text: a value this version does not know is still shown, not dropped.
    #[serde(default)]
    pub provider_type: String,
    #[serde(default)]
    pub issuer: Option<String>,
    /// The attribute stores a boolean; the ID token claim carries `"true"`: both are accepted.
    #[serde(default, deserialize_with = "bool_or_string")]
    pub primary: bool,
    /// Epoch milliseconds; the ID token claim carries it as a string: both are accepted.
    #[serde(default, deserialize_with = "millis_or_string")]
    pub date_created: i64,
}

impl LinkedIdentity {
    pub fn provider_type(&self) -> Option<ProviderType> {
        ProviderType::parse(&self.provider_type)
    }

    /// Whether this entry is the identity the request names (provider name and subject/value).
    pub fn is_identified_by(&self, id: &ProviderUserIdentifier) -> bool {
        self.provider_name == id.name() && self.user_id == id.value()
    }

    /// The identifier that names this identity as a link source or unlink target.
    pub fn as_source(&self, attribute_name: &str) -> ProviderUserIdentifier {
        ProviderUserIdentifier::new(&self.provider_name, Some(attribute_name), &self.user_id)
    }
}

/// An entry of a user's `identities`, borrowed from the user (`UserRecord::identities`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityRef<'a> {
    pub user_id: &'a str,
    pub provider_name: &'a str,
    /// Kept as text: a value this version does not know is still shown, not dropped.
    pub provider_type: &'a str,
    pub issuer: Option<&'a str>,
    pub primary: bool,
    /// Epoch milliseconds.
    pub date_created: i64,
}

impl IdentityRef<'_> {
    pub fn provider_type(&self) -> Option<ProviderType> {
        ProviderType::parse(self.provider_type)
    }

    /// Whether this entry is the identity the request names (provider name and subject/value).
    pub fn is_identified_by(&self, id: &ProviderUserIdentifier) -> bool {
        self.provider_name == id.name() && self.user_id == id.value()
    }

    /// The identifier that names this identity as a link source or unlink target.
    pub fn as_source(&self, attribute_name: &str) -> ProviderUserIdentifier {
        ProviderUserIdentifier::new(self.provider_name, Some(attribute_name), self.user_id)
    }

    /// An owned copy.
    pub fn to_linked(&self) -> LinkedIdentity {
        LinkedIdentity {
            user_id: self.user_id.to_owned(),
            provider_name: self.provider_name.to_owned(),
            provider_type: self.provider_type.to_owned(),
            issuer: self.issuer.map(str::to_owned),
            primary: self.primary,
            date_created: self.date_created,
        }
    }
}

/// Why an `identities` value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("identities attribute is not a valid identity list: {reason}")]
pub struct IdentitiesError {
    pub reason: String,
}

/// Parses the attribute value. An empty value means no identities.
pub fn parse_identities(raw: &str) -> Result<Vec<LinkedIdentity>, IdentitiesError> {
    if raw.trim().is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(raw).map_err(|e| IdentitiesError {
        reason: e.to_string(),
    })
}

/// Encodes identities the way Cognito stores them (compact JSON, `issuer: null` kept).
pub fn encode_identities(identities: &[LinkedIdentity]) -> String {
    serde_json::to_string(identities).expect("identities always serialize")
}

/// Linked identities of a user: the entries that are not the user's own sign-in identity.
///
/// UNVERIFIED: Cognito does not document whether a federated user's own (primary) identity
/// counts toward the limit of 5. Entries added by AdminLinkProviderForUser are stored with
/// `primary: false` (developer guide example), so only those are counted here. This is the
/// one place that decides it.
pub fn link_count(identities: &[LinkedIdentity]) -> usize {
    identities
        .iter()
        .filter(|i| counts_toward_limit(i.primary))
        .count()
}

/// Whether an entry with this `primary` flag counts toward the limit of 5 (see `link_count`).
pub fn counts_toward_limit(primary: bool) -> bool {
    !primary
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        N(serde_json::Number),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::S(s) => s,
        Raw::N(n) => n.to_string(),
    })
}

fn bool_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        B(bool),
        S(String),
    }
    match Raw::deserialize(d)? {
        Raw::B(b) => Ok(b),
        Raw::S(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Raw::S(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        Raw::S(s) => Err(serde::de::Error::custom(format!(
            "primary must be true or false, got {s:?}"
        ))),
    }
}

fn millis_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        N(i64),
        F(f64),
        S(String),
    }
    match Raw::deserialize(d)? {
        Raw::N(n) => Ok(n),
        Raw::F(f) if f.is_finite() => Ok(f as i64),
        Raw::F(f) => Err(serde::de::Error::custom(format!(
            "dateCreated {f} is not a time"
        ))),
        Raw::S(s) => s.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!("dateCreated must be epoch milliseconds, got {s:?}"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOGLE: &str = r#"[{"userId":"117892860558610669905","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1565669081099}]"#;

    #[test]
    fn parses_the_attribute_format() {
        let ids = parse_identities(GOOGLE).unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].user_id, "117892860558610669905");
        assert_eq!(ids[0].provider_type(), Some(ProviderType::Google));
        assert!(ids[0].primary);
        assert_eq!(ids[0].date_created, 1565669081099);
        assert_eq!(ids[0].issuer, None);
    }

    #[test]
    fn parses_the_id_token_claim_format() {
        let raw = r#"[{"userId":"abc","providerName":"Corp","providerType":"SAML","issuer":"http://auth.example.com","primary":"false","dateCreated":"1682704282933"}]"#;
        let ids = parse_identities(raw).unwrap();
        assert!(!ids[0].primary);
        assert_eq!(ids[0].date_created, 1682704282933);
        assert_eq!(ids[0].issuer.as_deref(), Some("http://auth.example.com"));
    }

    #[test]
    fn numeric_user_ids_are_kept_as_text() {
        let raw = r#"[{"userId":12345,"providerName":"Facebook","providerType":"Facebook","primary":false,"dateCreated":1}]"#;
        assert_eq!(parse_identities(raw).unwrap()[0].user_id, "12345");
    }

    #[test]
    fn empty_value_means_no_identities() {
        assert_eq!(parse_identities("").unwrap(), vec![]);
        assert_eq!(parse_identities("[]").unwrap(), vec![]);
    }

    #[test]
    fn invalid_json_is_an_error_not_a_panic() {
        for raw in [
            "{",
            "[{\"userId\":1}]",
            "[{\"userId\":\"1\",\"providerName\":\"G\",\"primary\":\"maybe\"}]",
            "null",
            "\u{1b}[31m",
        ] {
            assert!(parse_identities(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn encoding_round_trips_and_keeps_null_issuer() {
        let ids = parse_identities(GOOGLE).unwrap();
        assert_eq!(encode_identities(&ids), GOOGLE);
    }

    #[test]
    fn link_count_ignores_the_primary_identity() {
        let mut ids = parse_identities(GOOGLE).unwrap();
        assert_eq!(link_count(&ids), 0);
        let mut linked = ids[0].clone();
        linked.primary = false;
        linked.user_id = "2".into();
        ids.push(linked);
        assert_eq!(link_count(&ids), 1);
    }

    #[test]
    fn identity_matches_request_by_provider_and_value() {
        let ids = parse_identities(GOOGLE).unwrap();
        let id =
            ProviderUserIdentifier::new("Google", Some("Cognito_Subject"), "117892860558610669905");
        assert!(ids[0].is_identified_by(&id));
        let other = ProviderUserIdentifier::new(
            "Facebook",
            Some("Cognito_Subject"),
            "117892860558610669905",
        );
        assert!(!ids[0].is_identified_by(&other));
    }
}
