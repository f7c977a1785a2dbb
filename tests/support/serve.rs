//! `coglink local serve` as a child process, for tests that kill and restart the endpoint.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts `coglink local serve --port PORT --state STATE EXTRA...` (port 0: any free port)
/// with its own XDG state directory `xdg`; returns the child and its endpoint URL, read from
/// the first line it prints.
pub fn serve(state: &Path, port: u16, xdg: &Path, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_coglink"))
        .args([
            "local",
            "serve",
            "--port",
            &port.to_string(),
            "--short-pages",
            "7",
            "--state",
        ])
        .arg(state)
        .args(extra)
        .env("XDG_STATE_HOME", xdg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("coglink runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut first)
        .expect("the endpoint prints its URL");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no endpoint URL in {first:?}"))
        .to_owned();
    (child, url)
}
