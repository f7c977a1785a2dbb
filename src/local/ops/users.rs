//! ListUsers, AdminGetUser, AdminCreateUser (spec §1.4, §1.5, §1.10).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Outcome, input, page_size, pool, pool_mut, user_json};
use crate::domain::CognitoError;
use crate::domain::filter::{FILTER_MAX, FilterError, UserFilter, parse_filter};
use crate::domain::identities::IDENTITIES_ATTRIBUTE;
use crate::domain::rules::{Field, TOKEN_PATTERN, USERNAME_MAX, USERNAME_PATTERN, check_string};
use crate::domain::user::search_value;
use crate::local::ids::{now_ms, uuid_v4};
use crate::local::limits::LIST_USERS_DEFAULT_LIMIT;
use crate::local::persist::Shared;
use crate::local::store::{Attribute, User};
use crate::local::token::{self, Kind};

/// `AttributeNameType` in AttributesToGet (spec §1.4).
const ATTRIBUTES_TO_GET_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+";
/// `AttributeNameType` of `AttributeType.Name`.
const ATTRIBUTE_NAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    user_pool_id: Option<String>,
    attributes_to_get: Option<Vec<String>>,
    limit: Option<i64>,
    pagination_token: Option<String>,
    filter: Option<String>,
}

fn matches(filter: &Option<UserFilter>, u: &User) -> bool {
    filter.as_ref().is_none_or(|f| {
        f.matches(search_value(
            f.attribute,
            &u.username,
            &u.status,
            u.enabled,
            |n| u.attribute(n),
        ))
    })
}

