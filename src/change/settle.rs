//! Deciding what happened to a change, from what sending it answered and what reading the
//! user back showed. Pure: the runner does the calls; every front-end words the result with
//! [`Settled::summary`], so "no clear answer" reads the same everywhere.

use super::plan::{Planned, describe_identity};
use crate::aws::Failure;
use crate::domain::LinkCounts;
use crate::domain::UserRecord;
use crate::domain::cognito_error::link_messages::ALREADY_LINKED;
use crate::domain::sanitize::sanitize;
use crate::journal::{Outcome, Resolution};

/// What sending the change answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Sent {
    Ok,
    /// Cognito answered with an error code: not applied.
    Refused(Failure),
    /// It never reached Cognito (connection refused, no credentials): not applied.
    NotSent(Failure),
    /// No clear answer (timeout, dropped connection, 5xx): it may have been applied.
    Unclear(Failure),
}

impl Sent {
    pub fn from_result(result: Result<(), Failure>) -> Sent {
        match result {
            Ok(()) => Sent::Ok,
            Err(f) if f.outcome_unknown() => Sent::Unclear(f),
            Err(f) if f.code.is_some() => Sent::Refused(f),
            Err(f) => Sent::NotSent(f),
        }
    }

    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Sent::Ok => None,
            Sent::Refused(f) | Sent::NotSent(f) | Sent::Unclear(f) => Some(f),
        }
    }
}

/// What reading the user back showed.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadBack {
    /// Not read: nothing to learn (a refusal), or nothing that can be read (no user holds
    /// the identity; password sign-in).
    Skipped,
    Found(UserRecord),
    /// The user's groups (for a change of group membership).
    Groups(Vec<String>),
    /// The user does not exist (any more).
    Gone,
    /// Every read of the policy failed; the last failure.
    Failed(Failure),
}

/// How much reading back a send result calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadNeed {
    None,
    /// One read, for the counts after a clear success (its failure changes nothing).
    Counts,
    /// Reads until one answers (up to the policy's attempts): the outcome depends on it.
    Resolve,
}

/// Whether `planned`'s send result needs the user read back, and how insistently.
pub fn read_need(planned: &Planned, sent: &Sent) -> ReadNeed {
    if planned.user().is_none() {
        return ReadNeed::None;
    }
    match sent {
        Sent::Ok if planned.counts().is_some() => ReadNeed::Counts,
        Sent::Ok | Sent::NotSent(_) => ReadNeed::None,
        Sent::Unclear(_) if planned.disables_password_sign_in() => ReadNeed::None,
        Sent::Unclear(_) => ReadNeed::Resolve,
        Sent::Refused(f) if is_already_linked(planned, f) => ReadNeed::Resolve,
        Sent::Refused(_) => ReadNeed::None,
    }
}

/// Cognito's refusal of a link whose identity is linked already (to someone: the read-back
/// tells whether to the intended destination).
fn is_already_linked(planned: &Planned, f: &Failure) -> bool {
    matches!(planned, Planned::Link { .. }) && f.message.contains(ALREADY_LINKED)
}

/// What happened, in the three answers a caller acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The pool is as asked (applied now, or found so already).
    Applied,
    NotApplied,
    /// Nobody knows yet: check before retrying.
    Unknown,
}

/// A settled change: its outcome for the journal, counts, and the one wording of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Settled {
    pub planned: Planned,
    pub outcome: Outcome,
    pub counts: Option<LinkCounts>,
    /// The failure of the send, if it failed.
    pub failure: Option<Failure>,
    /// The user as read back, when read.
    pub fresh: Option<UserRecord>,
}

/// Whether what was read back shows `planned` applied (`None`: it cannot tell).
fn resolved(planned: &Planned, read: &ReadBack) -> Option<bool> {
    match (planned, read) {
        (Planned::DeleteUser { .. }, ReadBack::Gone) => Some(true),
        (Planned::AddToGroup { group, .. }, ReadBack::Groups(groups)) => {
            Some(groups.contains(group))
        }
        (_, ReadBack::Found(user)) => planned.applied_in(user),
        _ => None,
    }
}

