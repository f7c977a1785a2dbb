//! ListUserPools, DescribeUserPool, CreateUserPool (spec §1.6, §1.7).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::page_size;
use super::{Checks, Reply, input, pool};
use crate::domain::CognitoError;
use crate::local::LOCAL_REGION;
use crate::local::ids::{now_ms, user_pool_id, wire_time};
use crate::local::limits::LOCAL_ACCOUNT_ID;
use crate::local::persist::Shared;
use crate::local::store::{Pool, PoolData};
use crate::local::token::{self, Kind};

/// `UserPoolNameType` pattern.
const POOL_NAME_PATTERN: &str = r"[\w\s+=,.@-]+";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    max_results: Option<i64>,
    next_token: Option<String>,
}

pub fn list(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: ListInput = input(v)?;
    let mut c = Checks::default();
    // MaxResults is required, 1..60 (spec §1.6).
    c.required(&req.max_results, "maxResults");
    c.range("maxResults", req.max_results, 1, 60);
    c.page_token("nextToken", &req.next_token);
    c.done()?;
    let after = req
        .next_token
        .as_deref()
        .map(|t| token::decode(Kind::Pools, "", t))
        .transpose()?;
    let limit = page_size(req.max_results, 60);
    Ok(Reply::Read(shared.read(|s| {
        let mut it = s.pools_after(after.as_deref()).peekable();
        let page: Vec<&Pool> = it.by_ref().take(limit).collect();
        let mut out = json!({
            "UserPools": page.iter().map(|p| {
                let d = p.data();
                json!({
                    "Id": d.id,
                    "Name": d.name,
                    "LambdaConfig": {},
                    "LastModifiedDate": wire_time(d.modified_ms),
                    "CreationDate": wire_time(d.created_ms),
                })
            }).collect::<Vec<_>>(),
        });
        if let (Some(last), Some(_)) = (page.last(), it.peek()) {
            out["NextToken"] = json!(token::encode(Kind::Pools, "", &last.data().id));
        }
        out
    })))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeInput {
    user_pool_id: Option<String>,
}

pub fn describe(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: DescribeInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.done()?;
    let id = req.user_pool_id.unwrap_or_default();
    shared.read(|s| {
        let p = pool(s, &id)?;
        Ok(Reply::Read(json!({ "UserPool": pool_json(p.data()) })))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UsernameConfiguration {
    case_sensitive: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    pool_name: Option<String>,
    username_configuration: Option<UsernameConfiguration>,
}

pub fn create(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: CreateInput = input(v)?;
    let mut c = Checks::default();
    c.required(&req.pool_name, "poolName");
    c.string("poolName", &req.pool_name, 1, 128, Some(POOL_NAME_PATTERN));
    if let Some(u) = &req.username_configuration {
        c.required(&u.case_sensitive, "usernameConfiguration.caseSensitive");
    }
    c.done()?;
    let now = now_ms();
    let (body, version) = shared.write(|s| {
        // Retry on the (astronomically unlikely) collision of 9 random alphanumerics.
        let id = std::iter::repeat_with(|| user_pool_id(LOCAL_REGION))
            .find(|id| s.pool(id).is_none())
            .unwrap_or_default();
        let data = PoolData {
            id: id.clone(),
            name: req.pool_name.clone().unwrap_or_default(),
            created_ms: now,
            modified_ms: now,
            username_case_sensitive: req
                .username_configuration
                .as_ref()
                .and_then(|u| u.case_sensitive)
                .unwrap_or(false),
            users: BTreeMap::new(),
            providers: BTreeMap::new(),
            groups: BTreeMap::new(),
        };
        let body = json!({ "UserPool": pool_json(&data) });
        s.insert_pool(Pool::new(data).map_err(|_| CognitoError::internal())?);
        Ok(body)
    })?;
    Ok(Reply::Write(body, version))
}

/// `UserPoolType`, with the fields an admin console needs (spec §1.7).
pub fn pool_json(d: &PoolData) -> Value {
    json!({
        "Id": d.id,
        "Name": d.name,
        "Arn": format!("arn:aws:cognito-idp:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:userpool/{}", d.id),
        "CreationDate": wire_time(d.created_ms),
        "LastModifiedDate": wire_time(d.modified_ms),
        "EstimatedNumberOfUsers": d.users.len(),
        "UsernameConfiguration": { "CaseSensitive": d.username_case_sensitive },
        "SchemaAttributes": schema_attributes(),
        "MfaConfiguration": "OFF",
        "DeletionProtection": "INACTIVE",
        "LambdaConfig": {},
        "UserPoolTier": "ESSENTIALS",
    })
}

/// The standard attributes of every pool, in Cognito's `SchemaAttributeType` shape.
fn schema_attributes() -> Vec<Value> {
    let string = |name: &str, mutable: bool, required: bool, min: &str| {
        json!({
            "Name": name,
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": false,
            "Mutable": mutable,
            "Required": required,
            "StringAttributeConstraints": { "MinLength": min, "MaxLength": "2048" },
        })
    };
    let boolean = |name: &str| {
        json!({
            "Name": name,
            "AttributeDataType": "Boolean",
            "DeveloperOnlyAttribute": false,
            "Mutable": true,
            "Required": false,
        })
    };
    vec![
        string("sub", false, true, "1"),
        string("name", true, false, "0"),
        string("given_name", true, false, "0"),
        string("family_name", true, false, "0"),
        string("preferred_username", true, false, "0"),
        string("email", true, false, "0"),
        boolean("email_verified"),
        string("phone_number", true, false, "0"),
        boolean("phone_number_verified"),
        json!({
            "Name": "updated_at",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": false,
            "Mutable": true,
            "Required": false,
            "NumberAttributeConstraints": { "MinValue": "0" },
        }),
        string("identities", true, false, "0"),
    ]
}
