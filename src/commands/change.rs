//! What `link` and `unlink` share: local refusals, read-only refusals, and recording
//! outcomes in the journal (skeletons and the equivalent `aws` command: `awscli::command`).

use serde::Serialize;

use super::CmdError;
use crate::aws::Target;
use crate::awscli::input::OpSpec;
use crate::awscli::output::json_terminal_safe;
use crate::domain::sanitize::sanitize;
use crate::domain::{UserRecord, Violation, cognito_error_for};
use crate::journal::{Change, Counts, Journal, JournalEntry, Outcome};

use super::EXIT_JOURNAL;

/// Bad input found before anything is sent: every violation, one per line.
pub fn invalid(violations: &[Violation]) -> CmdError {
    let lines: Vec<String> = violations
        .iter()
        .map(|v| sanitize(&v.to_string()).into_owned())
        .collect();
    CmdError::bad_input(format!("invalid request:\n  {}", lines.join("\n  ")))
}

/// A change Cognito would reject, refused before sending.
pub fn refused_locally(operation: &str, violations: &[Violation], pool_id: &str) -> CmdError {
    let mut message = format!(
        "coglink: refused locally, nothing was sent: Cognito would reject this {operation} call:"
    );
    for v in violations {
        message.push_str("\n  ");
        message.push_str(&sanitize(&v.to_string()));
    }
    if let Some(e) = cognito_error_for(violations, pool_id) {
        message.push_str(&format!(
            "\nCognito's answer would be: {}: {}",
            e.kind.type_name(),
            sanitize(&e.message)
        ));
    }
    CmdError::rejected(message)
}

/// The `--read-only` refusal.
pub fn read_only_refusal(verb: &str, operation: &str) -> CmdError {
    CmdError::bad_input(format!(
        "--read-only is set: refusing to {verb} ({operation}); nothing was sent. \
         Drop --read-only to make changes, or add --dry-run to review this one."
    ))
}

/// One line about a user: `"diego" (CONFIRMED, enabled): 2/5 linked identities`.
pub fn describe_user(user: &UserRecord) -> String {
    format!(
        "\"{}\" ({}, {}): {}/{} linked identities",
        sanitize(&user.username),
        sanitize(&user.status),
        if user.enabled { "enabled" } else { "disabled" },
        user.link_count(),
        crate::domain::MAX_LINKED_IDENTITIES
    )
}

/// Reads of the user after a change with no clear answer, before its outcome is reported as
/// unresolved (each read has the SDK's own retries too).
pub const READ_BACK_ATTEMPTS: u32 = 4;

/// The wait before read-back attempt `attempt + 1`.
pub async fn read_back_pause(attempt: u32) {
    tokio::time::sleep(std::time::Duration::from_millis(
        100 * u64::from(attempt + 1),
    ))
    .await;
}

/// Checks the journal can be written before a change is made.
pub fn journal_preflight(journal: &Journal) -> Result<(), CmdError> {
    journal.check_writable().map_err(|e| CmdError {
        code: EXIT_JOURNAL,
        message: format!(
            "coglink: error: refusing to make a change that could not be recorded: {e}"
        ),
    })
}

/// What the caller knows after a change, to put in the journal.
pub struct Attempt<'a, T: Serialize> {
    pub spec: &'a OpSpec,
    pub target: &'a Target,
    pub pool_id: &'a str,
    pub request: &'a T,
    pub user: Option<&'a str>,
    pub counts: Option<Counts>,
}

/// Appends the entry. A failure is an error of its own (exit 3) that carries the entry, so
/// the record is on the terminal even when it could not reach the file.
pub fn record<T: Serialize>(
    journal: &Journal,
    attempt: &Attempt<'_, T>,
    outcome: Outcome,
) -> Result<(), CmdError> {
    let change = Change {
        operation: attempt.spec.operation.into(),
        pool_id: attempt.pool_id.to_owned(),
        request: serde_json::to_value(attempt.request).unwrap_or_default(),
        outcome,
        user: attempt.user.map(str::to_owned),
        counts: attempt.counts,
    };
    let entry = JournalEntry::now("cli", attempt.target, change);
    journal.record(&entry).map_err(|e| CmdError {
        code: EXIT_JOURNAL,
        message: format!(
            "coglink: error: {e}\nThe entry that could not be recorded:\n{}",
            json_terminal_safe(&serde_json::to_string(&entry).unwrap_or_default())
        ),
    })
}

/// Combines the result of the change with the result of recording it: a journal failure
/// wins (it must never go unnoticed), and its message also tells what happened to the change.
pub fn finish(
    change: Result<(), CmdError>,
    recorded: Result<(), CmdError>,
) -> Result<(), CmdError> {
    match (change, recorded) {
        (change, Ok(())) => change,
        (Ok(()), Err(j)) => Err(j),
        (Err(c), Err(j)) => Err(CmdError {
            code: j.code,
            message: format!("{}\n{}", c.message, j.message),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Field, Role, Rule};

    #[test]
    fn local_refusals_name_field_rule_and_cognitos_answer() {
        let v = [Violation::new(
            Field::Identifier(Role::Destination),
            Rule::LinkLimitReached { count: 5 },
        )];
        let e = refused_locally("AdminLinkProviderForUser", &v, "p_1");
        assert_eq!(e.code, 1);
        assert!(
            e.message.contains("refused locally, nothing was sent"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("DestinationUser: the destination already has 5/5"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("LimitExceededException"),
            "{}",
            e.message
        );
    }

    #[test]
    fn journal_failures_win_and_keep_the_change_message() {
        let j = CmdError {
            code: EXIT_JOURNAL,
            message: "journal".into(),
        };
        assert_eq!(finish(Ok(()), Err(j.clone())), Err(j.clone()));
        let c = CmdError::rejected("rejected");
        let both = finish(Err(c.clone()), Err(j)).unwrap_err();
        assert_eq!(both.code, EXIT_JOURNAL);
        assert_eq!(both.message, "rejected\njournal");
        assert_eq!(finish(Err(c.clone()), Ok(())), Err(c));
    }
}
