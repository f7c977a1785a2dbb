//! Local choices where Cognito's behaviour is not documented (every one UNVERIFIED), and the
//! documented limits the endpoint enforces, so each can be corrected in one place.

/// ListUsers page size when `Limit` is omitted or 0. UNVERIFIED: older reports see 60
/// (boto/boto3#3432, qwigo/warrant#120), a 2025 report sees 25 (aws/aws-sdk-js-v3#7013,
/// spec §1.4). 60 is chosen: the majority of reports, and the model maximum.
pub const LIST_USERS_DEFAULT_LIMIT: usize = 60;

/// ListIdentityProviders page size when `MaxResults` is omitted or 0. UNVERIFIED; the model
/// maximum (spec §1.8).
pub const LIST_PROVIDERS_DEFAULT_LIMIT: usize = 60;

/// Largest request body the local endpoint reads (a local choice, not Cognito's).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Account id used in ARNs of local pools.
pub const LOCAL_ACCOUNT_ID: &str = "000000000000";

/// ListGroups, AdminListGroupsForUser and ListUsersInGroup page size when `Limit` is omitted
/// or 0. UNVERIFIED: the model allows 0..60 (`QueryLimitType`) and documents no default; the
/// model maximum, as for ListUsers.
pub const LIST_GROUPS_DEFAULT_LIMIT: usize = 60;

/// Groups per user pool: the documented resource quota (adjustable; the local endpoint does
/// not adjust it). Its error text is UNVERIFIED (`CognitoError::group_limit_exceeded`).
pub const MAX_GROUPS_PER_POOL: usize = 10_000;

/// Groups one user can be a member of: the documented resource quota (not adjustable). Its
/// error type and text are UNVERIFIED (`CognitoError::user_group_limit_exceeded`).
pub const MAX_GROUPS_PER_USER: usize = 100;

/// Contact attributes and the flag that says they are verified. UNVERIFIED:
/// AdminUpdateUserAttributes giving one of them a new value, without its flag in the same
/// request, sets the flag to `false` (what a pool without auto-verification most plausibly
/// does; the model only says the flag may be set `true` in the request to skip verification).
/// The new value is stored at once (the model says a pool that requires verification keeps
/// the old value until it is verified; local pools do not require it).
pub const VERIFIED_FLAGS: [(&str, &str); 2] = [
    ("email", "email_verified"),
    ("phone_number", "phone_number_verified"),
];

// UNVERIFIED: further choices of the user and group operations (`ops/admin_users.rs`,
// `ops/groups.rs`) that no public source confirms, kept here so they can be corrected in one
// place (their error texts are in `src/domain/cognito_error.rs`):
// - AdminDeleteUser of a user that other identities are linked to (the destination of
//   AdminLinkProviderForUser) deletes those links with it: the identities are free again, so a
//   later federated sign-in would create a new user, and they can be linked to another user.
//   The user also leaves every group.
// - AdminUpdateUserAttributes and AdminDeleteUserAttributes refuse `sub` and `identities`
//   (`identities` changes only through linking). Custom attributes (`custom:...`) are
//   accepted without a schema: local pools do not model custom attributes, while Cognito
//   refuses one the pool did not define. Other names must be standard attributes
//   (`STANDARD_ATTRIBUTES`).
// - AdminDeleteUserAttributes ignores names the user does not have, and names outside the
//   schema (DeleteUserAttributes answers 200 for those, aws-amplify/amplify-js#12128).
// - AdminDisableUser / AdminEnableUser / attribute changes update UserLastModifiedDate; group
//   membership changes do not change the group's LastModifiedDate.
// - Check order: pool, then (group operations) the group, then the user; AdminUpdateUserAttributes
//   checks names against the schema, then mutability, then null values.
// - AdminRemoveUserFromGroup of a user who is not a member succeeds (as adding twice does).
// - Group names are compared exactly (case-sensitive), and listed in name order; members are
//   listed in username-key order.

/// Standard attributes of every Cognito user pool (OIDC standard claims plus Cognito's own);
/// AdminUpdateUserAttributes refuses other names unless they are `custom:` ones.
pub const STANDARD_ATTRIBUTES: [&str; 21] = [
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "identities",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "sub",
    "updated_at",
    "website",
    "zoneinfo",
];
