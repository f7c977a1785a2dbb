//! Argument types: what the command line (and `--cli-input-json`) can say. Parsed by
//! `dispatch`; read by the commands and the UI. Imports nothing above `aws` and `local`.

pub mod args;
pub mod sim_args;
