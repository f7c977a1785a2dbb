//! What `link` and `unlink` share: local refusals, read-only refusals, and making the change
//! through the engine (skeletons and the equivalent `aws` command: `awscli::command`).

use super::CmdError;
use crate::awscli::command::{skeleton, yaml_skeleton};
use crate::awscli::input::{CliInput, OpSpec};
use crate::awscli::output::{json_terminal_safe, shell_quote};
use crate::change::{Engine, Planned, Policy, Quiet, RunError, Settled, Verdict, recover};
use crate::cli::args::{RequestArgs, SkeletonKind};
use crate::domain::cognito_error_for;
use crate::domain::sanitize::sanitize;
use crate::domain::{UserRecord, Violation};
use crate::journal::{Journal, Outcome};

use super::EXIT_JOURNAL;

/// `--generate-cli-skeleton input` or `yaml-input`: prints the skeleton and says so.
pub fn printed_input_skeleton(spec: &OpSpec, request: &RequestArgs) -> bool {
    match request.generate_cli_skeleton {
        Some(SkeletonKind::Input) => println!("{}", skeleton(spec)),
        Some(SkeletonKind::YamlInput) => print!("{}", yaml_skeleton(spec)),
        Some(SkeletonKind::Output) | None => return false,
    }
    true
}

/// `--generate-cli-skeleton output`, checked after the request: the output shape of both
/// operations is empty, and the AWS CLI v1 prints nothing for it (v2 is UNVERIFIED here: its
/// JSON formatter skips an empty response too, so nothing is the most plausible).
pub fn wants_output_skeleton(request: &RequestArgs) -> bool {
    request.generate_cli_skeleton == Some(SkeletonKind::Output)
}

/// The request file given, if any (clap refuses both flags together).
pub fn cli_input(request: &RequestArgs) -> Option<CliInput<'_>> {
    match (&request.cli_input_json, &request.cli_input_yaml) {
        (Some(json), _) => Some(CliInput::Json(json)),
        (None, Some(yaml)) => Some(CliInput::Yaml(yaml)),
        (None, None) => None,
    }
}

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

/// The journal cannot be written (or read): no change is made (exit 3).
pub fn not_recordable(e: impl std::fmt::Display) -> CmdError {
    CmdError {
        code: EXIT_JOURNAL,
        message: format!(
            "coglink: error: refusing to make a change that could not be recorded: {e}"
        ),
    }
}

/// A change was made but its outcome could not be journaled (exit 3): what was said about
/// the change (`said`, possibly empty), the error, and the entry, terminal-safe, so the
/// record is on the screen even when it could not reach the file.
pub fn outcome_not_recorded(said: &str, error: impl std::fmt::Display, entry: &str) -> CmdError {
    let said = if said.is_empty() {
        String::new()
    } else {
        format!("{said}\n")
    };
    CmdError {
        code: EXIT_JOURNAL,
        message: format!(
            "{said}coglink: error: {error}\nThe entry that could not be recorded:\n{}",
            json_terminal_safe(entry)
        ),
    }
}

/// Checks the journal can be written before any change is planned (the engine's intent is
/// the real check; this one fails before a batch spends its time reading the pool).
pub fn journal_preflight(journal: &Journal) -> Result<(), CmdError> {
    journal.check_writable().map_err(not_recordable)
}

/// Settles the changes earlier runs left in flight (see `change::recover`), saying what
/// became of each on stderr. A journal that cannot be read or written stops the command: no
/// change is made that could not be recorded.
pub async fn settle_earlier_runs(engine: &Engine) -> Result<(), CmdError> {
    let recovered = recover(engine).await.map_err(not_recordable)?;
    for r in recovered {
        eprintln!("coglink: journal: {}", r.summary());
    }
    Ok(())
}

/// Makes `planned` once through the engine and says what happened: the one wording of the
/// result, with how to go on from here. A refusal reads like the AWS CLI's.
pub async fn apply_once(engine: &Engine, planned: &Planned) -> Result<Settled, CmdError> {
    match engine.apply(planned, Policy::ONCE, &Quiet).await {
        Ok(settled) => {
            result_of(&settled)?;
            Ok(settled)
        }
        Err(RunError::NotRecordable(e)) => Err(not_recordable(e)),
        Err(RunError::OutcomeNotRecorded {
            settled,
            entry,
            error,
        }) => {
            let said = result_of(&settled)
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            Err(outcome_not_recorded(&said, error, &entry))
        }
    }
}

/// Prints a change that went through; turns one that did not into the command's error.
fn result_of(settled: &Settled) -> Result<(), CmdError> {
    let summary = settled.summary();
    match (&settled.outcome, settled.verdict()) {
        (_, Verdict::Applied) => {
            println!("{summary}");
            Ok(())
        }
        (Outcome::Rejected { .. } | Outcome::Failed { .. }, _) => {
            let f = settled.failure.as_ref().expect("a refusal has its failure");
            Err(CmdError::failure(settled.planned.operation(), f))
        }
        (_, Verdict::NotApplied) => Err(CmdError::rejected(format!(
            "coglink: {summary}; run the command again to retry."
        ))),
        (_, Verdict::Unknown) => Err(CmdError::rejected(format!(
            "coglink: {summary} (e.g. `coglink users --user-pool-id {} --filter ...`)",
            shell_quote(settled.planned.pool_id())
        ))),
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
}
