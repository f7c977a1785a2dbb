//! CreateGroup, GetGroup, ListGroups, DeleteGroup, AdminAddUserToGroup,
//! AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup. Choices no source
//! confirms are listed in `crate::local::limits` (UNVERIFIED), their error texts in
//! `crate::domain::cognito_error`.

use std::collections::BTreeSet;
use std::ops::Bound;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Checks, Reply, input, page_size, pool, pool_mut, user_json, user_key};
use crate::domain::CognitoError;
use crate::local::ids::{now_ms, wire_time};
use crate::local::limits::{LIST_GROUPS_DEFAULT_LIMIT, MAX_GROUPS_PER_POOL, MAX_GROUPS_PER_USER};
use crate::local::persist::Shared;
use crate::local::store::{Group, Pool, User};
use crate::local::token::{self, Kind};

/// `GroupNameType`.
const GROUP_NAME_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+";
const GROUP_NAME_MAX: usize = 128;
/// `DescriptionType`.
const DESCRIPTION_MAX: usize = 2048;
/// `ArnType`.
const ARN_PATTERN: &str = r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?";
/// `QueryLimitType`: 0..60 (0 = the default page size).
const LIMIT_MAX: i64 = 60;

fn group_name(c: &mut Checks, value: &Option<String>) {
    c.required(value, "groupName");
    c.string(
        "groupName",
        value,
        1,
        GROUP_NAME_MAX,
        Some(GROUP_NAME_PATTERN),
    );
}

fn group<'a>(p: &'a Pool, name: &str) -> Result<&'a Group, CognitoError> {
    p.data()
        .groups
        .get(name)
        .ok_or_else(CognitoError::group_not_found)
}

/// `GroupType`; absent optional members are left out, as Cognito does.
fn group_json(pool_id: &str, g: &Group) -> Value {
    let mut v = json!({
        "GroupName": g.name,
        "UserPoolId": pool_id,
        "LastModifiedDate": wire_time(g.modified_ms),
        "CreationDate": wire_time(g.created_ms),
    });
    if let Some(d) = &g.description {
        v["Description"] = json!(d);
    }
    if let Some(r) = &g.role_arn {
        v["RoleArn"] = json!(r);
    }
    if let Some(p) = g.precedence {
        v["Precedence"] = json!(p);
    }
    v
}

/// A page of `items` and whether more follow.
fn page<T>(mut items: impl Iterator<Item = T>, limit: usize) -> (Vec<T>, bool) {
    let page: Vec<T> = items.by_ref().take(limit).collect();
    let more = items.next().is_some();
    (page, more)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    group_name: Option<String>,
    user_pool_id: Option<String>,
    description: Option<String>,
    role_arn: Option<String>,
    precedence: Option<i64>,
}

pub fn create(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: CreateInput = input(v)?;
    let mut c = Checks::default();
    group_name(&mut c, &req.group_name);
    c.pool_id(&req.user_pool_id);
    c.string("description", &req.description, 0, DESCRIPTION_MAX, None);
    c.string("roleArn", &req.role_arn, 20, 2048, Some(ARN_PATTERN));
    // The model gives only the minimum; the documented maximum is 2^31-1.
    c.range("precedence", req.precedence, 0, i64::from(i32::MAX));
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let name = req.group_name.unwrap_or_default();
    let now = now_ms();
    let g = Group {
        name: name.clone(),
        description: req.description,
        precedence: req.precedence,
        role_arn: req.role_arn,
        created_ms: now,
        modified_ms: now,
        members: BTreeSet::new(),
    };
    let (body, version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let groups = &p.data().groups;
        if groups.contains_key(&name) {
            return Err(CognitoError::group_exists(&name));
        }
        if groups.len() >= MAX_GROUPS_PER_POOL {
            return Err(CognitoError::group_limit_exceeded(MAX_GROUPS_PER_POOL));
        }
        let body = json!({ "Group": group_json(&pool_id, &g) });
        p.data_mut().groups.insert(name.clone(), g);
        Ok(body)
    })?;
    Ok(Reply::Write(body, version))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupInput {
    group_name: Option<String>,
    user_pool_id: Option<String>,
}

fn group_input(v: Value) -> Result<(String, String), CognitoError> {
    let req: GroupInput = input(v)?;
    let mut c = Checks::default();
    group_name(&mut c, &req.group_name);
    c.pool_id(&req.user_pool_id);
    c.done()?;
    Ok((
        req.user_pool_id.unwrap_or_default(),
        req.group_name.unwrap_or_default(),
    ))
}

