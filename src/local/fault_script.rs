//! Scripted faults: which request of which operation meets which fault, independent of
//! timing and ordering, so that a test meets every fault kind it names by construction.
//!
//! An entry names an operation and a request number `nth` (1-based), counted per operation
//! over the requests that the quota lets through (a request throttled by the token bucket
//! is not counted: how many are throttled depends on timing). The `nth` such request meets
//! the entry's fault instead of the random rates. Random rates (`Simulation::fault_rate`,
//! `drop_rate`) stay for soak runs and benchmarks.
//!
//! The file format of `coglink local serve --fault-script FILE`, one entry a line, `#`
//! starts a comment:
//!
//! ```text
//! # operation                  nth  fault
//! AdminDisableProviderForUser  3    500-after     # applied, then answered 500
//! AdminDisableProviderForUser  5    drop-before   # connection closed, nothing applied
//! ListUsers                    2    throttle      # TooManyRequestsException, not performed
//! ```
//!
//! Faults: `500-before`, `500-after`, `drop-before`, `drop-after`, `throttle`; for tests of
//! what a client does when it is killed mid-request, `hang-before`/`hang-after` (no answer
//! for [`HANG_FOR`]); and `twice` (the request is performed twice, as if another client had
//! sent the same change just before: the second answer is returned, e.g. a link's "already
//! linked").

use std::fmt;

use super::ops::Operation;

/// A simulated fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `InternalErrorException`, HTTP 500.
    Internal,
    /// The connection is closed without an HTTP response.
    Drop,
    /// No answer until `LocalServer::release_hung` (then the answer is sent); after
    /// [`HANG_FOR`], or when the server stops, the connection is closed instead.
    Hang,
    /// Performed twice; the second answer is returned (the point is always after).
    Twice,
}

/// How long a `hang` fault holds the request before closing the connection.
pub const HANG_FOR: std::time::Duration = std::time::Duration::from_secs(120);

/// When a fault happens relative to the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyPoint {
    BeforeApply,
    AfterApply,
}

/// What a scripted request meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptedEffect {
    /// `TooManyRequestsException` / `Rate exceeded`; the operation is not performed.
    Throttle,
    /// A 5xx answer or a dropped connection, before or after the operation is performed.
    Fault(Fault, ApplyPoint),
}

impl ScriptedEffect {
    const WORDS: [(&'static str, ScriptedEffect); 8] = [
        (
            "500-before",
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::BeforeApply),
        ),
        (
            "500-after",
            ScriptedEffect::Fault(Fault::Internal, ApplyPoint::AfterApply),
        ),
        (
            "drop-before",
            ScriptedEffect::Fault(Fault::Drop, ApplyPoint::BeforeApply),
        ),
        (
            "drop-after",
            ScriptedEffect::Fault(Fault::Drop, ApplyPoint::AfterApply),
        ),
        ("throttle", ScriptedEffect::Throttle),
        (
            "hang-before",
            ScriptedEffect::Fault(Fault::Hang, ApplyPoint::BeforeApply),
        ),
        (
            "hang-after",
            ScriptedEffect::Fault(Fault::Hang, ApplyPoint::AfterApply),
        ),
        (
            "twice",
            ScriptedEffect::Fault(Fault::Twice, ApplyPoint::AfterApply),
        ),
    ];

    pub fn word(self) -> &'static str {
        Self::WORDS
            .iter()
            .find(|(_, e)| *e == self)
            .map(|(w, _)| *w)
            .expect("every effect has a word")
    }

    pub fn parse(word: &str) -> Option<ScriptedEffect> {
        Self::WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|(_, e)| *e)
    }
}

/// One line of a fault script: the `nth` request of `operation` meets `effect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScriptedFault {
    pub operation: Operation,
    /// 1-based, per operation, over the requests within the quota.
    pub nth: u64,
    pub effect: ScriptedEffect,
}

