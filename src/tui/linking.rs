//! Linking and unlinking: the form, the review, the change in flight, its read-back and its
//! journal entry. Pure like the rest of `update`: the worker does the calls and the writing.
//!
//! Flow: `l` → form (validated per keystroke against loaded data) → Enter → fresh facts from
//! Cognito → review → explicit confirm → one `Request::Apply` → the worker's change engine
//! (journaled ahead, sent once, the user read back, settled, journaled) → one `Msg::Settled`
//! → activity list. An unlink starts at the review. A failure whose outcome is unknown is
//! resolved by reading the user, never by sending again.

use super::effect::{Effect, Request};
use super::form::{FieldNote, FormField, FormPhase, LinkForm, destination_of, linked_to};
use super::model::{Modal, Model, Pane, PoolProviders, failure_text};
use super::msg::{ChangeReply, RequestId};
use super::review::{Activity, Pending, PendingPhase, Review};
use crate::aws::Failure;
use crate::aws::ops::LinkFacts;
use crate::change::{Planned, Settled, Verdict};
use crate::domain::provider::federated_username;
use crate::domain::sanitize::sanitize;
use crate::domain::{
    COGNITO_SUBJECT, ErrorKind, IdentityProviderInfo, Known, LinkCounts, Rule, check_link,
    check_unlink,
};
use crate::journal::Outcome;

mod keys;

pub use keys::{on_modal_key, on_modal_paste};

const READ_ONLY: &str = "--read-only is on: link and unlink are disabled in this session";

fn pool_id(model: &Model) -> Option<String> {
    model.pool.as_ref().map(|p| p.id.clone())
}

/// The cached providers of the current pool, if loaded.
fn cached_providers(model: &Model) -> Option<Vec<IdentityProviderInfo>> {
    let cache = model.providers.as_ref()?;
    (Some(&cache.pool_id) == model.pool.as_ref().map(|p| &p.id))
        .then(|| cache.list.clone())
        .flatten()
}

/// Starts reading the pool's providers unless they are loaded or loading.
fn ensure_providers(model: &mut Model, pool_id: &str) -> Vec<Effect> {
    if model
        .providers
        .as_ref()
        .is_some_and(|p| p.pool_id == pool_id)
    {
        return Vec::new();
    }
    model.providers = Some(PoolProviders {
        pool_id: pool_id.to_owned(),
        list: None,
    });
    vec![Effect::Worker(Request::LoadProviders {
        pool_id: pool_id.to_owned(),
    })]
}

/// `l`: the link form for the selected user.
pub fn open_link_form(model: &mut Model) -> Vec<Effect> {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return Vec::new();
    }
    let (Some(pool), Some(user)) = (pool_id(model), model.users.selected_user()) else {
        return Vec::new();
    };
    let form = LinkForm::new(&pool, &destination_of(user), cached_providers(model));
    model.modal = Some(Modal::LinkForm(Box::new(form)));
    revalidate(model);
    ensure_providers(model, &pool)
}

/// `u`: the review of unlinking the identity under the detail cursor. From the table it
/// opens the detail first, so the identity can be chosen.
pub fn open_unlink(model: &mut Model) -> Vec<Effect> {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return Vec::new();
    }
    let (Some(pool), Some(user)) = (pool_id(model), model.users.selected_user()) else {
        return Vec::new();
    };
    if !(model.detail_open && model.focus == Pane::Detail) {
        let username = user.username.clone();
        model.detail_open = true;
        model.focus = Pane::Detail;
        model.identity_cursor = 0;
        model.flash("Choose the identity with j/k, then press u to review its unlinking");
        return vec![Effect::Worker(Request::GetUser {
            pool_id: pool,
            username,
        })];
    }
    let Some(identity) = user.identities_or_empty().get(model.identity_cursor) else {
        model.flash("This user has no linked identity to unlink");
        return Vec::new();
    };
    if identity.primary {
        model.error(format!(
            "{} is this user's own sign-in identity, not a link: it cannot be unlinked",
            sanitize(&identity.provider_name)
        ));
        return Vec::new();
    }
    let known = linked_attribute(model, &pool, &identity.provider_name, &identity.user_id);
    // A SAML/OIDC identity coglink did not link: how it was linked is unknown, and Cognito
    // unlinks it only by that attribute until it signs in (cognito-fidelity (b)1).
    let note = (known.is_none() && matches!(identity.provider_type.as_str(), "SAML" | "OIDC"))
        .then(|| {
            format!(
                "! coglink has no record of how this {} identity was linked. Until it signs in, \
                 Cognito unlinks it only by the attribute it was linked by: if that was not \
                 {COGNITO_SUBJECT} (e.g. email), Cognito refuses and nothing changes. Press c \
                 to choose the attribute it was linked by.",
                identity.provider_name
            )
        });
    let attribute = known.unwrap_or_else(|| COGNITO_SUBJECT.to_owned());
    let req = crate::domain::UnlinkRequest::new(&pool, identity.as_source(&attribute));
    let providers = cached_providers(model);
    let holder = Known::Present(user.username.clone());
    let violations = check_unlink(&req, None, providers.as_deref(), &holder);
    if !violations.is_empty() {
        let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
        model.error(sanitize(&text.join("; ")).into_owned());
        return Vec::new();
    }
    let planned = Planned::Unlink {
        req,
        user: Some(user.username.clone()),
        destination: Some(destination_of(user)),
        counts: Some(LinkCounts::unlink(user.link_count())),
    };
    let mut review = Review::new(planned, &model.setup.connect, None);
    let mut effects = Vec::new();
    if note.is_some() {
        // The provider's suggestions; until its providers are read, Cognito_Subject alone
        // (they are read now, and the choices filled in when they arrive).
        review.attribute_choices = match &providers {
            Some(list) => attribute_choices(list, &identity.provider_name),
            None => vec![COGNITO_SUBJECT.to_owned()],
        };
        if providers.is_none() {
            effects = ensure_providers(model, &pool);
        }
    }
    review.note = note;
    model.modal = Some(Modal::Review(Box::new(review)));
    effects
}