/// Decides the outcome of `planned` from the send result and the read-back.
pub fn settle(planned: &Planned, sent: &Sent, read: &ReadBack) -> Settled {
    let fresh = match read {
        ReadBack::Found(user) => Some(user.clone()),
        _ => None,
    };
    let outcome = match sent {
        Sent::Ok => Outcome::Ok,
        Sent::NotSent(f) => Outcome::Failed {
            message: f.message.clone(),
        },
        // A user deleted, found gone, is as asked.
        Sent::Refused(f)
            if matches!(planned, Planned::DeleteUser { .. })
                && f.service_kind() == Some(crate::domain::ErrorKind::UserNotFound) =>
        {
            Outcome::AlreadyDone {
                code: f.code.clone().unwrap_or_default(),
                message: f.message.clone(),
            }
        }
        Sent::Refused(f) => match &fresh {
            Some(user) if is_already_linked(planned, f) && planned.held_by(user) => {
                Outcome::AlreadyDone {
                    code: f.code.clone().unwrap_or_default(),
                    message: f.message.clone(),
                }
            }
            _ => Outcome::from_failure(f),
        },
        Sent::Unclear(f) => Outcome::Unknown {
            message: f.message.clone(),
            resolution: match resolved(planned, read) {
                Some(true) => Resolution::Applied,
                Some(false) => Resolution::NotApplied,
                None => Resolution::Unresolved,
            },
        },
    };
    let applied = outcome.applied();
    let counts = planned.counts().map(|c| LinkCounts {
        before: c.before,
        after: match &fresh {
            Some(user) => user.link_count(),
            None if applied => c.after,
            None => c.before,
        },
    });
    Settled {
        planned: planned.clone(),
        outcome,
        counts,
        failure: sent.failure().cloned(),
        fresh,
    }
}

impl Settled {
    pub fn verdict(&self) -> Verdict {
        match &self.outcome {
            Outcome::Ok | Outcome::AlreadyDone { .. } => Verdict::Applied,
            Outcome::Unknown { resolution, .. } => match resolution {
                Resolution::Applied => Verdict::Applied,
                Resolution::NotApplied => Verdict::NotApplied,
                Resolution::Unresolved => Verdict::Unknown,
            },
            Outcome::Rejected { .. } | Outcome::Failed { .. } | Outcome::Pending => {
                Verdict::NotApplied
            }
        }
    }

    /// What was done, when it was: `Linked Google Cognito_Subject=1 to diego: 1/5 -> 2/5`
    /// (without the counts when `with_counts` is false).
    fn done_text(&self, with_counts: bool) -> String {
        let identity = describe_identity(&self.planned.identity());
        let user = self.planned.user().unwrap_or_default();
        let counts = self
            .counts
            .filter(|_| with_counts)
            .map(|c| format!(": {c}"))
            .unwrap_or_default();
        match &self.planned {
            Planned::AddToGroup { group, .. } => format!("Added {user} to group {group}"),
            Planned::CopyAttributes { attributes, .. } => format!(
                "Set {} on {user}",
                attributes
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Planned::DeleteUser { .. } => format!("Deleted user {user}"),
            Planned::Link { .. } => format!("Linked {identity} to {user}{counts}"),
            Planned::Unlink { .. } if self.planned.disables_password_sign_in() => {
                format!(
                    "Disabled password sign-in for user {}",
                    self.planned.identity().value()
                )
            }
            Planned::Unlink { user: Some(_), .. } => {
                format!("Unlinked {identity} from {user}{counts}")
            }
            Planned::Unlink { user: None, .. } => format!("Unlinked {identity}"),
        }
    }

    /// The result in one line (terminal-safe), the same for every front-end. Each adds only
    /// how to retry in its own terms.
    pub fn summary(&self) -> String {
        let op = self.planned.operation();
        let who = self.planned.user().unwrap_or("the user");
        let text = match &self.outcome {
            Outcome::Ok | Outcome::Pending => self.done_text(true),
            Outcome::AlreadyDone { code, .. } => format!(
                "{} already, as asked (Cognito answered {code}{}): nothing to do",
                self.done_text(false),
                if self.fresh.is_some() {
                    "; confirmed by reading the user again"
                } else {
                    ""
                }
            ),
            Outcome::Rejected { code, message } => format!("{op} refused: {code}: {message}"),
            Outcome::Failed { message } => format!("{op} was not sent: {message}"),
            Outcome::Unknown {
                message,
                resolution,
            } => match resolution {
                Resolution::Applied => format!(
                    "{} (no clear answer from {op}: {message}; confirmed by reading the user \
                     again)",
                    self.done_text(true)
                ),
                Resolution::NotApplied => format!(
                    "No clear answer from {op} ({message}); reading {who} again showed it was \
                     NOT applied: {}. Nothing was resent",
                    match self.planned {
                        Planned::Link { .. } => "the link is not there",
                        Planned::Unlink { .. } => "the identity is still linked",
                        Planned::AddToGroup { .. } => "the user is not in the group",
                        Planned::CopyAttributes { .. } => "the attributes are not set",
                        Planned::DeleteUser { .. } => "the user still exists",
                    }
                ),
                Resolution::Unresolved => format!(
                    "No clear answer from {op} ({message}), and {}: the outcome is UNKNOWN. \
                     Check {who} before retrying",
                    if self.planned.user().is_some() && !self.planned.disables_password_sign_in() {
                        format!("reading {who} again failed too")
                    } else {
                        "it cannot be read back".to_owned()
                    }
                ),
            },
        };
        sanitize(&text).into_owned()
    }
}

#[cfg(test)]
mod tests;
