//! ListUsers, AdminGetUser, AdminCreateUser (spec §1.4, §1.5, §1.10).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Reply, RequestContext, UserWire, input, page_size, pool, pool_mut, user_json};
use crate::domain::filter::{FILTER_MAX, FilterError, UserFilter, parse_filter};
use crate::domain::identities::IDENTITIES_ATTRIBUTE;
use crate::domain::user::search_value;
use crate::domain::{CognitoError, Field, TOKEN_PATTERN, check_string};
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

/// The scope a ListUsers token is bound to: the pool, and a hash of the filter and
/// `AttributesToGet` it was issued for (a token is presented with the same parameters:
/// documented; another filter's token is refused: cognito-fidelity (b)4).
fn users_token_scope(pool_id: &str, filter: Option<&str>, attributes: Option<&[String]>) -> String {
    let mut h = Fnv::default();
    h.add(filter.unwrap_or("").as_bytes());
    h.add(&[0xff]);
    for a in attributes.unwrap_or_default() {
        h.add(a.as_bytes());
        h.add(&[0]);
    }
    format!("{pool_id}#{:016x}", h.0)
}

/// FNV-1a, 64 bits: a stable hash (token scopes and short-page sizes must not change
/// between runs or builds, which `std`'s hashers do not promise).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The size of a short page (`Simulation::short_pages`): 1 to `limit`, from the seed, the
/// pool and where the page starts, so a walk is the same on every run. Never empty: an
/// empty page with a token could only move on by skipping users. UNVERIFIED: how Cognito
/// chooses its page sizes (seen: 7 of Limit 20, 20 of Limit 50).
fn short_page_size(seed: u64, pool_id: &str, start: Option<&str>, limit: usize) -> usize {
    let mut h = Fnv::default();
    h.add(&seed.to_le_bytes());
    h.add(pool_id.as_bytes());
    h.add(&[0]);
    h.add(start.unwrap_or("").as_bytes());
    1 + (h.0 % limit.max(1) as u64) as usize
}

pub fn list(shared: &Shared, v: Value, ctx: RequestContext<'_>) -> Result<Reply, CognitoError> {
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
        let scope = users_token_scope(
            &pool_id,
            req.filter.as_deref(),
            req.attributes_to_get.as_deref(),
        );
        let token = req.pagination_token.as_deref();
        let mut it = token::resume(&p.data().users, Kind::Users, &scope, token)
            .map_err(|_| CognitoError::paging_marker_invalid(token.unwrap_or(""), ctx.request_id))?
            .filter(|(_, u)| matches(&filter, u));
        let limit = match ctx.short_pages {
            Some(seed) => {
                let start = token.and_then(|t| token::decode(Kind::Users, &scope, t).ok());
                short_page_size(seed, &pool_id, start.as_deref(), limit)
            }
            None => limit,
        };
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
        #[derive(serde::Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Page<'a> {
            users: Vec<UserWire<'a>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pagination_token: Option<String>,
        }
        let out = Page {
            users: page.iter().map(|(_, u)| UserWire::of(u, wanted)).collect(),
            pagination_token: (page.last())
                .filter(|_| more)
                .map(|(last, _)| token::encode(Kind::Users, &scope, last)),
        };
        Ok(Reply::ReadText(
            serde_json::to_string(&out).unwrap_or_else(|_| "{}".into()),
        ))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetInput {
    user_pool_id: Option<String>,
    username: Option<String>,
}

/// AdminGetUser: by username, or by the `sub` of a user (spec §1.5).
pub fn get(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: GetInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let u = p
            .user(&username)
            .or_else(|| p.user_by_sub(&username))
            .ok_or_else(CognitoError::user_not_found)?;
        Ok(Reply::Read(user_json(u, "UserAttributes", None)))
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
pub fn create(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: CreateInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
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
            Ok(Reply::Read(
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
    Ok(Reply::Write(body, version))
}
