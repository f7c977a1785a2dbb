//! coglink: a terminal console for Amazon Cognito user pools that makes account linking safe.

pub mod domain;
pub mod local;
