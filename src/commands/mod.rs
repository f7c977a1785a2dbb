//! TEMPORARY placeholder on main while the headless commands are built on branch `cli`.

use std::process::ExitCode;

use crate::cli::args::{Command, GlobalArgs};

pub fn run(_global: GlobalArgs, _command: Command) -> ExitCode {
    eprintln!("coglink: headless commands are not built on this branch yet");
    ExitCode::FAILURE
}
