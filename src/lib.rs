//! coglink: a terminal console for Amazon Cognito user pools that makes account linking safe.

pub mod allocator;
pub mod atomic_file;
pub mod aws;
pub mod awscli;
pub mod batch;
pub mod cache;
pub mod change;
pub mod cli;
pub mod commands;
pub mod dispatch;
pub mod domain;
pub mod exit;
pub mod journal;
pub mod local;
pub mod logging;
pub mod paths;
pub mod session;
pub mod settings;
pub mod snapshot;
pub mod tui;
