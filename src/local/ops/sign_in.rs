//! `CoglinkLocal.SignInFederated`: an external identity signs in to a local pool as it would
//! through the hosted UI. Not part of Cognito's API: a coglink-only namespace, answered on
//! loopback only, so a pool can hold the situation merges fix (a person with a native user and
//! a `Google_…` user made by signing in on their own).
//!
//! What Cognito does at a federated sign-in (developer guide, "Linking federated users" and
//! "Specifying identity provider attribute mappings"; documented):
//! - an identity linked to a user signs in as that user, and the IdP's attribute mapping is
//!   applied to that user;
//! - otherwise the identity's own user `<Provider>_<subject>` signs in, created on the first
//!   sign-in with status `EXTERNAL_PROVIDER`, a new `sub`, an `identities` entry of its own
//!   (`primary: true`) and the mapped attributes;
//! - the mapping is applied at every sign-in, overwriting the mapped attributes.
//!
//! UNVERIFIED, kept here: the username's case in case-insensitive pools (`Google_1234` as
//! given); that a disabled user is refused with NotAuthorizedException "User is disabled."
//! (the text Cognito gives password sign-ins); that a SAML/OIDC identity linked by a claim
//! (e.g. `email`) matches when that claim arrives with the linked value.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Reply, input, pool};
use crate::domain::identities::{IDENTITIES_ATTRIBUTE, encode_identities};
use crate::domain::provider::federated_username;
use crate::domain::{CognitoError, ErrorKind, LinkedIdentity};
use crate::local::ids::{now_ms, uuid_v4};
use crate::local::persist::Shared;
use crate::local::store::{Attribute, IdentityProvider, Pool, User};

/// The mapping key that names the IdP claim used as username, not a pool attribute.
const USERNAME_MAPPING_KEY: &str = "username";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct SignInInput {
    user_pool_id: Option<String>,
    provider_name: Option<String>,
    subject: Option<String>,
    #[serde(default)]
    claims: BTreeMap<String, String>,
}

/// Who signed in: the username and `sub`, whether the user was created by this sign-in,
/// and whether it is the destination of a link.
pub fn sign_in(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: SignInInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.required(&req.provider_name, "providerName");
    c.string("providerName", &req.provider_name, 1, 32, None);
    c.required(&req.subject, "subject");
    c.string("subject", &req.subject, 1, 2048, None);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let provider = req.provider_name.unwrap_or_default();
    let subject = req.subject.unwrap_or_default();
    let now = now_ms();
    let (answer, version) = shared.write(|s| {
        let p = pool(s, &pool_id)?;
        let Some(idp) = p.data().providers.get(&provider).cloned() else {
            return Err(CognitoError::new(
                ErrorKind::InvalidParameter,
                format!("The provider {provider} does not exist for User Pool {pool_id}"),
            ));
        };
        let mapped = mapped_attributes(&idp, &subject, &req.claims);
        let linked = linked_user(p, &provider, &subject, &req.claims);
        let existing = linked.clone().or_else(|| {
            p.federated_user(&provider, &subject)
                .map(|u| u.username.clone())
        });
        let p = s.pool_mut(&pool_id).ok_or_else(CognitoError::internal)?;
        let (username, created) = match existing {
            Some(username) => (username, false),
            None => {
                let user = new_federated_user(&idp, &subject, now);
                let username = user.username.clone();
                p.insert_user(user).map_err(|_| CognitoError::internal())?;
                (username, true)
            }
        };
        let key = p.key(&username).into_owned();
        let user = p.user_by_key(&key).ok_or_else(CognitoError::internal)?;
        if !user.enabled {
            return Err(CognitoError::new(
                ErrorKind::NotAuthorized,
                "User is disabled.",
            ));
        }
        let sub = user.attribute("sub").unwrap_or_default().to_owned();
        p.update_user(&key, |u| {
            for a in &mapped {
                u.set_attribute(&a.name, a.value.clone());
            }
            // A claim-linked identity has signed in: it may now be unlinked by
            // Cognito_Subject too (`User::unlink_matches`).
            for l in u.link_attributes.iter_mut().filter(|l| {
                l.provider_name == provider && req.claims.get(&l.attribute_name) == Some(&l.user_id)
            }) {
                l.signed_in = true;
            }
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)?;
        Ok(json!({
            "Username": username,
            "Sub": sub,
            "Created": created,
            "Linked": linked.is_some(),
        }))
    })?;
    Ok(Reply::Write(answer, version))
}

/// The user an identity signing in is linked to: by its subject (a `Cognito_Subject` link),
/// or by a claim it was linked by arriving with the linked value.
fn linked_user(
    p: &Pool,
    provider: &str,
    subject: &str,
    claims: &BTreeMap<String, String>,
) -> Option<String> {
    if let Some(u) = p.linked_to(provider, subject)
        && u.unlink_matches(provider, subject, crate::domain::COGNITO_SUBJECT)
    {
        return Some(u.username.clone());
    }
    p.data()
        .users
        .values()
        .find(|u| {
            u.link_attributes.iter().any(|l| {
                l.provider_name == provider
                    && claims.get(&l.attribute_name) == Some(&l.user_id)
                    && p.linked_to(provider, &l.user_id).map(|h| &h.username) == Some(&u.username)
            })
        })
        .map(|u| u.username.clone())
}

/// The pool attributes the IdP's mapping sets from the claims (`sub` is the subject when
/// no claim of that name is given).
fn mapped_attributes(
    idp: &IdentityProvider,
    subject: &str,
    claims: &BTreeMap<String, String>,
) -> Vec<Attribute> {
    idp.attribute_mapping
        .iter()
        .filter(|(attribute, _)| attribute.as_str() != USERNAME_MAPPING_KEY)
        .filter_map(|(attribute, claim)| {
            let value = claims
                .get(claim)
                .cloned()
                .or_else(|| (claim == "sub").then(|| subject.to_owned()))?;
            Some(Attribute {
                name: attribute.clone(),
                value,
            })
        })
        .collect()
}

/// The user a first sign-in creates: `<Provider>_<subject>`, EXTERNAL_PROVIDER, its own
/// primary identity (mapped attributes are set by the caller).
fn new_federated_user(idp: &IdentityProvider, subject: &str, now: i64) -> User {
    let identity = LinkedIdentity {
        user_id: subject.to_owned(),
        provider_name: idp.name.clone(),
        provider_type: idp.provider_type.as_str().to_owned(),
        issuer: idp.issuer(),
        primary: true,
        date_created: now,
    };
    User {
        username: federated_username(&idp.name, subject),
        attributes: vec![
            Attribute {
                name: "sub".into(),
                value: uuid_v4(),
            },
            Attribute {
                name: IDENTITIES_ATTRIBUTE.into(),
                value: encode_identities(&[identity]),
            },
        ],
        enabled: true,
        status: "EXTERNAL_PROVIDER".into(),
        created_ms: now,
        modified_ms: now,
        link_attributes: Vec::new(),
        password_sign_in_disabled: false,
    }
}
