//! Linking and unlinking: the form, the review, the change in flight, its read-back and its
//! journal entry. Pure like the rest of `update`: the worker does the calls and the writing.
//!
//! Flow: `l` → form (validated per keystroke against loaded data) → Enter → fresh facts from
//! Cognito → review → explicit confirm → one `Request::Apply` → the worker's change engine
//! (journaled ahead, sent once, the user read back, settled, journaled) → one `Msg::Settled`
//! → activity list. An unlink starts at the review (`unlink.rs`). A failure whose outcome is
//! unknown is resolved by reading the user, never by sending again (`settle.rs`). The keys of
//! the form, the review and the activity list arrive as intents (`dialogs.rs`).

use super::effect::{Effect, Request};
use super::form::{FieldNote, FormField, FormPhase, LinkForm, destination_of, linked_to};
use super::keymap::{Action, Context};
use super::layers::{Layer, LayerKind};
use super::model::{Model, PoolProviders, failure_text};
use super::msg::RequestId;
use super::review::{Pending, PendingPhase, Review};
use crate::aws::Failure;
use crate::aws::ops::LinkFacts;
use crate::change::Planned;
use crate::domain::{IdentityProviderInfo, LinkCounts, MAX_LINKED_IDENTITIES, check_link};

mod copy;
mod dialogs;
mod guard;
#[cfg(test)]
pub(crate) use guard::tests as guard_tests;
mod settle;
mod unlink;

pub use copy::{copy_from_review, on_copied, scroll_sideways};
pub use dialogs::{
    cancel_form, cancel_review, choose, choose_attribute, hide_review, move_field, paste_in_form,
    press_button, switch_button, type_in_form,
};
pub use guard::{paste_in_review, type_in_review};
pub use settle::{on_settled, on_unclear};
pub use unlink::open_unlink;

pub const READ_ONLY: &str = "--read-only is on: link and unlink are disabled in this session";

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

/// Whether a new change may not start now: read-only, or another change still running
/// (said on the status line).
pub fn change_refused(model: &mut Model) -> bool {
    if model.setup.read_only {
        model.flash(READ_ONLY);
        return true;
    }
    if model.change_running() {
        model.flash("A change is still running");
        return true;
    }
    false
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
    if user.link_count() >= MAX_LINKED_IDENTITIES {
        // The form could only end in Cognito's refusal: say so at once.
        let text = format!(
            "{} has {MAX_LINKED_IDENTITIES}/{MAX_LINKED_IDENTITIES} linked identities: unlink one first ({} opens the detail to choose one)",
            crate::domain::sanitize::sanitize(user.username()),
            model.key(Context::Users, Action::Unlink)
        );
        model.error(text);
        return Vec::new();
    }
    let form = LinkForm::new(&pool, &destination_of(user), cached_providers(model));
    model.clear_status_for_dialog();
    model.layers.open(Layer::LinkForm(Box::new(form)));
    revalidate(model);
    ensure_providers(model, &pool)
}

/// Re-validates the open form against the loaded users and providers.
pub fn revalidate(model: &mut Model) {
    let Some(form) = model.layers.form_mut() else {
        return;
    };
    let providers = form.providers.clone();
    let ctx = super::form::loaded_context(&model.users, providers.as_deref(), &form.request());
    form.validate(&ctx);
}

/// Enter in the form: when every field is valid, asks Cognito for fresh facts.
pub fn submit_form(model: &mut Model) -> Vec<Effect> {
    let request_id = model.new_request_id();
    let Some(form) = model.layers.form_mut() else {
        return Vec::new();
    };
    if form.providers.is_none() {
        model.flash("Waiting for the pool's identity providers");
        return Vec::new();
    }
    form.submitted = true;
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
            if let Some(form) = model.layers.form_mut() {
                if form.pool_id == pool_id {
                    form.providers = Some(list);
                }
            } else if let Some(review) = model.layers.review_mut()
                && !review.attribute_choices.is_empty()
            {
                review.attribute_choices =
                    unlink::attribute_choices(&list, review.planned.identity().name());
            }
            revalidate(model);
        }
        Err(f) => {
            // Forget the attempt, so opening the form again retries.
            model.providers = None;
            let text = format!(
                "{} ({}, then {} retries)",
                failure_text("Reading the identity providers failed", &f),
                model.key(Context::Form, Action::Cancel),
                model.key(Context::Users, Action::Link)
            );
            match model.layers.form_mut() {
                Some(form) => {
                    form.note = Some(FieldNote {
                        field: Some(FormField::SrcProvider),
                        text,
                    })
                }
                None => model.error(text),
            }
        }
    }
}

pub fn on_facts(model: &mut Model, request_id: RequestId, result: Result<LinkFacts, Failure>) {
    let Some(form) = model.layers.form_mut() else {
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
                text: format!(
                    "{} ({} retries)",
                    failure_text("Checking with Cognito failed", &f),
                    model.setup.keymap.key(Context::Form, Action::Submit)
                ),
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
    match (&facts.destination, violations.is_empty()) {
        (Some(dest), true) => {
            let planned = Planned::link(req, dest);
            let form = model.layers.form().cloned();
            let guarded = model.setup.profile.typed_confirmation;
            let review = Review::new(planned, &model.setup.connect, form, guarded);
            model.clear_status_for_dialog();
            model
                .layers
                .replace(LayerKind::LinkForm, Layer::Review(Box::new(review)));
        }
        _ => {
            if let Some(form) = model.layers.form_mut() {
                form.checked = Some((req, violations));
            }
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
    if model.change_running() {
        return Vec::new();
    }
    if let Some(refusal) = guard::refusal(model) {
        model.error(refusal);
        return Vec::new();
    }
    let request_id = model.new_request_id();
    let Some(review) = model.layers.review() else {
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

/// `a`: the activity list.
pub fn open_activity(model: &mut Model) {
    model.clear_status_for_dialog();
    model.layers.open(Layer::Activity { scroll: 0 });
}

/// Undo from the activity list: the inverse of the session's last change, through the same
/// review (an unlink is reviewed at once; a link goes through the form's fresh check).
pub fn undo_last(model: &mut Model) -> Vec<Effect> {
    if change_refused(model) {
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
    let last_planned = last.planned.clone();
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
            let guarded = model.setup.profile.typed_confirmation;
            let mut review = Review::new(planned, &model.setup.connect, None, guarded);
            review.note = merged_note(model, &last_planned);
            model.clear_status_for_dialog();
            model.layers.replace_top(Layer::Review(Box::new(review)));
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
            model.layers.replace_top(Layer::LinkForm(Box::new(form)));
            revalidate(model);
            vec![Effect::Worker(Request::LinkFacts {
                request_id,
                req: link,
                linked_to,
            })]
        }
        _ => {
            let link = model.key(Context::Users, Action::Link);
            model.flash(format!(
                "This unlink's user is not known: link the identity again with {link}"
            ));
            Vec::new()
        }
    }
}

/// Undoing a link a merge made: the review says plainly that the merged user is gone for
/// good and names its snapshot.
fn merged_note(model: &Model, link: &Planned) -> Option<String> {
    let record = model.merges.iter().rev().find(|r| r.links.contains(link))?;
    Some(
        crate::domain::sanitize::sanitize(&format!(
            "! This undoes only the link: {} was deleted by the merge into {} and cannot be \
         restored (its attributes and groups are in the snapshot {}).",
            record.merge,
            record.keep,
            record.snapshot_path.display()
        ))
        .into_owned(),
    )
}
