//! Conversions between SDK shapes and domain types.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, IdentityProviderType, ProviderUserIdentifierType, UserType,
};

use crate::domain::{IdentityProviderInfo, ProviderType, ProviderUserIdentifier, UserRecord};

fn attributes(attrs: &[AttributeType]) -> Vec<(&str, &str)> {
    attrs
        .iter()
        .map(|a| (a.name(), a.value().unwrap_or_default()))
        .collect()
}

fn secs(t: Option<&aws_smithy_types::DateTime>) -> Option<f64> {
    t.map(|t| t.as_secs_f64())
}

/// A `UserType` from ListUsers.
pub fn user_from_list(u: &UserType) -> UserRecord {
    UserRecord::from_parts(
        u.username().unwrap_or_default(),
        u.user_status().map(|s| s.as_str()).unwrap_or_default(),
        u.enabled(),
        &attributes(u.attributes()),
        secs(u.user_create_date()),
        secs(u.user_last_modified_date()),
    )
}

/// The answer of AdminGetUser.
pub fn user_from_get(u: &AdminGetUserOutput) -> UserRecord {
    UserRecord::from_parts(
        u.username(),
        u.user_status().map(|s| s.as_str()).unwrap_or_default(),
        u.enabled(),
        &attributes(u.user_attributes()),
        secs(u.user_create_date()),
        secs(u.user_last_modified_date()),
    )
}

/// A described identity provider; `None` for a provider type this version does not know.
pub fn provider_info(p: &IdentityProviderType) -> Option<IdentityProviderInfo> {
    let provider_type = ProviderType::parse(p.provider_type()?.as_str())?;
    let attribute_mapping: BTreeMap<String, String> = p
        .attribute_mapping()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Some(IdentityProviderInfo {
        name: p.provider_name()?.to_owned(),
        provider_type,
        attribute_mapping,
    })
}

/// A domain identifier as the SDK's input shape (absent members stay absent).
pub fn identifier(id: &ProviderUserIdentifier) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder()
        .set_provider_name(id.provider_name.clone())
        .set_provider_attribute_name(id.provider_attribute_name.clone())
        .set_provider_attribute_value(id.provider_attribute_value.clone())
        .build()
}

/// One user attribute, as AdminUpdateUserAttributes takes it.
pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("an attribute with a name builds")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cognitoidentityprovider::types::{IdentityProviderTypeType, UserStatusType};

    #[test]
    fn list_user_converts_with_identities() {
        let ids = r#"[{"userId":"9","providerName":"Google","providerType":"Google","issuer":null,"primary":false,"dateCreated":1}]"#;
        let u = UserType::builder()
            .username("diego")
            .user_status(UserStatusType::Confirmed)
            .enabled(true)
            .attributes(
                AttributeType::builder()
                    .name("email")
                    .value("d@x.io")
                    .build()
                    .unwrap(),
            )
            .attributes(
                AttributeType::builder()
                    .name("identities")
                    .value(ids)
                    .build()
                    .unwrap(),
            )
            .user_create_date(aws_smithy_types::DateTime::from_secs(10))
            .build();
        let r = user_from_list(&u);
        assert_eq!(r.username(), "diego");
        assert_eq!(r.status(), "CONFIRMED");
        assert_eq!(r.email(), Some("d@x.io"));
        assert_eq!(r.link_count(), 1);
        assert_eq!(r.created(), Some(10.0));
    }

    #[test]
    fn providers_convert_with_mapping() {
        let p = IdentityProviderType::builder()
            .provider_name("CorpSAML")
            .provider_type(IdentityProviderTypeType::Saml)
            .attribute_mapping("email", "http://claims/email")
            .build();
        let info = provider_info(&p).unwrap();
        assert_eq!(info.provider_type, ProviderType::Saml);
        assert_eq!(
            info.suggested_attribute_names(),
            vec!["Cognito_Subject", "email", "http://claims/email"]
        );
    }

    #[test]
    fn identifiers_keep_absent_members_absent() {
        let id = identifier(&ProviderUserIdentifier::cognito_user("diego"));
        assert_eq!(id.provider_name(), Some("Cognito"));
        assert_eq!(id.provider_attribute_name(), None);
        assert_eq!(id.provider_attribute_value(), Some("diego"));
    }
}