pub fn get(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let (pool_id, name) = group_input(v)?;
    shared.read(|s| {
        let g = group(pool(s, &pool_id)?, &name)?;
        Ok(Reply::Read(json!({ "Group": group_json(&pool_id, g) })))
    })
}

/// DeleteGroup: the memberships go with the group.
pub fn delete(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let (pool_id, name) = group_input(v)?;
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        group(p, &name)?;
        p.data_mut().groups.remove(&name);
        Ok(())
    })?;
    Ok(Reply::Write(json!({}), version))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    user_pool_id: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// ListGroups, in group-name order.
pub fn list(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: ListInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.range("limit", req.limit, 0, LIMIT_MAX);
    c.page_token("nextToken", &req.next_token);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let limit = page_size(req.limit, LIST_GROUPS_DEFAULT_LIMIT);
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let groups = token::resume(
            &p.data().groups,
            Kind::Groups,
            &pool_id,
            req.next_token.as_deref(),
        )?
        .map(|(_, g)| g);
        let (page, more) = page(groups, limit);
        let mut out = json!({
            "Groups": page.iter().map(|g| group_json(&pool_id, g)).collect::<Vec<_>>(),
        });
        if let (true, Some(last)) = (more, page.last()) {
            out["NextToken"] = json!(token::encode(Kind::Groups, &pool_id, &last.name));
        }
        Ok(Reply::Read(out))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MembershipInput {
    user_pool_id: Option<String>,
    username: Option<String>,
    group_name: Option<String>,
}

/// (pool id, username, group name) of AdminAddUserToGroup / AdminRemoveUserFromGroup.
fn membership_input(v: Value) -> Result<(String, String, String), CognitoError> {
    let req: MembershipInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    c.username(&req.username);
    group_name(&mut c, &req.group_name);
    c.done()?;
    Ok((
        req.user_pool_id.unwrap_or_default(),
        req.username.unwrap_or_default(),
        req.group_name.unwrap_or_default(),
    ))
}

/// AdminAddUserToGroup; adding a member again changes nothing and succeeds.
pub fn add_user(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let (pool_id, username, name) = membership_input(v)?;
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        let g = group(p, &name)?;
        let key = user_key(p, &username)?;
        if g.members.contains(&key) {
            return Ok(());
        }
        let memberships = p
            .data()
            .groups
            .values()
            .filter(|g| g.members.contains(&key))
            .count();
        if memberships >= MAX_GROUPS_PER_USER {
            return Err(CognitoError::user_group_limit_exceeded(MAX_GROUPS_PER_USER));
        }
        if let Some(g) = p.data_mut().groups.get_mut(&name) {
            g.members.insert(key);
        }
        Ok(())
    })?;
    Ok(Reply::Write(json!({}), version))
}

