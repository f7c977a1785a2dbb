//! The operations the local endpoint answers, one file per group.

mod admin_users;
mod groups;
mod idps;
mod linking;
mod pools;
mod sign_in;
mod users;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ids::wire_secs;
use super::persist::Shared;
use super::store::{Pool, State, User};
use crate::domain::cognito_error::ModelValidationFailure;
use crate::domain::{
    CognitoError, Field, Rule, TOKEN_PATTERN, USERNAME_MAX, USERNAME_PATTERN, Violation,
    check_range, check_string, check_user_pool_id,
};

/// The `X-Amz-Target` namespace of coglink's own operations (not Cognito's API).
pub const LOCAL_TARGET_PREFIX: &str = "CoglinkLocal.";

/// The operations of `AWSCognitoIdentityProviderService` this endpoint implements, and
/// coglink's own (`Operation::is_local_only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    ListUserPools,
    DescribeUserPool,
    CreateUserPool,
    ListUsers,
    AdminGetUser,
    AdminCreateUser,
    ListIdentityProviders,
    DescribeIdentityProvider,
    CreateIdentityProvider,
    AdminLinkProviderForUser,
    AdminDisableProviderForUser,
    AdminDeleteUser,
    AdminUpdateUserAttributes,
    AdminDeleteUserAttributes,
    AdminDisableUser,
    AdminEnableUser,
    CreateGroup,
    GetGroup,
    ListGroups,
    DeleteGroup,
    AdminAddUserToGroup,
    AdminRemoveUserFromGroup,
    AdminListGroupsForUser,
    ListUsersInGroup,
    /// coglink-only (`CoglinkLocal.SignInFederated`): a simulated federated sign-in.
    SignInFederated,
}

impl Operation {
    pub const ALL: [Operation; 25] = [
        Operation::ListUserPools,
        Operation::DescribeUserPool,
        Operation::CreateUserPool,
        Operation::ListUsers,
        Operation::AdminGetUser,
        Operation::AdminCreateUser,
        Operation::ListIdentityProviders,
        Operation::DescribeIdentityProvider,
        Operation::CreateIdentityProvider,
        Operation::AdminLinkProviderForUser,
        Operation::AdminDisableProviderForUser,
        Operation::AdminDeleteUser,
        Operation::AdminUpdateUserAttributes,
        Operation::AdminDeleteUserAttributes,
        Operation::AdminDisableUser,
        Operation::AdminEnableUser,
        Operation::CreateGroup,
        Operation::GetGroup,
        Operation::ListGroups,
        Operation::DeleteGroup,
        Operation::AdminAddUserToGroup,
        Operation::AdminRemoveUserFromGroup,
        Operation::AdminListGroupsForUser,
        Operation::ListUsersInGroup,
        Operation::SignInFederated,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::ListUserPools => "ListUserPools",
            Operation::DescribeUserPool => "DescribeUserPool",
            Operation::CreateUserPool => "CreateUserPool",
            Operation::ListUsers => "ListUsers",
            Operation::AdminGetUser => "AdminGetUser",
            Operation::AdminCreateUser => "AdminCreateUser",
            Operation::ListIdentityProviders => "ListIdentityProviders",
            Operation::DescribeIdentityProvider => "DescribeIdentityProvider",
            Operation::CreateIdentityProvider => "CreateIdentityProvider",
            Operation::AdminLinkProviderForUser => "AdminLinkProviderForUser",
            Operation::AdminDisableProviderForUser => "AdminDisableProviderForUser",
            Operation::AdminDeleteUser => "AdminDeleteUser",
            Operation::AdminUpdateUserAttributes => "AdminUpdateUserAttributes",
            Operation::AdminDeleteUserAttributes => "AdminDeleteUserAttributes",
            Operation::AdminDisableUser => "AdminDisableUser",
            Operation::AdminEnableUser => "AdminEnableUser",
            Operation::CreateGroup => "CreateGroup",
            Operation::GetGroup => "GetGroup",
            Operation::ListGroups => "ListGroups",
            Operation::DeleteGroup => "DeleteGroup",
            Operation::AdminAddUserToGroup => "AdminAddUserToGroup",
            Operation::AdminRemoveUserFromGroup => "AdminRemoveUserFromGroup",
            Operation::AdminListGroupsForUser => "AdminListGroupsForUser",
            Operation::ListUsersInGroup => "ListUsersInGroup",
            Operation::SignInFederated => "SignInFederated",
        }
    }

    /// Not part of Cognito's API: answered only in coglink's own namespace
    /// ([`LOCAL_TARGET_PREFIX`]), on loopback.
    pub fn is_local_only(self) -> bool {
        self == Operation::SignInFederated
    }

    pub fn parse(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// A read answers at once; a change answers once its state version is durable.
pub enum Reply {
    Read(Value),
    /// A read answered with JSON text already written (ListUsers' pages: a million users'
    /// worth of `Value`s is most of the endpoint's time).
    ReadText(String),
    Write(Value, u64),
}

/// An operation's answer body.
#[derive(Debug)]
pub enum Answer {
    Value(Value),
    Text(String),
}

impl Answer {
    /// The body's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Answer::Value(v) => serde_json::to_vec(&v).unwrap_or_else(|_| b"{}".to_vec()),
            Answer::Text(t) => t.into_bytes(),
        }
    }
}

