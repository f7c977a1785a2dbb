//! Users and pools for the TUI's unit and snapshot tests (no network).

use crate::aws::ops::PoolSummary;
use crate::domain::UserRecord;

const CREATED: f64 = 1_700_000_000.0;

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn identity(provider: &str, kind: &str, user_id: &str, primary: bool, millis: i64) -> String {
    format!(
        r#"{{"userId":"{user_id}","providerName":"{provider}","providerType":"{kind}","issuer":null,"primary":{primary},"dateCreated":{millis}}}"#
    )
}

/// A confirmed native user with an email derived from the name.
pub fn native(name: &str) -> UserRecord {
    UserRecord::new(
        name.into(),
        "CONFIRMED".into(),
        true,
        attrs(&[
            ("sub", &format!("sub-{name}")),
            ("email", &format!("{name}@example.com")),
        ]),
        Some(CREATED),
        Some(CREATED),
    )
}

/// A native user with `n` linked identities (Google, Facebook, SAML, OIDC, Apple in turn).
pub fn with_links(name: &str, n: usize) -> UserRecord {
    let kinds = [
        ("Google", "Google"),
        ("Facebook", "Facebook"),
        ("CorpSAML", "SAML"),
        ("Okta", "OIDC"),
        ("SignInWithApple", "SignInWithApple"),
    ];
    let user_ids: Vec<String> = (0..n).map(|i| format!("{}{i}", 1000 + i)).collect();
    let identities: Vec<(&str, &str, &str)> = user_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (p, k) = kinds[i % kinds.len()];
            (p, k, id.as_str())
        })
        .collect();
    linked(name, &identities)
}

/// A user created by a Google sign-in.
pub fn federated(subject: &str) -> UserRecord {
    let ids = format!(
        "[{}]",
        identity("Google", "Google", subject, true, 1_565_669_081_099)
    );
    UserRecord::new(
        format!("Google_{subject}"),
        "EXTERNAL_PROVIDER".into(),
        true,
        attrs(&[
            ("sub", "f0e1d2c3"),
            ("email", "fed@example.com"),
            ("identities", &ids),
        ]),
        Some(CREATED),
        Some(CREATED),
    )
}

/// A user whose username and name carry terminal escape sequences.
pub fn hostile() -> UserRecord {
    UserRecord::new(
        "evil\u{1b}[31mred\u{1b}]0;pwned\u{7}".into(),
        "CONFIRMED".into(),
        false,
        attrs(&[
            ("sub", "bad-sub"),
            ("email", "evil@example.com"),
            ("name", "Mallory\u{202e}gnp.exe"),
            (
                "identities",
                &format!(
                    "[{}]",
                    identity(
                        "Google",
                        "Google",
                        "666\\u001b[2J",
                        false,
                        1_700_000_000_000
                    )
                ),
            ),
        ]),
        Some(CREATED),
        Some(CREATED),
    )
}

/// A user whose `identities` value is not valid JSON.
pub fn broken_identities(name: &str) -> UserRecord {
    native(name).with_attributes(|a| a.push(("identities".into(), "[{\"userId\":".into())))
}

pub fn pools() -> Vec<PoolSummary> {
    vec![
        PoolSummary {
            id: "us-east-1_Demo00001".into(),
            name: "demo".into(),
            estimated_users: Some(120),
            created: Some(CREATED),
        },
        PoolSummary {
            id: "us-east-1_Empty0002".into(),
            name: "empty".into(),
            estimated_users: Some(0),
            created: Some(CREATED + 86_400.0),
        },
    ]
}

/// A native user with these linked identities: `(provider name, provider type, user id)`.
pub fn linked(name: &str, identities: &[(&str, &str, &str)]) -> UserRecord {
    let ids: Vec<String> = identities
        .iter()
        .map(|(p, k, id)| identity(p, k, id, false, 1_700_000_000_000))
        .collect();
    native(name).with_attributes(|a| a.push(("identities".into(), format!("[{}]", ids.join(",")))))
}

/// The providers of the test pool: two social, one SAML mapping `email`.
pub fn providers() -> Vec<crate::domain::IdentityProviderInfo> {
    use crate::domain::{IdentityProviderInfo, ProviderType};
    let info = |name: &str, provider_type, mapping: &[(&str, &str)]| IdentityProviderInfo {
        name: name.into(),
        provider_type,
        attribute_mapping: mapping
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    };
    vec![
        info("Google", ProviderType::Google, &[("email", "email")]),
        info("Facebook", ProviderType::Facebook, &[]),
        info(
            "CorpSAML",
            ProviderType::Saml,
            &[("email", "http://schemas/claims/email")],
        ),
    ]
}
