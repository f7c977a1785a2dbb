//! Local choices where Cognito's behaviour is not documented. Every one is UNVERIFIED and
//! lives here, so it can be corrected in one place.

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
