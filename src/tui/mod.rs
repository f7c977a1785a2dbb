//! TEMPORARY placeholder on main while the TUI is built on branch `tui`.

use std::process::ExitCode;

use crate::cli::args::GlobalArgs;

pub fn run(_global: GlobalArgs, _user_pool_id: Option<String>) -> ExitCode {
    eprintln!("coglink: the terminal UI is not built on this branch yet");
    ExitCode::FAILURE
}
