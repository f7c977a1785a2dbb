//! The headless commands: `link`, `unlink`, `users`, `pools`, `batch`, `duplicates`, `merge`,
//! `snapshot`, `diff`, `cache` (exit codes: `exit`).

pub mod batch;
mod batch_holders;
pub mod cache;
pub mod diff;
pub mod duplicates;
pub mod guard;
pub mod link;
pub mod link_unlink;
pub mod merge;
pub mod output;
pub mod pools;
pub mod snapshot;
pub mod unlink;
pub mod users;

use std::process::ExitCode;

use crate::aws::Failure;
use crate::aws::ops::Ops;
use crate::cli::args::{Command, GlobalArgs};
use crate::exit::{EXIT_BAD_INPUT, EXIT_REJECTED};
use crate::session::Session;

pub use crate::exit::EXIT_JOURNAL;

/// Why a command stopped: the exit code and what to print on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CmdError {
    pub code: u8,
    pub message: String,
}

impl CmdError {
    pub fn bad_input(message: impl std::fmt::Display) -> Self {
        CmdError {
            code: EXIT_BAD_INPUT,
            message: format!("coglink: error: {message}"),
        }
    }

    pub fn rejected(message: impl Into<String>) -> Self {
        CmdError {
            code: EXIT_REJECTED,
            message: message.into(),
        }
    }

    /// A failed call, worded like the AWS CLI when Cognito answered with an error code,
    /// followed by coglink's hint.
    pub fn failure(operation: &str, f: &Failure) -> Self {
        Self::failed(&format!("when calling the {operation} operation"), f)
    }

    /// A failure of one of several calls: `context` says what was being done
    /// (`while reading the pool before AdminLinkProviderForUser`).
    pub fn failure_while(context: &str, f: &Failure) -> Self {
        Self::failed(&format!("while {context}"), f)
    }

    fn failed(when: &str, f: &Failure) -> Self {
        let mut message = match &f.code {
            Some(code) => format!("An error occurred ({code}) {when}: {}", f.message),
            None => format!("coglink: an error occurred {when}: {}", f.message),
        };
        if let Some(hint) = &f.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        CmdError::rejected(message)
    }
}

/// Runs a headless command to its exit code.
pub fn run(mut global: GlobalArgs, command: Command) -> ExitCode {
    restore_sigpipe();
    global.profile_settings = match crate::session::profile_settings(&global.target_spec()) {
        Ok(profile) => profile,
        Err(message) => {
            eprintln!("coglink: {message}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("coglink: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match command {
            Command::Link(args) => link::run(&global, args).await,
            Command::Unlink(args) => unlink::run(&global, args).await,
            Command::Users(args) => users::run(&global, args).await,
            Command::Pools(args) => pools::run(&global, args).await,
            Command::Batch(args) => batch::run(&global, args).await,
            Command::Duplicates(args) => duplicates::run(&global, args).await,
            Command::Merge(args) => merge::run(&global, args).await,
            Command::Snapshot(args) => snapshot::run(&global, args).await,
            Command::Diff(args) => diff::run(&global, args).await,
            Command::Local(_) | Command::Cache(_) => {
                unreachable!("`local` and `cache` are dispatched by dispatch::main")
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.message.is_empty() {
                eprintln!("{}", e.message);
            }
            ExitCode::from(e.code)
        }
    }
}

/// Output piped into a reader that stops early (`coglink link ... | head`) ends the command
/// quietly, as with any Unix tool, instead of a panic of `println!` on a broken pipe. Rust
/// ignores SIGPIPE by default; the default action is restored for the headless commands only
/// (sockets are written with MSG_NOSIGNAL, so the embedded endpoint is unaffected).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to its default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Opens the connection (starting the embedded endpoint for `--local`).
pub async fn open_session(global: &GlobalArgs) -> Result<(Session, Ops), CmdError> {
    let session = Session::open(&global.target_spec(), global.read_only)
        .await
        .map_err(|e| {
            CmdError::rejected(format!("coglink: cannot start the local endpoint: {e}"))
        })?;
    let ops = Ops::new(
        session.connection.client.clone(),
        session.connection.target.clone(),
    );
    Ok((session, ops))
}

/// Runs `body` with a session and closes the session whatever the result.
pub async fn with_session<T, F>(global: &GlobalArgs, body: F) -> Result<T, CmdError>
where
    F: AsyncFnOnce(&Session, &Ops) -> Result<T, CmdError>,
{
    let (session, ops) = open_session(global).await?;
    let result = body(&session, &ops).await;
    session.close().await;
    result
}

/// Maps an output write error: a closed pipe (`| head`) ends the command quietly.
pub fn write_result(r: std::io::Result<()>) -> Result<(), CmdError> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CmdError::rejected(format!(
            "coglink: cannot write output: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::FailureKind;
    use crate::domain::ErrorKind;

    #[test]
    fn failures_read_like_the_aws_cli() {
        let f = Failure {
            kind: FailureKind::Service(ErrorKind::LimitExceeded),
            code: Some("LimitExceededException".into()),
            message: "Too many".into(),
            hint: None,
        };
        let e = CmdError::failure("AdminLinkProviderForUser", &f);
        assert_eq!(e.code, 1);
        assert_eq!(
            e.message,
            "An error occurred (LimitExceededException) when calling the AdminLinkProviderForUser operation: Too many"
        );
        let f = Failure {
            kind: FailureKind::Network,
            code: None,
            message: "refused".into(),
            hint: Some("is it running?".into()),
        };
        let e = CmdError::failure("ListUsers", &f);
        assert_eq!(
            e.message,
            "coglink: an error occurred when calling the ListUsers operation: refused\nhint: is it running?"
        );
        assert_eq!(CmdError::bad_input("x: y").code, 2);
        assert!(
            CmdError::failure_while("reading the pool", &f)
                .message
                .starts_with("coglink: an error occurred while reading the pool: refused")
        );
    }
}