/// What an operation may need to know of the request beyond its input.
#[derive(Clone, Copy, Debug)]
pub struct RequestContext<'a> {
    /// The `x-amzn-requestid` of the answer (some messages name it).
    pub request_id: &'a str,
    /// `Simulation::short_pages`.
    pub short_pages: Option<u64>,
}

pub async fn dispatch(
    shared: &Shared,
    op: Operation,
    input: Value,
    ctx: RequestContext<'_>,
) -> Result<Answer, CognitoError> {
    let outcome = match op {
        Operation::ListUserPools => pools::list(shared, input),
        Operation::DescribeUserPool => pools::describe(shared, input),
        Operation::CreateUserPool => pools::create(shared, input),
        Operation::ListUsers => users::list(shared, input, ctx),
        Operation::AdminGetUser => users::get(shared, input),
        Operation::AdminCreateUser => users::create(shared, input),
        Operation::ListIdentityProviders => idps::list(shared, input),
        Operation::DescribeIdentityProvider => idps::describe(shared, input),
        Operation::CreateIdentityProvider => idps::create(shared, input),
        Operation::AdminLinkProviderForUser => linking::link(shared, input),
        Operation::AdminDisableProviderForUser => linking::unlink(shared, input),
        Operation::AdminDeleteUser => admin_users::delete(shared, input),
        Operation::AdminUpdateUserAttributes => admin_users::update_attributes(shared, input),
        Operation::AdminDeleteUserAttributes => admin_users::delete_attributes(shared, input),
        Operation::AdminDisableUser => admin_users::set_enabled(shared, input, false),
        Operation::AdminEnableUser => admin_users::set_enabled(shared, input, true),
        Operation::CreateGroup => groups::create(shared, input),
        Operation::GetGroup => groups::get(shared, input),
        Operation::ListGroups => groups::list(shared, input),
        Operation::DeleteGroup => groups::delete(shared, input),
        Operation::AdminAddUserToGroup => groups::add_user(shared, input),
        Operation::AdminRemoveUserFromGroup => groups::remove_user(shared, input),
        Operation::AdminListGroupsForUser => groups::list_for_user(shared, input),
        Operation::ListUsersInGroup => groups::list_users(shared, input),
        Operation::SignInFederated => sign_in::sign_in(shared, input),
    }?;
    match outcome {
        Reply::Read(v) => Ok(Answer::Value(v)),
        Reply::ReadText(t) => Ok(Answer::Text(t)),
        Reply::Write(v, version) => {
            shared.durable(version).await?;
            Ok(Answer::Value(v))
        }
    }
}

/// Deserializes an operation's input; wrong types are `SerializationException`s.
fn input<T: DeserializeOwned>(v: Value) -> Result<T, CognitoError> {
    serde_json::from_value(v).map_err(|e| CognitoError::serialization(&e.to_string()))
}

/// Model-constraint failures of one request, reported together as Cognito does
/// (`N validation errors detected: ...`, spec §1.1).
#[derive(Default)]
struct Checks(Vec<ModelValidationFailure>);

impl Checks {
    /// A violation of a domain field (its member path comes from the domain).
    fn add(&mut self, v: Option<Violation>) {
        self.0.extend(v.map(|v| v.model_failure()));
    }

    /// A violation reported at another member path (members the domain has no field for).
    fn add_at(&mut self, path: &str, v: Option<Violation>) {
        self.0.extend(v.map(|v| {
            let mut f = v.model_failure();
            f.member_path = path.to_owned();
            f
        }));
    }

    /// A required member: `Value null at '<path>' ... Member must not be null`.
    fn required<T>(&mut self, value: &Option<T>, path: &str) {
        if value.is_none() {
            self.add_at(path, Some(Violation::new(Field::UserPoolId, Rule::Missing)));
        }
    }

    /// A `UserPoolIdType` member (present, length, pattern).
    fn pool_id(&mut self, value: &Option<String>) {
        self.required(value, "userPoolId");
        if let Some(id) = value {
            self.add(check_user_pool_id(id));
        }
    }

    /// A required `UsernameType` member `username` (the user operations).
    fn username(&mut self, value: &Option<String>) {
        self.required(value, "username");
        self.string("username", value, 1, USERNAME_MAX, Some(USERNAME_PATTERN));
    }

