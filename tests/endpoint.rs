//! Integration tests of the local Cognito endpoint (`coglink::local`), started in-process on
//! 127.0.0.1:0 and driven by the real `aws_sdk_cognitoidentityprovider::Client` (and raw
//! HTTP for what the SDK cannot send).

#[path = "endpoint/admin_users.rs"]
mod admin_users;
#[path = "endpoint/engine.rs"]
mod engine;
#[path = "endpoint/fuzz.rs"]
mod fuzz;
#[path = "endpoint/groups.rs"]
mod groups;
#[path = "endpoint/helpers.rs"]
mod helpers;
#[path = "endpoint/kill.rs"]
mod kill;
#[path = "endpoint/linking.rs"]
mod linking;
#[path = "endpoint/listing.rs"]
mod listing;
#[path = "endpoint/persistence.rs"]
mod persistence;
#[path = "endpoint/pools.rs"]
mod pools;
#[path = "endpoint/scale.rs"]
mod scale;
#[path = "support/serve.rs"]
mod serve;
#[path = "endpoint/simulation.rs"]
mod simulation;
#[path = "endpoint/wire.rs"]
mod wire;