impl ScriptedFault {
    pub const fn new(operation: Operation, nth: u64, effect: ScriptedEffect) -> ScriptedFault {
        ScriptedFault {
            operation,
            nth,
            effect,
        }
    }
}

impl fmt::Display for ScriptedFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} #{} {}",
            self.operation.name(),
            self.nth,
            self.effect.word()
        )
    }
}

/// Parses a fault script (format above). Errors name the line and the rule broken.
pub fn parse_script(text: &str) -> Result<Vec<ScriptedFault>, String> {
    let mut script: Vec<ScriptedFault> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let content = line.split('#').next().unwrap_or_default().trim();
        if content.is_empty() {
            continue;
        }
        let words: Vec<&str> = content.split_whitespace().collect();
        let [op, nth, effect] = words[..] else {
            return Err(format!(
                "line {line_no}: expected `OPERATION NTH FAULT`, got {content:?}"
            ));
        };
        let operation = Operation::parse(op).ok_or_else(|| {
            format!(
                "line {line_no}: unknown operation {op:?} (one of: {})",
                Operation::ALL.map(Operation::name).join(", ")
            )
        })?;
        let nth = match nth.parse::<u64>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(format!(
                    "line {line_no}: the request number must be a whole number from 1, got {nth:?}"
                ));
            }
        };
        let effect = ScriptedEffect::parse(effect).ok_or_else(|| {
            format!(
                "line {line_no}: unknown fault {effect:?} (one of: {})",
                ScriptedEffect::WORDS.map(|(w, _)| w).join(", ")
            )
        })?;
        if let Some(twin) = script
            .iter()
            .find(|s| s.operation == operation && s.nth == nth)
        {
            return Err(format!(
                "line {line_no}: request {nth} of {op} already has a fault ({})",
                twin.effect.word()
            ));
        }
        script.push(ScriptedFault::new(operation, nth, effect));
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_parses_with_comments_and_any_spacing() {
        let script = parse_script(
            "# a comment\n\nAdminDisableProviderForUser 3 500-after\n  ListUsers\t2  THROTTLE # why\n\
             AdminLinkProviderForUser 1 drop-before\n",
        )
        .unwrap();
        assert_eq!(
            script,
            vec![
                ScriptedFault::new(
                    Operation::AdminDisableProviderForUser,
                    3,
                    ScriptedEffect::Fault(Fault::Internal, ApplyPoint::AfterApply)
                ),
                ScriptedFault::new(Operation::ListUsers, 2, ScriptedEffect::Throttle),
                ScriptedFault::new(
                    Operation::AdminLinkProviderForUser,
                    1,
                    ScriptedEffect::Fault(Fault::Drop, ApplyPoint::BeforeApply)
                ),
            ]
        );
        assert_eq!(
            script[0].to_string(),
            "AdminDisableProviderForUser #3 500-after"
        );
    }

    #[test]
    fn every_word_round_trips() {
        for (word, effect) in ScriptedEffect::WORDS {
            assert_eq!(ScriptedEffect::parse(word), Some(effect));
            assert_eq!(effect.word(), word);
        }
    }

    #[test]
    fn bad_lines_are_refused_with_the_line_and_the_rule() {
        for (text, expected) in [
            ("ListUsers 2", "line 1: expected `OPERATION NTH FAULT`"),
            (
                "\nListUser 2 throttle",
                "line 2: unknown operation \"ListUser\"",
            ),
            (
                "ListUsers 0 throttle",
                "line 1: the request number must be a whole number from 1",
            ),
            (
                "ListUsers x throttle",
                "must be a whole number from 1, got \"x\"",
            ),
            (
                "ListUsers 2 503",
                "line 1: unknown fault \"503\" (one of: 500-before",
            ),
            (
                "ListUsers 2 throttle\nListUsers 2 drop-after",
                "line 2: request 2 of ListUsers already has a fault (throttle)",
            ),
        ] {
            let err = parse_script(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
