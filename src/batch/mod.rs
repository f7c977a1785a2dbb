//! `coglink batch FILE`: many links from a CSV or JSON-lines file, planned first, sent at the
//! quota rate, resumable after an interruption.

pub mod holders;
pub mod plan;
pub mod progress;
pub mod rows;
pub mod run;
