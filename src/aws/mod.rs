//! Everything that talks to Cognito through the AWS SDK: connection set-up, conversions
//! between SDK shapes and domain types, retry policy and error classification.

pub mod connect;
pub mod convert;
pub mod failure;
pub mod listing;
pub mod listing_flow;
pub mod ops;
mod pool_reads;
pub mod rate;
pub mod retry;
mod user_writes;

pub use aws_sdk_cognitoidentityprovider::Client;
pub use connect::{ConnectOptions, Connection, Target, TargetSpec};
pub use failure::{Failure, FailureKind};