/// The attribute names to offer for unlinking an identity of `provider`.
fn attribute_choices(providers: &[IdentityProviderInfo], provider: &str) -> Vec<String> {
    providers.iter().find(|p| p.name == provider).map_or_else(
        || vec![COGNITO_SUBJECT.to_owned()],
        IdentityProviderInfo::suggested_attribute_names,
    )
}

/// The attribute an identity was linked by: from this session's changes, else from the
/// journal of earlier runs; `None` when neither knows (then `Cognito_Subject` is sent).
fn linked_attribute(model: &Model, pool: &str, provider: &str, value: &str) -> Option<String> {
    model
        .activity
        .iter()
        .rev()
        .filter(|a| a.applied())
        .find_map(|a| match &a.planned {
            Planned::Link { req, .. } => {
                let s = req.source();
                (s.name() == provider && s.value() == value).then(|| s.attribute_name().to_owned())
            }
            _ => None,
        })
        .or_else(|| {
            model
                .journal_links
                .get(pool, provider, value)
                .map(|l| l.attribute_name.clone())
        })
}

/// Re-validates the open form against the loaded users and providers.
pub fn revalidate(model: &mut Model) {
    let Some(Modal::LinkForm(form)) = &mut model.modal else {
        return;
    };
    let providers = form.providers.clone();
    let ctx = super::form::loaded_context(&model.users, providers.as_deref(), &form.request());
    form.validate(&ctx);
}

/// Enter in the form: when every field is valid, asks Cognito for fresh facts.
pub fn submit_form(model: &mut Model) -> Vec<Effect> {
    let request_id = model.new_request_id();
    let Some(Modal::LinkForm(form)) = &mut model.modal else {
        return Vec::new();
    };
    if form.providers.is_none() {
        model.flash("Waiting for the pool's identity providers");
        return Vec::new();
    }
    if !form.is_valid() {
        let n = form.violations.len();
        model.flash(format!(
            "{n} problem{} to fix first (marked ✗); nothing was sent",
            if n == 1 { "" } else { "s" }
        ));
        return Vec::new();
    }
    form.phase = FormPhase::Checking { request_id };
    let req = form.request();
    let linked_to = linked_to(&model.users, &req.source());
    vec![Effect::Worker(Request::LinkFacts {
        request_id,
        req,
        linked_to,
    })]
}

pub fn on_providers(
    model: &mut Model,
    pool_id: &str,
    result: Result<Vec<IdentityProviderInfo>, Failure>,
) {
    if model
        .providers
        .as_ref()
        .is_none_or(|p| p.pool_id != pool_id)
    {
        return;
    }
    match result {
        Ok(list) => {
            model.providers = Some(PoolProviders {
                pool_id: pool_id.to_owned(),
                list: Some(list.clone()),
            });
            match &mut model.modal {
                Some(Modal::LinkForm(form)) if form.pool_id == pool_id => {
                    form.providers = Some(list);
                }
                Some(Modal::Review(review)) if !review.attribute_choices.is_empty() => {
                    review.attribute_choices =
                        attribute_choices(&list, review.planned.identity().name());
                }
                _ => {}
            }
            revalidate(model);
        }
        Err(f) => {
            // Forget the attempt, so opening the form again retries.
            model.providers = None;
            let text = failure_text("Reading the identity providers failed", &f)
                + " (Esc, then l retries)";
            match &mut model.modal {
                Some(Modal::LinkForm(form)) => {
                    form.note = Some(FieldNote {
                        field: Some(FormField::SrcProvider),
                        text,
                    })
                }
                _ => model.error(text),
            }
        }
    }
}

