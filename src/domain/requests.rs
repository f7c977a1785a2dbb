//! The two requests coglink validates and sends, `AdminLinkProviderForUserRequest` and
//! `AdminDisableProviderForUserRequest`, in the AWS JSON shape (PascalCase members, unknown
//! members refused).
//!
//! Data and accessors only, with no rule: the CLI's input, the batch plan, the TUI form and the
//! local endpoint all build or decode these same types, and `checks.rs` validates them.

use serde::{Deserialize, Serialize};

use super::provider::ProviderUserIdentifier;

/// `AdminLinkProviderForUserRequest`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct LinkRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_user: Option<ProviderUserIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_user: Option<ProviderUserIdentifier>,
}

/// `AdminDisableProviderForUserRequest`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UnlinkRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<ProviderUserIdentifier>,
}

impl LinkRequest {
    pub fn new(
        pool_id: &str,
        destination: ProviderUserIdentifier,
        source: ProviderUserIdentifier,
    ) -> Self {
        LinkRequest {
            user_pool_id: Some(pool_id.to_owned()),
            destination_user: Some(destination),
            source_user: Some(source),
        }
    }

    pub fn pool_id(&self) -> &str {
        self.user_pool_id.as_deref().unwrap_or("")
    }

    pub fn destination(&self) -> ProviderUserIdentifier {
        self.destination_user.clone().unwrap_or_default()
    }

    pub fn source(&self) -> ProviderUserIdentifier {
        self.source_user.clone().unwrap_or_default()
    }
}

impl UnlinkRequest {
    pub fn new(pool_id: &str, user: ProviderUserIdentifier) -> Self {
        UnlinkRequest {
            user_pool_id: Some(pool_id.to_owned()),
            user: Some(user),
        }
    }

    pub fn pool_id(&self) -> &str {
        self.user_pool_id.as_deref().unwrap_or("")
    }

    pub fn user(&self) -> ProviderUserIdentifier {
        self.user.clone().unwrap_or_default()
    }

    /// `ProviderName=Cognito` does not unlink anything: it disables the password sign-in of
    /// the native user the value names (AdminDisableProviderForUser's reference).
    pub fn disables_password_sign_in(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(ProviderUserIdentifier::is_cognito)
    }

    /// What a review says of a `Cognito` "unlink", plainly.
    pub fn password_sign_in_warning(&self) -> String {
        format!(
            "This disables password sign-in for user {:?}: they can no longer sign in with \
             their username and password. No linked identity is removed.",
            self.user().value()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_the_aws_json() {
        let json = r#"{"UserPoolId":"p_1","DestinationUser":{"ProviderName":"Cognito","ProviderAttributeValue":"diego"},"SourceUser":{"ProviderName":"Google","ProviderAttributeName":"Cognito_Subject","ProviderAttributeValue":"1"}}"#;
        let req: LinkRequest = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&req).unwrap(), json);
        assert!(serde_json::from_str::<LinkRequest>(r#"{"Bogus":1}"#).is_err());
    }
}
