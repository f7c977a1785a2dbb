//! Unlinking starts at the review: the identity under the detail cursor, by the attribute it
//! was linked by when this session or the journal knows it, else `Cognito_Subject` with a
//! note that Cognito may refuse (and the provider's attribute names to choose from).

use super::{READ_ONLY, cached_providers, ensure_providers, pool_id};
use crate::change::Planned;
use crate::domain::sanitize::sanitize;
use crate::domain::{COGNITO_SUBJECT, IdentityProviderInfo, Known, LinkCounts, check_unlink};
use crate::tui::effect::{Effect, Request};
use crate::tui::form::destination_of;
use crate::tui::keymap::{Action, Context};
use crate::tui::layers::Layer;
use crate::tui::model::{Model, Pane};
use crate::tui::review::Review;

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
        let username = user.username().to_owned();
        model.detail_open = true;
        model.focus = Pane::Detail;
        model.identity_cursor = 0;
        let keymap = &model.setup.keymap;
        let (down, up, unlink) = (
            keymap.key(Context::Detail, Action::Down),
            keymap.key(Context::Detail, Action::Up),
            keymap.key(Context::Detail, Action::Unlink),
        );
        model.flash(format!(
            "Choose the identity with {down}/{up}, then press {unlink} to review its unlinking"
        ));
        return vec![Effect::Worker(Request::GetUser {
            pool_id: pool,
            username,
        })];
    }
    let Some(identity) = user.identities_or_empty().nth(model.identity_cursor) else {
        model.flash("This user has no linked identity to unlink");
        return Vec::new();
    };
    if identity.primary {
        model.error(format!(
            "{} is this user's own sign-in identity, not a link: it cannot be unlinked",
            sanitize(identity.provider_name)
        ));
        return Vec::new();
    }
    let known = linked_attribute(model, &pool, identity.provider_name, identity.user_id);
    // A SAML/OIDC identity coglink did not link: how it was linked is unknown, and Cognito
    // unlinks it only by that attribute until it signs in (cognito-fidelity (b)1).
    let choose = model
        .setup
        .keymap
        .key(Context::Review, Action::ChooseAttribute);
    let note = (known.is_none() && matches!(identity.provider_type, "SAML" | "OIDC")).then(|| {
        format!(
            "! coglink has no record of how this {} identity was linked. Until it signs in, \
                 Cognito unlinks it only by the attribute it was linked by: if that was not \
                 {COGNITO_SUBJECT} (e.g. email), Cognito refuses and nothing changes. Press \
                 {choose} to choose the attribute it was linked by.",
            identity.provider_name
        )
    });
    let attribute = known.unwrap_or_else(|| COGNITO_SUBJECT.to_owned());
    let req = crate::domain::UnlinkRequest::new(&pool, identity.as_source(&attribute));
    let providers = cached_providers(model);
    let holder = Known::Present(user.username().to_owned());
    let violations = check_unlink(&req, None, providers.as_deref(), &holder);
    if !violations.is_empty() {
        let text: Vec<String> = violations.iter().map(ToString::to_string).collect();
        model.error(sanitize(&text.join("; ")).into_owned());
        return Vec::new();
    }
    let planned = Planned::Unlink {
        req,
        user: Some(user.username().to_owned()),
        destination: Some(destination_of(user)),
        counts: Some(LinkCounts::unlink(user.link_count())),
    };
    let guarded = model.setup.profile.typed_confirmation;
    let mut review = Review::new(planned, &model.setup.connect, None, guarded);
    let mut effects = Vec::new();
    if note.is_some() {
        // The provider's suggestions; until its providers are read, Cognito_Subject alone
        // (they are read now, and the choices filled in when they arrive).
        review.attribute_choices = match &providers {
            Some(list) => attribute_choices(list, identity.provider_name),
            None => vec![COGNITO_SUBJECT.to_owned()],
        };
        if providers.is_none() {
            effects = ensure_providers(model, &pool);
        }
    }
    review.note = note;
    model.clear_status_for_dialog();
    model.layers.open(Layer::Review(Box::new(review)));
    effects
}

/// The attribute names to offer for unlinking an identity of `provider`.
pub(super) fn attribute_choices(providers: &[IdentityProviderInfo], provider: &str) -> Vec<String> {
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