pub fn on_facts(model: &mut Model, request_id: RequestId, result: Result<LinkFacts, Failure>) {
    let Some(Modal::LinkForm(form)) = &mut model.modal else {
        return;
    };
    if form.phase != (FormPhase::Checking { request_id }) {
        tracing::debug!(request_id, "stale link facts ignored");
        return;
    }
    form.phase = FormPhase::Editing;
    let facts = match result {
        Ok(facts) => facts,
        Err(f) => {
            form.note = Some(FieldNote {
                field: None,
                text: failure_text("Checking with Cognito failed", &f) + " (Enter retries)",
            });
            return;
        }
    };
    form.providers = Some(facts.providers.clone());
    let req = form.request();
    let violations = check_link(&req, &facts.context());
    model.providers = Some(PoolProviders {
        pool_id: req.pool_id().to_owned(),
        list: Some(facts.providers.clone()),
    });
    if let Some(dest) = &facts.destination {
        model.users.replace(dest.clone());
    }
    let Some(Modal::LinkForm(mut form)) = model.modal.take() else {
        unreachable!("checked above");
    };
    match (&facts.destination, violations.is_empty()) {
        (Some(dest), true) => {
            let planned = Planned::link(req, dest);
            let review = Review::new(planned, &model.setup.connect, Some(*form));
            model.modal = Some(Modal::Review(Box::new(review)));
        }
        _ => {
            form.checked = Some((req, violations));
            model.modal = Some(Modal::LinkForm(form));
            revalidate(model);
            model.flash("Cognito's current data refuses this link: see the marked fields");
        }
    }
}

/// The explicit confirmation in the review: sends the change, once.
pub fn confirm(model: &mut Model) -> Vec<Effect> {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return Vec::new();
    }
    if model.in_flight.is_some() {
        return Vec::new();
    }
    let request_id = model.new_request_id();
    let Some(Modal::Review(review)) = &model.modal else {
        return Vec::new();
    };
    let planned = review.planned.clone();
    let command = Request::Apply {
        request_id,
        planned: Box::new(planned.clone()),
    };
    model.in_flight = Some(Pending {
        request_id,
        planned,
        phase: PendingPhase::Sending,
        form: review.form.clone(),
    });
    vec![Effect::Worker(command)]
}

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
            model.error(format!("{summary} (Enter on the user re-reads it)"));
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
    let reviewing = matches!(&model.modal, Some(Modal::Review(r)) if r.planned == pending.planned);
    if let (true, Some(mut form)) = (reviewing, pending.form.clone()) {
        form.note = Some(note_for(f, &pending.planned));
        model.modal = Some(Modal::LinkForm(Box::new(form)));
        revalidate(model);
    }
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
    if matches!(&model.modal, Some(Modal::Review(r)) if r.planned == *planned) {
        model.modal = None;
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

pub fn on_recorded(model: &mut Model, result: Result<(), String>) {
    if let Err(e) = result {
        model.error(format!(
            "{}: the last change was NOT recorded in the journal (it is in the activity list, a)",
            sanitize(&e)
        ));
    }
}

/// `a`: the activity list.
pub fn open_activity(model: &mut Model) {
    model.modal = Some(Modal::Activity { scroll: 0 });
}

/// Undo from the activity list: the inverse of the session's last change, through the same
/// review (an unlink is reviewed at once; a link goes through the form's fresh check).
pub fn undo_last(model: &mut Model) -> Vec<Effect> {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return Vec::new();
    }
    if model.in_flight.is_some() {
        model.flash("A change is still running");
        return Vec::new();
    }
    let Some(last) = model.activity.last() else {
        model.flash("No change in this session yet");
        return Vec::new();
    };
    if !last.applied() {
        model.flash("The last change was not applied: nothing to undo");
        return Vec::new();
    }
    match last.planned.clone() {
        Planned::Link { req, user, counts } => {
            let now = model
                .users
                .find(&user)
                .map_or(counts.after, |u| u.link_count());
            let planned = Planned::Unlink {
                req: crate::domain::UnlinkRequest::new(req.pool_id(), req.source()),
                user: Some(user),
                destination: Some(req.destination()),
                counts: Some(LinkCounts::unlink(now)),
            };
            model.modal = Some(Modal::Review(Box::new(Review::new(
                planned,
                &model.setup.connect,
                None,
            ))));
            Vec::new()
        }
        Planned::Unlink {
            req,
            destination: Some(destination),
            ..
        } => {
            let identity = req.user();
            let providers = cached_providers(model);
            let mut form = LinkForm::new(req.pool_id(), &destination, providers);
            form.src_provider = Some(identity.name().to_owned());
            form.src_attribute = identity.attribute_name().to_owned();
            form.src_value = tui_input::Input::new(identity.value().to_owned());
            form.focus = FormField::SrcValue;
            // Check with Cognito at once (its answer carries the providers), so the review
            // follows without another keystroke.
            let request_id = model.new_request_id();
            form.phase = FormPhase::Checking { request_id };
            let link = form.request();
            let linked_to = linked_to(&model.users, &link.source());
            model.modal = Some(Modal::LinkForm(Box::new(form)));
            revalidate(model);
            vec![Effect::Worker(Request::LinkFacts {
                request_id,
                req: link,
                linked_to,
            })]
        }
        _ => {
            model.flash("This unlink's user is not known: link the identity again with l");
            Vec::new()
        }
    }
}