pub fn list(shared: &Shared, v: Value) -> Result<Outcome, CognitoError> {
    let req: ListInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    for (i, name) in req.attributes_to_get.iter().flatten().enumerate() {
        c.add(check_string(
            Field::AttributesToGet(i),
            name,
            1,
            32,
            Some(ATTRIBUTES_TO_GET_PATTERN),
        ));
    }
    c.range("limit", req.limit, 0, 60);
    c.string("filter", &req.filter, 0, FILTER_MAX, None);
    c.page_token("paginationToken", &req.pagination_token);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let limit = page_size(req.limit, LIST_USERS_DEFAULT_LIMIT);
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let filter = match parse_filter(req.filter.as_deref().unwrap_or("")) {
            Ok(f) => f,
            Err(FilterError::NotSearchable(a)) => {
                return Err(CognitoError::filter_attribute_not_searchable(&a));
            }
            Err(_) => return Err(CognitoError::filter_parse()),
        };
        let mut it = token::resume(
            &p.data().users,
            Kind::Users,
            &pool_id,
            req.pagination_token.as_deref(),
        )?
            .filter(|(_, u)| matches(&filter, u));
        let page: Vec<(&String, &User)> = it.by_ref().take(limit).map(|(k, u)| (k, &**u)).collect();
        let more = it.next().is_some();
        let wanted = req.attributes_to_get.as_deref();
        // A requested attribute that a returned user lacks is an error (spec §1.4 pitfall).
        if let Some(names) = wanted
            && page
                .iter()
                .any(|(_, u)| names.iter().any(|n| u.attribute(n).is_none()))
            {
                return Err(CognitoError::attributes_do_not_exist());
            }
        let mut out = json!({
            "Users": page.iter().map(|(_, u)| user_json(u, "Attributes", wanted)).collect::<Vec<_>>(),
        });
        if let (true, Some((last, _))) = (more, page.last()) {
            out["PaginationToken"] = json!(token::encode(Kind::Users, &pool_id, last));
        }
        Ok(Outcome::Read(out))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetInput {
    user_pool_id: Option<String>,
    username: Option<String>,
}

fn check_username(c: &mut Checks, username: &Option<String>) {
    c.required(username, "username");
    c.string(
        "username",
        username,
        1,
        USERNAME_MAX,
        Some(USERNAME_PATTERN),
    );
}

/// AdminGetUser: by username, or by the `sub` of a user (spec §1.5).
pub fn get(shared: &Shared, v: Value) -> Result<Outcome, CognitoError> {
    let req: GetInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    check_username(&mut c, &req.username);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let u = p
            .user(&username)
            .or_else(|| p.user_by_sub(&username))
            .ok_or_else(CognitoError::user_not_found)?;
        Ok(Outcome::Read(user_json(u, "UserAttributes", None)))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeInput {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)] // Accepted members the local endpoint has no use for (no messages are sent).
struct CreateInput {
    user_pool_id: Option<String>,
    username: Option<String>,
    user_attributes: Option<Vec<AttributeInput>>,
    validation_data: Option<Vec<AttributeInput>>,
    temporary_password: Option<String>,
    force_alias_creation: Option<bool>,
    message_action: Option<String>,
    desired_delivery_mediums: Option<Vec<String>>,
    client_metadata: Option<BTreeMap<String, String>>,
}

/// AdminCreateUser: new users start in FORCE_CHANGE_PASSWORD with a generated `sub`
/// (spec §1.10). `MessageAction: RESEND` answers the existing user.
pub fn create(shared: &Shared, v: Value) -> Result<Outcome, CognitoError> {
    let req: CreateInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    check_username(&mut c, &req.username);
    for (i, a) in req.user_attributes.iter().flatten().enumerate() {
        let path = format!("userAttributes.{}.member", i + 1);
        c.required(&a.name, &format!("{path}.name"));
        c.string(
            &format!("{path}.name"),
            &a.name,
            1,
            32,
            Some(ATTRIBUTE_NAME_PATTERN),
        );
        c.string(&format!("{path}.value"), &a.value, 0, 2048, None);
    }
    c.string(
        "temporaryPassword",
        &req.temporary_password,
        0,
        256,
        Some(TOKEN_PATTERN),
    );
    if let Some(m) = &req.message_action {
        c.one_of("messageAction", m, &["RESEND", "SUPPRESS"]);
    }
    for (i, m) in req.desired_delivery_mediums.iter().flatten().enumerate() {
        let path = format!("desiredDeliveryMediums.{}.member", i + 1);
        c.one_of(&path, m, &["SMS", "EMAIL"]);
    }
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    let attributes: Vec<Attribute> = req
        .user_attributes
        .unwrap_or_default()
        .into_iter()
        .map(|a| Attribute {
            name: a.name.unwrap_or_default(),
            value: a.value.unwrap_or_default(),
        })
        .collect();
    if let Some(a) = attributes
        .iter()
        .find(|a| a.name == "sub" || a.name == IDENTITIES_ATTRIBUTE)
    {
        return Err(CognitoError::attribute_not_writable(&a.name));
    }
    if req.message_action.as_deref() == Some("RESEND") {
        return shared.read(|s| {
            let u = pool(s, &pool_id)?
                .user(&username)
                .ok_or_else(CognitoError::user_not_found)?;
            Ok(Outcome::Read(
                json!({ "User": user_json(u, "Attributes", None) }),
            ))
        });
    }
    let now = now_ms();
    let (body, version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        if p.user(&username).is_some() {
            return Err(CognitoError::username_exists());
        }
        let mut user = User {
            username: username.clone(),
            attributes: Vec::new(),
            enabled: true,
            status: "FORCE_CHANGE_PASSWORD".into(),
            created_ms: now,
            modified_ms: now,
            link_attributes: Vec::new(),
            password_sign_in_disabled: false,
        };
        let sub = std::iter::repeat_with(uuid_v4)
            .find(|s| p.user_by_sub(s).is_none())
            .unwrap_or_default();
        user.set_attribute("sub", sub);
        for a in attributes {
            user.set_attribute(&a.name, a.value);
        }
        let body = json!({ "User": user_json(&user, "Attributes", None) });
        p.insert_user(user).map_err(|_| CognitoError::internal())?;
        Ok(body)
    })?;
    Ok(Outcome::Write(body, version))
}
