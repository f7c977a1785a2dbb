//! Generated pools for load tests and benchmarks (`coglink local serve --synthetic-users N
//! [--realistic]`), built in memory at once rather than through AdminCreateUser.
//!
//! - basic: users `user-0000042` with `sub` and `email` only;
//! - realistic: users like a production consumer pool's, the same for a given N (but their
//!   random `sub`s). Each has 10 to 13 attributes (email and its verification, a phone for
//!   60%, names, locale, `updated_at`, two custom attributes, `identities` where there are
//!   any); 12% are federated users made by a first
//!   sign-in (`Google_…`, `Facebook_…`, `SignInWithApple_…`, `CorpSAML_…`, with their own
//!   `identities` entry); 8% of native users have 1 to 3 linked identities; 3% of native
//!   users have a federated twin with the same email (the duplicates `coglink duplicates`
//!   finds); 2% are in the `beta` group. The pool has the demo pool's identity providers.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use super::ids::uuid_v4;
use super::seed::{DEMO_POOL_ID, demo_state};
use super::store::{Attribute, Group, Pool, PoolData, State, User};

/// Id of the generated pool.
pub const SYNTHETIC_POOL_ID: &str = "us-east-1_Synthetic";

/// The username of basic synthetic user `i`: `user-0000042`.
pub fn synthetic_username(i: usize) -> String {
    format!("user-{i:07}")
}

const CREATED_MS: i64 = 1_700_000_000_000;

/// Unique random `sub`s, so every `sub ^= "x"` partition gets about n/16 users.
struct Subs(HashSet<String>);

impl Subs {
    fn next(&mut self) -> String {
        let sub = std::iter::repeat_with(uuid_v4)
            .find(|s| !self.0.contains(s))
            .unwrap_or_default();
        self.0.insert(sub.clone());
        sub
    }
}

fn attr(name: &str, value: impl Into<String>) -> Attribute {
    Attribute {
        name: name.into(),
        value: value.into(),
    }
}

fn user(username: String, attributes: Vec<Attribute>, status: &str, created_ms: i64) -> User {
    User {
        username,
        attributes,
        enabled: true,
        status: status.into(),
        created_ms,
        modified_ms: created_ms,
        link_attributes: Vec::new(),
        password_sign_in_disabled: false,
    }
}

fn state_of(
    users: BTreeMap<String, Arc<User>>,
    extra: impl FnOnce(&mut PoolData),
) -> Result<State, String> {
    let mut data = PoolData {
        id: SYNTHETIC_POOL_ID.into(),
        name: "synthetic".into(),
        created_ms: CREATED_MS,
        modified_ms: CREATED_MS,
        username_case_sensitive: false,
        users,
        providers: BTreeMap::new(),
        groups: BTreeMap::new(),
    };
    extra(&mut data);
    let mut state = State::default();
    state.insert_pool(Pool::new(data)?);
    Ok(state)
}

/// A pool of `n` basic users.
pub fn synthetic_state(n: usize) -> Result<State, String> {
    let mut subs = Subs(HashSet::with_capacity(n));
    let mut users = BTreeMap::new();
    for i in 0..n {
        let username = synthetic_username(i);
        let attributes = vec![
            attr("sub", subs.next()),
            attr("email", format!("{username}@example.com")),
        ];
        users.insert(
            username.clone(),
            Arc::new(user(username, attributes, "CONFIRMED", CREATED_MS)),
        );
    }
    state_of(users, |_| {})
}

const GIVEN: &[&str] = &[
    "Ann", "Diego", "Ingrid", "Kenji", "Maria", "Noah", "Olga", "Priya", "Sofia", "Tariq", "Wei",
    "Yusuf", "Zoe", "Liam", "Aiko", "Mateo",
];
const FAMILY: &[&str] = &[
    "Garcia", "Chen", "Okafor", "Svensson", "Patel", "Kowalski", "Nguyen", "Haddad", "Silva",
    "Müller", "Tanaka", "Brown", "Rossi", "Novak",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "icloud.com",
    "outlook.com",
    "proton.me",
    "yahoo.com",
];
const LOCALES: &[&str] = &[
    "en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "ja-JP", "pt-BR",
];
const PLANS: &[&str] = &["free", "plus", "pro"];

