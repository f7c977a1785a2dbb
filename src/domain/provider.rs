//! Providers and the `ProviderUserIdentifierType` shape.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Provider name that denotes a native (username/password) user in link calls.
pub const COGNITO: &str = "Cognito";
/// Attribute name that links by the identity provider's subject.
pub const COGNITO_SUBJECT: &str = "Cognito_Subject";
/// Identities linked to one user: 5, not adjustable (Cognito quotas page).
pub const MAX_LINKED_IDENTITIES: usize = 5;

/// The external identity provider types Cognito knows (`IdentityProviderTypeType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProviderType {
    Google,
    Facebook,
    LoginWithAmazon,
    SignInWithApple,
    #[serde(rename = "SAML")]
    Saml,
    #[serde(rename = "OIDC")]
    Oidc,
}

impl ProviderType {
    pub const ALL: [ProviderType; 6] = [
        ProviderType::Google,
        ProviderType::Facebook,
        ProviderType::LoginWithAmazon,
        ProviderType::SignInWithApple,
        ProviderType::Saml,
        ProviderType::Oidc,
    ];

    /// The wire name, e.g. `SAML`, `Google`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderType::Google => "Google",
            ProviderType::Facebook => "Facebook",
            ProviderType::LoginWithAmazon => "LoginWithAmazon",
            ProviderType::SignInWithApple => "SignInWithApple",
            ProviderType::Saml => "SAML",
            ProviderType::Oidc => "OIDC",
        }
    }

    /// Parses a wire name exactly (Cognito is case-sensitive here).
    pub fn parse(s: &str) -> Option<ProviderType> {
        ProviderType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Social providers have a fixed name equal to their type and link by subject only.
    pub fn is_social(self) -> bool {
        !matches!(self, ProviderType::Saml | ProviderType::Oidc)
    }

    /// The token claim that holds the subject a social source is linked by.
    pub fn subject_claim(self) -> &'static str {
        match self {
            ProviderType::Facebook => "id",
            ProviderType::LoginWithAmazon => "user_id",
            ProviderType::Saml => "NameID",
            _ => "sub",
        }
    }

    /// A short badge for tables.
    pub fn badge(self) -> &'static str {
        match self {
            ProviderType::Google => "G",
            ProviderType::Facebook => "FB",
            ProviderType::LoginWithAmazon => "AMZ",
            ProviderType::SignInWithApple => "APL",
            ProviderType::Saml => "SAML",
            ProviderType::Oidc => "OIDC",
        }
    }

    /// The provider type a *name* implies when the name is one of the fixed social names.
    pub fn social_from_name(name: &str) -> Option<ProviderType> {
        ProviderType::parse(name).filter(|t| t.is_social())
    }
}

impl std::fmt::Display for ProviderType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `ProviderUserIdentifierType`: no member is required by the model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ProviderUserIdentifier {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_attribute_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_attribute_value: Option<String>,
}

impl ProviderUserIdentifier {
    pub fn new(name: &str, attribute_name: Option<&str>, value: &str) -> Self {
        ProviderUserIdentifier {
            provider_name: Some(name.to_owned()),
            provider_attribute_name: attribute_name.map(str::to_owned),
            provider_attribute_value: Some(value.to_owned()),
        }
    }

    /// A native user as a link destination: `Cognito` + username.
    pub fn cognito_user(username: &str) -> Self {
        ProviderUserIdentifier::new(COGNITO, None, username)
    }

    pub fn name(&self) -> &str {
        self.provider_name.as_deref().unwrap_or("")
    }

    pub fn attribute_name(&self) -> &str {
        self.provider_attribute_name.as_deref().unwrap_or("")
    }

    pub fn value(&self) -> &str {
        self.provider_attribute_value.as_deref().unwrap_or("")
    }

    pub fn is_cognito(&self) -> bool {
        self.name() == COGNITO
    }
}

/// What the rules need to know of a pool's identity provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityProviderInfo {
    pub name: String,
    pub provider_type: ProviderType,
    /// Pool attribute name -> provider claim (`AttributeMapping`).
    pub attribute_mapping: BTreeMap<String, String>,
}

