//! End-to-end tests: the real `coglink` binary against the embedded local endpoint
//! (`--local --local-state <tempdir>`), with every XDG directory in the same tempdir so the
//! journal lands there.

#[path = "support/aws_shorthand.rs"]
mod aws_shorthand;
#[path = "cli/batch.rs"]
mod batch;
#[path = "support/broken_endpoint.rs"]
mod broken_endpoint;
#[path = "cli/cache.rs"]
mod cache;
#[path = "cli/common.rs"]
mod common;
#[path = "cli/diff.rs"]
mod diff;
#[path = "cli/engine.rs"]
mod engine;
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/global.rs"]
mod global;
#[path = "cli/guard.rs"]
mod guard;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "support/hostile_cognito.rs"]
mod hostile_cognito;
#[path = "cli/input.rs"]
mod input;
#[path = "support/isolate.rs"]
mod isolate;
#[path = "support/journal.rs"]
mod journal;
#[path = "cli/link.rs"]
mod link;
#[path = "cli/listing.rs"]
mod listing;
#[path = "cli/merge.rs"]
mod merge;
#[path = "cli/pools.rs"]
mod pools;
#[path = "cli/security.rs"]
mod security;
#[path = "support/serve.rs"]
mod serve;
#[path = "cli/shorthand.rs"]
mod shorthand;
#[path = "cli/sign_in.rs"]
mod sign_in;
#[path = "cli/snapshot.rs"]
mod snapshot;
#[path = "cli/unlink.rs"]
mod unlink;
#[path = "cli/users.rs"]
mod users;
#[path = "cli/v2.rs"]
mod v2;
