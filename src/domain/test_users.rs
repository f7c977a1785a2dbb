//! Users for unit tests of rules over users (duplicates, merges): a user from its attributes
//! and `identities` entries.

use super::UserRecord;

/// One `identities` entry, as Cognito writes it.
pub fn identity(provider: &str, subject: &str, primary: bool) -> String {
    format!(
        r#"{{"userId":"{subject}","providerName":"{provider}","providerType":"{provider}","issuer":null,"primary":{primary},"dateCreated":1}}"#
    )
}

/// A user with these attributes, `sub` = `sub-<name>`, and these identities.
pub fn user(name: &str, status: &str, attrs: &[(&str, &str)], identities: &[String]) -> UserRecord {
    let mut attributes: Vec<(String, String)> = attrs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    attributes.push(("sub".into(), format!("sub-{name}")));
    if !identities.is_empty() {
        attributes.push(("identities".into(), format!("[{}]", identities.join(","))));
    }
    UserRecord::new(
        name.into(),
        status.into(),
        true,
        attributes,
        Some(1.7e9),
        None,
    )
}