/// AdminRemoveUserFromGroup; removing a user who is not a member succeeds (UNVERIFIED).
pub fn remove_user(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let (pool_id, username, name) = membership_input(v)?;
    let ((), version) = shared.write(|s| {
        let p = pool_mut(s, &pool_id)?;
        group(p, &name)?;
        let key = user_key(p, &username)?;
        if let Some(g) = p.data_mut().groups.get_mut(&name) {
            g.members.remove(&key);
        }
        Ok(())
    })?;
    Ok(Reply::Write(json!({}), version))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListForUserInput {
    username: Option<String>,
    user_pool_id: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// AdminListGroupsForUser, in group-name order. The token is bound to the pool and the user.
pub fn list_for_user(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: ListForUserInput = input(v)?;
    let mut c = Checks::default();
    c.username(&req.username);
    c.pool_id(&req.user_pool_id);
    c.range("limit", req.limit, 0, LIMIT_MAX);
    c.page_token("nextToken", &req.next_token);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let username = req.username.unwrap_or_default();
    let limit = page_size(req.limit, LIST_GROUPS_DEFAULT_LIMIT);
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let key = user_key(p, &username)?;
        // Pool ids have no '/', so the scope is unambiguous.
        let scope = format!("{pool_id}/{key}");
        let groups = token::resume(
            &p.data().groups,
            Kind::UserGroups,
            &scope,
            req.next_token.as_deref(),
        )?
        .map(|(_, g)| g)
        .filter(|g| g.members.contains(&key));
        let (page, more) = page(groups, limit);
        let mut out = json!({
            "Groups": page.iter().map(|g| group_json(&pool_id, g)).collect::<Vec<_>>(),
        });
        if let (true, Some(last)) = (more, page.last()) {
            out["NextToken"] = json!(token::encode(Kind::UserGroups, &scope, &last.name));
        }
        Ok(Reply::Read(out))
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListUsersInput {
    user_pool_id: Option<String>,
    group_name: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// ListUsersInGroup: `UserType`s as ListUsers returns them, in username-key order. The
/// token is bound to the pool and the group.
pub fn list_users(shared: &Shared, v: Value) -> Result<Reply, CognitoError> {
    let req: ListUsersInput = input(v)?;
    let mut c = Checks::default();
    c.pool_id(&req.user_pool_id);
    group_name(&mut c, &req.group_name);
    c.range("limit", req.limit, 0, LIMIT_MAX);
    c.page_token("nextToken", &req.next_token);
    c.done()?;
    let pool_id = req.user_pool_id.unwrap_or_default();
    let name = req.group_name.unwrap_or_default();
    let limit = page_size(req.limit, LIST_GROUPS_DEFAULT_LIMIT);
    shared.read(|s| {
        let p = pool(s, &pool_id)?;
        let g = group(p, &name)?;
        let scope = format!("{pool_id}/{name}");
        let start = match req.next_token.as_deref() {
            Some(t) => Bound::Excluded(token::decode(Kind::GroupMembers, &scope, t)?),
            None => Bound::Unbounded,
        };
        let members = g
            .members
            .range::<String, _>((start, Bound::Unbounded))
            .filter_map(|k| p.user_by_key(k).map(|u| (k, u)));
        let (page, more): (Vec<(&String, &User)>, bool) = page(members, limit);
        let mut out = json!({
            "Users": page.iter().map(|(_, u)| user_json(u, "Attributes", None)).collect::<Vec<_>>(),
        });
        if let (true, Some((last, _))) = (more, page.last()) {
            out["NextToken"] = json!(token::encode(Kind::GroupMembers, &scope, last));
        }
        Ok(Reply::Read(out))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorKind;
    use crate::local::store::{PoolData, State};

    fn shared_with_groups(n: usize) -> Shared {
        let mut groups = std::collections::BTreeMap::new();
        for i in 0..n {
            let name = format!("g{i:05}");
            groups.insert(
                name.clone(),
                Group {
                    name,
                    description: None,
                    precedence: None,
                    role_arn: None,
                    created_ms: 0,
                    modified_ms: 0,
                    members: BTreeSet::new(),
                },
            );
        }
        let mut s = State::default();
        s.insert_pool(
            Pool::new(PoolData {
                id: "us-east-1_G".into(),
                name: "g".into(),
                created_ms: 0,
                modified_ms: 0,
                username_case_sensitive: false,
                users: Default::default(),
                providers: Default::default(),
                groups,
            })
            .unwrap(),
        );
        Shared::new(s, None)
    }

    #[test]
    fn a_pool_holds_at_most_the_documented_number_of_groups() {
        let shared = shared_with_groups(MAX_GROUPS_PER_POOL);
        let req = json!({"UserPoolId": "us-east-1_G", "GroupName": "one-more"});
        let Err(e) = create(&shared, req) else {
            panic!("created beyond the quota")
        };
        assert_eq!(e.kind, ErrorKind::LimitExceeded);
        let shared = shared_with_groups(MAX_GROUPS_PER_POOL - 1);
        let req = json!({"UserPoolId": "us-east-1_G", "GroupName": "one-more"});
        assert!(create(&shared, req).is_ok());
    }

    #[test]
    fn a_user_belongs_to_at_most_the_documented_number_of_groups() {
        let shared = shared_with_groups(MAX_GROUPS_PER_USER + 1);
        let user = json!({"UserPoolId": "us-east-1_G", "Username": "u"});
        assert!(super::super::users::create(&shared, user).is_ok());
        let add = |i: usize| {
            add_user(
                &shared,
                json!({"UserPoolId": "us-east-1_G", "Username": "u", "GroupName": format!("g{i:05}")}),
            )
        };
        for i in 0..MAX_GROUPS_PER_USER {
            assert!(add(i).is_ok(), "group {i}");
        }
        // Adding again is still fine; a new group is not.
        assert!(add(0).is_ok());
        let Err(e) = add(MAX_GROUPS_PER_USER) else {
            panic!("joined beyond the quota")
        };
        assert_eq!(e.kind, ErrorKind::InvalidParameter);
    }
}
