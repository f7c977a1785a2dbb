//! Users for unit tests of rules over users (duplicates, merges): a user from its attributes
//! and `identities` entries.

use super::UserRecord;

/// One `identities` entry, as Cognito writes it.
pub fn identity(provider: &str, subject: &str, primary: bool) -> String {
    format!(
        r#"{{"userId":"{subject}","providerName":"{provider}","providerType":"{provider}","issuer":null,"primary":{primary},"dateCreated":1}}"#
    )
}

/// A native user (`CONFIRMED`) with an empty `identities` list or these Google subjects
/// linked to it, and no other attribute.
pub fn with_google_links(name: &str, subjects: &[&str]) -> UserRecord {
    let ids: Vec<String> = subjects
        .iter()
        .map(|s| identity("Google", s, false))
        .collect();
    UserRecord::new(
        name.into(),
        "CONFIRMED".into(),
        true,
        vec![("identities".into(), format!("[{}]", ids.join(",")))],
        None,
        None,
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