impl IdentityProviderInfo {
    /// Attribute names to suggest for linking a source identity of this provider:
    /// `Cognito_Subject`, then (SAML/OIDC) each mapped pool attribute and each mapped IdP
    /// claim. Only suggestions: a SAML/OIDC identity may be linked by any claim name
    /// (`../shared/cognito-fidelity.md` (c)); social identities only by `Cognito_Subject`.
    pub fn suggested_attribute_names(&self) -> Vec<String> {
        let mut names = vec![COGNITO_SUBJECT.to_owned()];
        if !self.provider_type.is_social() {
            for name in self
                .attribute_mapping
                .keys()
                .chain(self.attribute_mapping.values())
            {
                if !name.is_empty() && !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        names
    }

    /// A warning (never a refusal) for a SAML/OIDC source linked by a claim name outside the
    /// suggestions: Cognito accepts it, but the link matches only if that claim arrives at
    /// sign-in.
    pub fn attribute_warning(&self, attribute_name: &str) -> Option<String> {
        if self.provider_type.is_social()
            || attribute_name.is_empty()
            || self
                .suggested_attribute_names()
                .iter()
                .any(|n| n == attribute_name)
        {
            return None;
        }
        Some(format!(
            "{attribute_name} is not in {}'s attribute mapping; the link matches only if Cognito finds this claim at sign-in",
            self.name
        ))
    }
}

/// Username Cognito gives a user created by a federated sign-in: `<ProviderName>_<subject>`.
pub fn federated_username(provider_name: &str, subject: &str) -> String {
    format!("{provider_name}_{subject}")
}

/// The username of the user a link destination names: the username itself for `Cognito`,
/// the federated user `<ProviderName>_<value>` otherwise.
pub fn destination_username(provider_name: &str, value: &str) -> String {
    if provider_name == COGNITO {
        value.to_owned()
    } else {
        federated_username(provider_name, value)
    }
}

/// Splits a federated username (`Google_1234`) into provider name and subject, if the prefix
/// names one of `provider_names` (compared case-insensitively: pools with case-insensitive
/// usernames store `google_1234`).
pub fn split_federated_username<'a>(
    username: &'a str,
    provider_names: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, &'a str)> {
    provider_names.into_iter().find_map(|name| {
        let prefix = username.get(..name.len())?;
        let rest = username.get(name.len()..)?;
        (prefix.eq_ignore_ascii_case(name) && rest.starts_with('_') && rest.len() > 1)
            .then(|| (name, &rest[1..]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_type_round_trips_wire_names() {
        for t in ProviderType::ALL {
            assert_eq!(ProviderType::parse(t.as_str()), Some(t));
        }
        assert_eq!(ProviderType::parse("google"), None);
        assert_eq!(ProviderType::parse("Saml"), None);
    }

    #[test]
    fn social_types_are_the_four_fixed_names() {
        let social: Vec<_> = ProviderType::ALL
            .into_iter()
            .filter(|t| t.is_social())
            .collect();
        assert_eq!(social.len(), 4);
        assert_eq!(ProviderType::social_from_name("SAML"), None);
        assert_eq!(
            ProviderType::social_from_name("Google"),
            Some(ProviderType::Google)
        );
    }

    #[test]
    fn identifier_serializes_like_the_aws_json() {
        let id = ProviderUserIdentifier::new("Google", Some(COGNITO_SUBJECT), "123");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(
            json,
            r#"{"ProviderName":"Google","ProviderAttributeName":"Cognito_Subject","ProviderAttributeValue":"123"}"#
        );
        let err = serde_json::from_str::<ProviderUserIdentifier>(r#"{"Value":"x"}"#);
        assert!(err.is_err());
    }

    #[test]
    fn federated_usernames_split_case_insensitively() {
        let names = ["Google", "Corp-SAML"];
        assert_eq!(
            split_federated_username("google_1234", names),
            Some(("Google", "1234"))
        );
        assert_eq!(
            split_federated_username("Corp-SAML_bob@example.com", names),
            Some(("Corp-SAML", "bob@example.com"))
        );
        assert_eq!(split_federated_username("Google_", names), None);
        assert_eq!(split_federated_username("alice", names), None);
        assert_eq!(federated_username("Facebook", "99"), "Facebook_99");
        assert_eq!(destination_username("Cognito", "diego"), "diego");
        assert_eq!(destination_username("Google", "12"), "Google_12");
    }

    #[test]
    fn saml_providers_offer_mapped_attributes() {
        let mut mapping = BTreeMap::new();
        mapping.insert("email".to_owned(), "http://schemas/email".to_owned());
        let saml = IdentityProviderInfo {
            name: "Corp".into(),
            provider_type: ProviderType::Saml,
            attribute_mapping: mapping.clone(),
        };
        assert_eq!(
            saml.suggested_attribute_names(),
            vec![COGNITO_SUBJECT, "email", "http://schemas/email"]
        );
        // Any claim name is allowed; one outside the suggestions earns a warning only.
        for suggested in saml.suggested_attribute_names() {
            assert_eq!(saml.attribute_warning(&suggested), None);
        }
        let warning = saml.attribute_warning("employeeNumber").unwrap();
        assert!(
            warning.starts_with("employeeNumber is not in Corp's attribute mapping"),
            "{warning}"
        );
        let google = IdentityProviderInfo {
            name: "Google".into(),
            provider_type: ProviderType::Google,
            attribute_mapping: mapping,
        };
        assert_eq!(google.suggested_attribute_names(), vec![COGNITO_SUBJECT]);
        assert_eq!(
            google.attribute_warning("email"),
            None,
            "social: a rule, not a warning"
        );
    }
}