    /// A string member: length in code points, optional anchored pattern.
    fn string(
        &mut self,
        path: &str,
        value: &Option<String>,
        min: usize,
        max: usize,
        pattern: Option<&'static str>,
    ) {
        if let Some(v) = value {
            self.add_at(path, check_string(Field::Filter, v, min, max, pattern));
        }
    }

    /// A pagination token member (`nextToken`, `paginationToken`): 1+ characters of the
    /// token pattern.
    fn page_token(&mut self, path: &str, value: &Option<String>) {
        self.string(path, value, 1, usize::MAX, Some(TOKEN_PATTERN));
    }

    /// An enum member: `Member must satisfy enum value set: [A, B]` unless `value` is one of
    /// `allowed`.
    fn one_of(&mut self, path: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.0.push(ModelValidationFailure {
                value: Some(value.to_owned()),
                member_path: path.to_owned(),
                constraint: format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            });
        }
    }

    /// An integer member's range.
    fn range(&mut self, path: &str, value: Option<i64>, min: i64, max: i64) {
        if let Some(v) = value {
            self.add_at(path, check_range(Field::Limit, v, min, max));
        }
    }

    fn done(self) -> Result<(), CognitoError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(CognitoError::validation(&self.0))
        }
    }
}

fn pool<'a>(state: &'a State, id: &str) -> Result<&'a Pool, CognitoError> {
    state
        .pool(id)
        .ok_or_else(|| CognitoError::pool_not_found(id))
}

/// The key of the user an operation names: by username, or by the `sub` of a user (spec §1.5;
/// the model says the same of every Admin* user operation).
fn user_key(pool: &Pool, username: &str) -> Result<String, CognitoError> {
    pool.user(username)
        .or_else(|| pool.user_by_sub(username))
        .map(|u| pool.key(&u.username).into_owned())
        .ok_or_else(CognitoError::user_not_found)
}

fn pool_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Pool, CognitoError> {
    state
        .pool_mut(id)
        .ok_or_else(|| CognitoError::pool_not_found(id))
}

/// A page size: `None` or 0 mean the default (UNVERIFIED, see `limits`).
fn page_size(requested: Option<i64>, default: usize) -> usize {
    match requested {
        Some(n) if n > 0 => n as usize,
        _ => default,
    }
}

/// `UserType` (ListUsers, key `Attributes`) or the AdminGetUser body (`UserAttributes`).
fn user_json(user: &User, attributes_key: &str, attributes: Option<&[String]>) -> Value {
    let wire = UserWire::of(user, attributes);
    let mut v = serde_json::to_value(&wire).unwrap_or(Value::Null);
    if let (Some(object), "UserAttributes") = (v.as_object_mut(), attributes_key)
        && let Some(attrs) = object.remove("Attributes")
    {
        object.insert("UserAttributes".into(), attrs);
    }
    v
}

/// A user as the wire carries it (`UserType`), borrowed from the store: serialized straight
/// into a ListUsers page, or into a `Value` by [`user_json`].
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct UserWire<'a> {
    username: &'a str,
    /// Epoch seconds, as Cognito sends them.
    user_create_date: f64,
    user_last_modified_date: f64,
    enabled: bool,
    user_status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Vec<AttributeWire<'a>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AttributeWire<'a> {
    name: &'a str,
    value: &'a str,
}

impl<'a> UserWire<'a> {
    /// `attributes`: only those (`AttributesToGet`; none at all when it is empty).
    fn of(user: &'a User, attributes: Option<&[String]>) -> UserWire<'a> {
        let listed = attributes.is_none_or(|names| !names.is_empty());
        UserWire {
            username: &user.username,
            user_create_date: wire_secs(user.created_ms),
            user_last_modified_date: wire_secs(user.modified_ms),
            enabled: user.enabled,
            user_status: &user.status,
            attributes: listed.then(|| {
                (user.attributes.iter())
                    .filter(|a| attributes.is_none_or(|names| names.contains(&a.name)))
                    .map(|a| AttributeWire {
                        name: &a.name,
                        value: &a.value,
                    })
                    .collect()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::parse(op.name()), Some(op));
        }
        assert_eq!(Operation::parse("DeleteUserPool"), None);
        assert_eq!(Operation::parse("listusers"), None);
    }

    #[test]
    fn checks_collect_every_failure_with_its_path() {
        let mut c = Checks::default();
        c.pool_id(&Some("bad".into()));
        c.range("limit", Some(61), 0, 60);
        c.required(&None::<String>, "poolName");
        c.string("filter", &Some("x".repeat(3)), 0, 2, None);
        let e = c.done().unwrap_err();
        assert!(e.message.starts_with("4 validation errors detected: Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60; Value null at 'poolName'"), "{}", e.message);
        assert!(Checks::default().done().is_ok());
    }

    #[test]
    fn page_size_defaults_for_missing_and_zero() {
        assert_eq!(page_size(None, 60), 60);
        assert_eq!(page_size(Some(0), 60), 60);
        assert_eq!(page_size(Some(7), 60), 7);
    }
}