/// A federated identity: provider name and type, and a subject in that provider's style.
fn identity(rng: &mut fastrand::Rng, email: &str) -> (&'static str, &'static str, String) {
    match rng.u8(0..10) {
        0..=4 => (
            "Google",
            "Google",
            format!("1{:020}", rng.u64(..10u64.pow(19))),
        ),
        5..=6 => (
            "Facebook",
            "Facebook",
            format!("{:016}", rng.u64(..10u64.pow(16))),
        ),
        7..=8 => (
            "SignInWithApple",
            "SignInWithApple",
            format!(
                "000{:06}.{:032x}.{:04}",
                rng.u32(..1_000_000),
                rng.u128(..),
                rng.u16(..10_000)
            ),
        ),
        _ => ("CorpSAML", "SAML", email.to_owned()),
    }
}

fn identities_json(entries: &[(&str, &str, String, bool, i64)]) -> String {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|(provider, kind, subject, primary, created)| {
            serde_json::json!({
                "userId": subject,
                "providerName": provider,
                "providerType": kind,
                "issuer": if *kind == "SAML" { serde_json::json!("http://www.okta.com/exk4corpsaml0001") } else { serde_json::Value::Null },
                "primary": primary,
                "dateCreated": created,
            })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// The attributes of a person, `sub` first.
fn person_attributes(
    rng: &mut fastrand::Rng,
    sub: String,
    email: &str,
    given: &str,
    family: &str,
    created: i64,
) -> Vec<Attribute> {
    let mut a = vec![
        attr("sub", sub),
        attr("email", email),
        attr(
            "email_verified",
            if rng.u8(0..10) < 8 { "true" } else { "false" },
        ),
        attr("given_name", given),
        attr("family_name", family),
        attr("name", format!("{given} {family}")),
        attr("locale", LOCALES[rng.usize(..LOCALES.len())]),
        attr("updated_at", (created / 1000).to_string()),
        attr("custom:tenant_id", format!("t-{:06}", rng.u32(..1_000_000))),
        attr("custom:plan", PLANS[rng.usize(..PLANS.len())]),
    ];
    if rng.u8(0..10) < 6 {
        a.push(attr(
            "phone_number",
            format!("+1555{:07}", rng.u32(..10_000_000)),
        ));
        a.push(attr(
            "phone_number_verified",
            if rng.bool() { "true" } else { "false" },
        ));
    }
    a
}

/// A pool of `n` realistic users (see the module notes), the same for the same `n`.
pub fn realistic_state(n: usize) -> Result<State, String> {
    let mut rng = fastrand::Rng::with_seed(n as u64);
    let mut subs = Subs(HashSet::with_capacity(n));
    let mut users: BTreeMap<String, Arc<User>> = BTreeMap::new();
    let mut beta = BTreeSet::new();
    let mut i = 0usize;
    while users.len() < n {
        i += 1;
        let (given, family) = (
            GIVEN[rng.usize(..GIVEN.len())],
            FAMILY[rng.usize(..FAMILY.len())],
        );
        let email = format!(
            "{}.{}{i}@{}",
            given.to_lowercase(),
            family.to_lowercase(),
            DOMAINS[rng.usize(..DOMAINS.len())]
        );
        let created = CREATED_MS + rng.i64(0..40_000_000_000);
        let roll = rng.u8(0..100);
        let mut attributes =
            person_attributes(&mut rng, subs.next(), &email, given, family, created);
        let (username, status) = if roll < 12 {
            // A federated user made by the identity's first sign-in.
            let (provider, kind, subject) = identity(&mut rng, &email);
            attributes.push(attr(
                "identities",
                identities_json(&[(provider, kind, subject.clone(), true, created)]),
            ));
            (format!("{provider}_{subject}"), "EXTERNAL_PROVIDER")
        } else {
            if roll < 20 {
                let links = rng.usize(1..=3);
                let entries: Vec<_> = (0..links)
                    .map(|_| {
                        let (p, k, s) = identity(&mut rng, &email);
                        (p, k, s, false, created + 86_400_000)
                    })
                    .collect();
                attributes.push(attr("identities", identities_json(&entries)));
            }
            let status = if rng.u8(0..10) < 9 {
                "CONFIRMED"
            } else {
                "FORCE_CHANGE_PASSWORD"
            };
            (
                format!("{}.{}{i}", given.to_lowercase(), family.to_lowercase()),
                status,
            )
        };
        if rng.u8(0..100) < 2 {
            beta.insert(username.clone());
        }
        let twin = status != "EXTERNAL_PROVIDER" && rng.u8(0..100) < 3;
        users.insert(
            username.clone(),
            Arc::new(user(username, attributes, status, created)),
        );
        if twin && users.len() < n {
            // The same person signed in with Google on their own: a duplicate to merge.
            let subject = format!("1{:020}", rng.u64(..10u64.pow(19)));
            let mut attributes =
                person_attributes(&mut rng, subs.next(), &email, given, family, created);
            attributes.push(attr(
                "identities",
                identities_json(&[("Google", "Google", subject.clone(), true, created + 1)]),
            ));
            let name = format!("Google_{subject}");
            users.insert(
                name.clone(),
                Arc::new(user(name, attributes, "EXTERNAL_PROVIDER", created + 1)),
            );
        }
    }
    let demo = demo_state()?;
    let providers = demo
        .pool(DEMO_POOL_ID)
        .map(|p| p.data().providers.clone())
        .unwrap_or_default();
    state_of(users, move |data| {
        data.providers = providers;
        data.groups.insert(
            "beta".into(),
            Group {
                name: "beta".into(),
                description: Some("Early access".into()),
                precedence: Some(10),
                role_arn: None,
                created_ms: CREATED_MS,
                modified_ms: CREATED_MS,
                members: beta,
            },
        );
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::identities::link_count;

    #[test]
    fn basic_pool_has_n_users_with_unique_subs_in_every_partition() {
        let state = synthetic_state(1_000).unwrap();
        let data = state.pool(SYNTHETIC_POOL_ID).unwrap().data();
        assert_eq!(data.users.len(), 1_000);
        assert!(data.users.contains_key(&synthetic_username(999)));
        let mut per_prefix: BTreeMap<char, usize> = BTreeMap::new();
        for u in data.users.values() {
            let sub = u.attribute("sub").unwrap();
            *per_prefix.entry(sub.chars().next().unwrap()).or_default() += 1;
        }
        assert_eq!(per_prefix.len(), 16, "{per_prefix:?}");
    }

    #[test]
    fn realistic_pool_looks_like_production() {
        let n = 5_000;
        let state = realistic_state(n).unwrap();
        let data = state.pool(SYNTHETIC_POOL_ID).unwrap().data();
        assert_eq!(data.users.len(), n);
        let users: Vec<&User> = data.users.values().map(|u| u.as_ref()).collect();
        let federated = users
            .iter()
            .filter(|u| u.status == "EXTERNAL_PROVIDER")
            .count();
        let linked = users
            .iter()
            .filter(|u| u.status != "EXTERNAL_PROVIDER" && link_count(&u.identities()) > 0)
            .count();
        assert!(
            (n / 10..n / 5).contains(&federated),
            "{federated} federated"
        );
        assert!((n / 25..n / 8).contains(&linked), "{linked} linked");
        assert!(
            users
                .iter()
                .all(|u| (10..=13).contains(&u.attributes.len()))
        );
        // Twins: a native user and a Google_ user with one email.
        let mut by_email: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &users {
            *by_email.entry(u.attribute("email").unwrap()).or_default() += 1;
        }
        let twins = by_email.values().filter(|c| **c == 2).count();
        assert!((n / 100..n / 20).contains(&twins), "{twins} twins");
        assert!(!data.providers.is_empty());
        assert!(!data.groups["beta"].members.is_empty());
        // Deterministic for a given size.
        let again = realistic_state(n).unwrap();
        let names = |s: &State| -> Vec<String> {
            s.pool(SYNTHETIC_POOL_ID)
                .unwrap()
                .data()
                .users
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(names(&state), names(&again));
    }
}
