//! The change in flight is settled: what the worker's engine decided is said, the review
//! closes or goes back to where the change can be fixed, and the change joins the activity
//! list (the worker has journaled it).

use super::revalidate;
use crate::aws::Failure;
use crate::change::{Planned, Settled, Verdict};
use crate::domain::cognito_error::link_messages::ALREADY_LINKED;
use crate::domain::provider::federated_username;
use crate::domain::sanitize::sanitize;
use crate::domain::{ErrorKind, Known, Rule};
use crate::journal::Outcome;
use crate::tui::form::{FieldNote, FormField, linked_to};
use crate::tui::keymap::{Action, Context};
use crate::tui::layers::{Layer, LayerKind};
use crate::tui::model::{Model, failure_text};
use crate::tui::msg::{ChangeReply, RequestId};
use crate::tui::review::{Activity, Pending, PendingPhase};

/// The worker reads the user back after an unclear answer.
pub fn on_unclear(model: &mut Model, request_id: RequestId, failure: Failure) {
    if let Some(pending) = &mut model.in_flight
        && pending.request_id == request_id
    {
        pending.phase = PendingPhase::Verifying { unknown: failure };
    }
}

/// The change in flight is settled: say what happened, close the review or go back to where
/// it can be fixed, and remember it in the activity list (the worker has journaled it).
pub fn on_settled(model: &mut Model, request_id: RequestId, at: String, reply: ChangeReply) {
    if model
        .in_flight
        .as_ref()
        .is_none_or(|p| p.request_id != request_id)
    {
        tracing::debug!(request_id, "stale change reply ignored");
        return;
    }
    let pending = model.in_flight.take().expect("checked above");
    let (settled, unrecorded) = match reply {
        ChangeReply::NotSent(reason) => {
            model.error(format!("Nothing was sent: {}", sanitize(&reason)));
            let outcome = Outcome::Failed { message: reason };
            remember(model, at, pending.planned, outcome, None);
            return;
        }
        ChangeReply::Settled {
            settled,
            unrecorded,
        } => (*settled, unrecorded),
    };
    let summary = settled.summary();
    match (&settled.outcome, settled.verdict()) {
        (_, Verdict::Applied) => {
            model.flash(summary);
            close_review(model, &pending.planned);
        }
        (Outcome::Rejected { .. } | Outcome::Failed { .. }, _) => {
            refused(model, &pending, &settled)
        }
        (_, Verdict::NotApplied) => model.error(format!("{summary}; confirm again to retry")),
        (_, Verdict::Unknown) => {
            let open = model.key(Context::Users, Action::Open);
            model.error(format!("{summary} ({open} on the user re-reads it)"));
            close_review(model, &pending.planned);
        }
    }
    remember(model, at, pending.planned, settled.outcome, settled.counts);
    if let Some(e) = unrecorded {
        on_recorded(model, Err(e));
    }
}

/// Cognito refused the change (or it never reached Cognito): say why next to the field it
/// concerns, and go back to the form (links) or stay on the review (unlinks).
fn refused(model: &mut Model, pending: &Pending, settled: &Settled) {
    let Some(f) = &settled.failure else {
        return;
    };
    let what = format!("{} refused", pending.planned.operation());
    model.error(failure_text(&what, f));
    let reviewing = model
        .layers
        .review()
        .is_some_and(|r| r.planned == pending.planned);
    if let (true, Some(mut form)) = (reviewing, pending.form.clone()) {
        let mut note = note_for(f, &pending.planned);
        if f.message.contains(ALREADY_LINKED) {
            note.text = linked_elsewhere(model, &pending.planned, &note.text);
        }
        form.note = Some(note);
        model
            .layers
            .replace(LayerKind::Review, Layer::LinkForm(Box::new(form)));
        revalidate(model);
    }
}

/// An identity linked to another user after the table was loaded: who holds it when the
/// loaded users say, and the key that reloads them.
fn linked_elsewhere(model: &Model, planned: &Planned, cognito_said: &str) -> String {
    let identity = planned.identity();
    let holder = match linked_to(&model.users, &identity) {
        Known::Present(user) if Some(user.as_str()) != planned.user() => {
            format!(" ({}, as loaded)", sanitize(&user))
        }
        _ => String::new(),
    };
    let reload = model.key(Context::Global, Action::Refresh);
    format!(
        "This identity is linked to another user{holder}, since the table was loaded: \
         {reload} reloads it · {cognito_said}"
    )
}

/// Where a Cognito refusal belongs in the form, in the domain's plain words when it is one
/// of its rules, always with Cognito's own code and message.
pub fn note_for(f: &Failure, planned: &Planned) -> FieldNote {
    let raw = sanitize(&f.summary()).into_owned();
    let identity = planned.identity();
    let (field, rule) = match f.service_kind() {
        Some(ErrorKind::LimitExceeded) => (
            Some(FormField::DestValue),
            Some(Rule::LinkLimitReached {
                count: planned.counts().map_or(0, |c| c.before),
            }),
        ),
        Some(ErrorKind::UserNotFound) => (Some(FormField::DestValue), Some(Rule::UserNotFound)),
        Some(ErrorKind::AliasExists) => (Some(FormField::DestValue), None),
        Some(ErrorKind::InvalidParameter) => {
            let m = f.message.as_str();
            if m.contains("Merging is not currently supported") {
                let username = federated_username(identity.name(), identity.value());
                let rule = Rule::SourceIsExistingUser { username };
                (Some(FormField::SrcValue), Some(rule))
            } else if m.contains("already linked") {
                (Some(FormField::SrcValue), None)
            } else if m.contains("Cognito users with a username/password") {
                (Some(FormField::SrcProvider), Some(Rule::CognitoSource))
            } else if m.contains("does not exist") {
                (Some(FormField::SrcProvider), None)
            } else if m.contains("ProviderAttributeName") || m.contains("attribute") {
                (Some(FormField::SrcAttribute), None)
            } else {
                (None, None)
            }
        }
        _ => (None, None),
    };
    let text = match rule {
        Some(rule) => format!("{} · Cognito said {raw}", sanitize(&rule.to_string())),
        None => format!("Cognito said {raw}"),
    };
    FieldNote { field, text }
}

fn close_review(model: &mut Model, planned: &Planned) {
    if model.layers.review().is_some_and(|r| r.planned == *planned) {
        model.layers.close(LayerKind::Review);
    }
}

fn remember(
    model: &mut Model,
    at: String,
    planned: Planned,
    outcome: Outcome,
    counts: Option<crate::domain::LinkCounts>,
) {
    model.activity.push(Activity {
        at,
        planned,
        outcome,
        counts,
    });
}

fn on_recorded(model: &mut Model, result: Result<(), String>) {
    if let Err(e) = result {
        let activity = model.key(Context::Users, Action::Activity);
        model.error(format!(
            "{}: the last change was NOT recorded in the journal (it is in the activity list, \
             {activity})",
            sanitize(&e)
        ));
    }
}
