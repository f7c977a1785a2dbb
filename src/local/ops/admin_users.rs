//! AdminDeleteUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes, AdminDisableUser,
//! AdminEnableUser. Choices no source confirms are listed in `crate::local::limits`
//! (UNVERIFIED), their error texts in `crate::domain::cognito_error`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Reply, input, pool_mut, user_key};
use crate::domain::CognitoError;
use crate::domain::identities::IDENTITIES_ATTRIBUTE;
use crate::local::ids::now_ms;
use crate::local::limits::{STANDARD_ATTRIBUTES, VERIFIED_FLAGS};
use crate::local::persist::Shared;

/// `AttributeNameType`: `AttributeType.Name` and the members of `AttributeNameListType`.
const ATTRIBUTE_NAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+";
const ATTRIBUTE_NAME_MAX: usize = 32;
/// `AttributeValueType`.
const ATTRIBUTE_VALUE_MAX: usize = 2048;

/// Attributes no request may write or delete: `sub` is immutable (and required), the
/// `identities` attribute changes only through linking (UNVERIFIED, see `limits`).
fn immutable(name: &str) -> bool {
    name == "sub" || name == IDENTITIES_ATTRIBUTE
}

/// Whether the pool's schema has the attribute (custom ones: see `limits`, UNVERIFIED).
fn in_schema(name: &str) -> bool {
    name.starts_with("custom:") || STANDARD_ATTRIBUTES.contains(&name)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserInput {
    user_pool_id: Option<String>,
    username: Option<String>,
}

fn user_input(v: Value) -> Result<(String, String), CognitoError> {
    let req: UserInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
    c.done()?;
    Ok((
        req.user_pool_id.unwrap_or_default(),
        req.username.unwrap_or_default(),
    ))
}

/// AdminDeleteUser: the user goes with its links and group memberships (see
/// `Pool::remove_user`; UNVERIFIED for the links, see `limits`).
pub fn delete(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let (pool_id, username) = user_input(v)?;
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let key = user_key(p, &username)?;
        p.remove_user(&key).ok_or_else(CognitoError::internal)?;
        Ok(())
    })?;
    Ok(Reply::Write(json!({}), version))
}

/// AdminDisableUser (`enabled` false) and AdminEnableUser (true): AdminGetUser's and
/// ListUsers' `Enabled` follow, and so does the ListUsers `status` filter.
pub fn set_enabled(shared: &Shared, v: Value, enabled: bool) -> Result<Reply, CognitoError> {
    let (pool_id, username) = user_input(v)?;
    let now = now_ms();
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let key = user_key(p, &username)?;
        p.update_user(&key, |u| {
            u.enabled = enabled;
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)
    })?;
    Ok(Reply::Write(json!({}), version))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeInput {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // ClientMetadata only reaches Lambda triggers, which local pools lack.
struct UpdateInput {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attributes: Option<Vec<AttributeInput>>,
    client_metadata: Option<BTreeMap<String, String>>,
}

/// AdminUpdateUserAttributes: sets each attribute; an empty value deletes it (model doc).
/// A new `email`/`phone_number` without its verified flag in the request makes the flag
/// `false` (UNVERIFIED, `limits::VERIFIED_FLAGS`).
pub fn update_attributes(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: UpdateInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
    c.required(&req.user_attributes, "userAttributes");
    for (i, a) in req.user_attributes.iter().flatten().enumerate() {
        let path = format!("userAttributes.{}.member", i + 1);
        c.required(&a.name, &format!("{path}.name"));
        c.string(
            &format!("{path}.name"),
            &a.name,
            1,
            ATTRIBUTE_NAME_MAX,
            Some(ATTRIBUTE_NAME_PATTERN),
        );
        c.string(
            &format!("{path}.value"),
            &a.value,
            0,
            ATTRIBUTE_VALUE_MAX,
            None,
        );
    }
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    let attributes: Vec<(String, Option<String>)> = req
        .user_attributes
        .unwrap_or_default()
        .into_iter()
        .map(|a| (a.name.unwrap_or_default(), a.value))
        .collect();
    let now = now_ms();
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let key = user_key(p, &username)?;
        let unknown: Vec<&str> = attributes
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| !in_schema(n))
            .collect();
        if !unknown.is_empty() {
            return Err(CognitoError::attributes_not_in_schema(&unknown));
        }
        if let Some((name, _)) = attributes.iter().find(|(n, _)| immutable(n)) {
            return Err(CognitoError::attribute_not_mutable(name));
        }
        if let Some((name, _)) = attributes.iter().find(|(_, v)| v.is_none()) {
            return Err(CognitoError::attribute_value_null(name));
        }
        let in_request = |flag: &str| attributes.iter().any(|(n, _)| n == flag);
        p.update_user(&key, |u| {
            for (name, value) in &attributes {
                let value = value.clone().unwrap_or_default();
                if value.is_empty() {
                    u.remove_attribute(name);
                    continue;
                }
                let flag = VERIFIED_FLAGS
                    .iter()
                    .find(|(contact, _)| contact == name)
                    .map(|(_, flag)| *flag);
                if let Some(flag) = flag
                    && u.attribute(name) != Some(value.as_str())
                    && !in_request(flag)
                {
                    u.set_attribute(flag, "false".to_owned());
                }
                u.set_attribute(name, value);
            }
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)
    })?;
    Ok(Reply::Write(json!({}), version))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteAttributesInput {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attribute_names: Option<Vec<String>>,
}

/// AdminDeleteUserAttributes: removes attributes by name. `sub` (the only required attribute
/// of a local pool) and `identities` are refused; names the user lacks are ignored
/// (UNVERIFIED, see `limits`).
pub fn delete_attributes(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: DeleteAttributesInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
    c.required(&req.user_attribute_names, "userAttributeNames");
    for (i, name) in req.user_attribute_names.iter().flatten().enumerate() {
        c.string(
            &format!("userAttributeNames.{}.member", i + 1),
            &Some(name.clone()),
            1,
            ATTRIBUTE_NAME_MAX,
            Some(ATTRIBUTE_NAME_PATTERN),
        );
    }
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    let names = req.user_attribute_names.unwrap_or_default();
    let now = now_ms();
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let key = user_key(p, &username)?;
        if let Some(name) = names.iter().find(|n| immutable(n)) {
            return Err(CognitoError::attribute_not_mutable(name));
        }
        p.update_user(&key, |u| {
            for name in &names {
                u.remove_attribute(name);
            }
            u.modified_ms = now;
        })
        .ok_or_else(CognitoError::internal)
    })?;
    Ok(Reply::Write(json!({}), version))
}
