//! AdminLinkProviderForUser and AdminDisableProviderForUser (spec §1.2, §1.3, §2, §3).
//!
//! Validation is the domain's: the facts of the pool go into a fully populated `LinkContext`
//! and `check_link` / `check_unlink` decide, `cognito_error_for` words the answer. Checks and
//! change happen under one write lock, so two racing links cannot both pass the checks.

use serde_json::{Value, json};

use super::{Reply, input};
use crate::domain::identities::{IDENTITIES_ATTRIBUTE, encode_identities, link_count};
use crate::domain::{
    COGNITO_SUBJECT, CognitoError, DestinationFacts, IdentityProviderInfo, Known, LinkContext,
    LinkRequest, LinkedIdentity, ProviderUserIdentifier, UnlinkRequest, check_link, check_unlink,
    cognito_error_for,
};
use crate::local::ids::now_ms;
use crate::local::persist::Shared;
use crate::local::store::{LinkAttribute, Pool, User};

fn provider_infos(p: &Pool) -> Vec<IdentityProviderInfo> {
    p.data()
        .providers
        .values()
        .map(|idp| IdentityProviderInfo {
            name: idp.name.clone(),
            provider_type: idp.provider_type,
            attribute_mapping: idp.attribute_mapping.clone(),
        })
        .collect()
}

/// The distinct attribute names (other than `Cognito_Subject`) that links from `provider`
/// use across the pool, in first-seen order.
fn attribute_names_in_use(p: &Pool, provider: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for u in p.data().users.values() {
        for l in u
            .link_attributes
            .iter()
            .filter(|l| l.provider_name == provider)
        {
            if !names.contains(&l.attribute_name) {
                names.push(l.attribute_name.clone());
            }
        }
    }
    names
}

/// What a rule needs to know of a lookup keyed by `value`: nothing when `value` is empty
/// (the domain reports the missing value itself).
fn known<T>(value: &str, found: Option<T>) -> Known<T> {
    match (value.is_empty(), found) {
        (true, _) => Known::Unknown,
        (false, Some(t)) => Known::Present(t),
        (false, None) => Known::Absent,
    }
}

/// The destination: `Cognito` + username, or a federated user named by provider + id.
fn destination<'a>(p: &'a Pool, dest: &ProviderUserIdentifier) -> Option<&'a User> {
    if dest.is_cognito() {
        p.user(dest.value())
    } else {
        p.federated_user(dest.name(), dest.value())
    }
}

fn fail(violations: &[crate::domain::Violation], pool_id: &str) -> Result<(), CognitoError> {
    match cognito_error_for(violations, pool_id) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub fn link(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: LinkRequest = input(v)?;
    let now = now_ms();
    let ((), version) = shared.write(|s| {
        let pool_id = req.pool_id().to_owned();
        let Some(p) = s.pool(&pool_id) else {
            let ctx = LinkContext {
                pool_exists: Some(false),
                ..LinkContext::default()
            };
            fail(&check_link(&req, &ctx), &pool_id)?;
            return Err(CognitoError::pool_not_found(&pool_id));
        };
        let providers = provider_infos(p);
        let source = req.source();
        let dest = req.destination();
        let dest_user = destination(p, &dest);
        let ctx = LinkContext {
            pool_exists: Some(true),
            providers: Some(&providers),
            destination: known(
                dest.value(),
                dest_user.map(|u| DestinationFacts {
                    username: u.username.clone(),
                    link_count: link_count(&u.identities()),
                }),
            ),
            // Merging is refused when the identity signed in before (spec §2).
            source_as_user: known(
                source.value(),
                p.federated_user(source.name(), source.value())
                    .map(|u| u.username.clone()),
            ),
            // One destination per source identity.
            source_linked_to: known(
                source.value(),
                p.linked_to(source.name(), source.value())
                    .map(|u| u.username.clone()),
            ),
            source_attribute_names: Some(attribute_names_in_use(p, source.name())),
        };
        fail(&check_link(&req, &ctx), &pool_id)?;
        // The checks passed, so the destination and the source provider exist.
        let (Some(dest_user), Some(idp)) = (dest_user, p.data().providers.get(source.name()))
        else {
            return Err(CognitoError::internal());
        };
        // The entry Cognito appends for a link (spec §3): primary false, dateCreated in ms.
        let entry = LinkedIdentity {
            user_id: source.value().to_owned(),
            provider_name: idp.name.clone(),
            provider_type: idp.provider_type.as_str().to_owned(),
            issuer: idp.issuer(),
            primary: false,
            date_created: now,
        };
        let key = p.key(&dest_user.username).into_owned();
        let attribute_name = source.attribute_name().to_owned();
        let p = s.pool_mut(&pool_id).ok_or_else(CognitoError::internal)?;
        p.update_user(&key, |u| {
            let mut ids = u.identities();
            ids.push(entry);
            u.set_attribute(IDENTITIES_ATTRIBUTE, encode_identities(&ids));
            if attribute_name != COGNITO_SUBJECT {
                u.link_attributes.push(LinkAttribute {
                    provider_name: source.name().to_owned(),
                    user_id: source.value().to_owned(),
                    attribute_name,
                    signed_in: false,
                });
            }
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)
    })?;
    Ok(Reply::Write(json!({}), version))
}

pub fn unlink(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: UnlinkRequest = input(v)?;
    let now = now_ms();
    let ((), version) = shared.write(|s| {
        let pool_id = req.pool_id().to_owned();
        let Some(p) = s.pool(&pool_id) else {
            fail(
                &check_unlink(&req, Some(false), None, &Known::Unknown),
                &pool_id,
            )?;
            return Err(CognitoError::pool_not_found(&pool_id));
        };
        let providers = provider_infos(p);
        let user = req.user();
        if user.is_cognito() {
            return disable_password_sign_in(s, &req, &providers, now);
        }
        // A linked identity is named by provider + value with the attribute name used at
        // link time (`Cognito_Subject` too once it signed in; `User::unlink_matches`).
        let linked = p
            .linked_to(user.name(), user.value())
            .filter(|u| u.unlink_matches(user.name(), user.value(), user.attribute_name()));
        let linked_to = known(user.value(), linked.map(|u| u.username.clone()));
        fail(
            &check_unlink(&req, Some(true), Some(&providers), &linked_to),
            &pool_id,
        )?;
        let Some(linked) = linked else {
            return Err(CognitoError::internal());
        };
        let key = p.key(&linked.username).into_owned();
        let p = s.pool_mut(&pool_id).ok_or_else(CognitoError::internal)?;
        p.update_user(&key, |u| {
            let mut ids = u.identities();
            ids.retain(|i| i.primary || !i.is_identified_by(&user));
            if ids.is_empty() {
                u.remove_attribute(IDENTITIES_ATTRIBUTE);
            } else {
                u.set_attribute(IDENTITIES_ATTRIBUTE, encode_identities(&ids));
            }
            u.link_attributes
                .retain(|l| !(l.provider_name == user.name() && l.user_id == user.value()));
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)
    })?;
    Ok(Reply::Write(json!({}), version))
}

/// AdminDisableProviderForUser with `ProviderName=Cognito`, `Cognito_Subject` and a username:
/// the native user can no longer sign in with its password (AWS API reference: documented).
/// UNVERIFIED: the answer for an unknown username (UserNotFoundException here) and for
/// another attribute name (the same "not linked" refusal as any unmatched unlink here).
fn disable_password_sign_in(
    s: &mut crate::local::store::State,
    req: &UnlinkRequest,
    providers: &[IdentityProviderInfo],
    now: i64,
) -> Result<(), CognitoError> {
    let pool_id = req.pool_id().to_owned();
    let user = req.user();
    let p = s.pool(&pool_id).ok_or_else(CognitoError::internal)?;
    let linked_to = if user.attribute_name() == COGNITO_SUBJECT {
        Known::Unknown
    } else {
        Known::Absent
    };
    fail(
        &check_unlink(req, Some(true), Some(providers), &linked_to),
        &pool_id,
    )?;
    let Some(native) = p.user(user.value()) else {
        return Err(CognitoError::user_not_found());
    };
    let key = p.key(&native.username).into_owned();
    let p = s.pool_mut(&pool_id).ok_or_else(CognitoError::internal)?;
    p.update_user(&key, |u| {
        u.password_sign_in_disabled = true;
        u.modified_ms = now;
    })
    .ok_or_else(CognitoError::internal)
}
