//! What a planned change is: the request, the user whose identities it changes and that
//! user's link counts, as the review showed them. Every front-end (the `link` and `unlink`
//! commands, `batch`, the TUI) hands the engine one of these; the engine sends it, reads the
//! user back and settles it.

use crate::domain::LinkCounts;
use crate::domain::provider::destination_username;
use crate::domain::{LinkRequest, ProviderUserIdentifier, UnlinkRequest, UserRecord};

/// A change ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    Link {
        req: LinkRequest,
        /// The destination's username (what is read back).
        user: String,
        counts: LinkCounts,
    },
    Unlink {
        req: UnlinkRequest,
        /// The user holding the identity, when found (what is read back). `None`: no user
        /// lists it (a SAML/OIDC identity linked by an attribute); the outcome of an unclear
        /// answer then cannot be read back.
        user: Option<String>,
        /// That user's counts; `None` with no user, or when the request disables password
        /// sign-in (`ProviderName=Cognito`), which removes no linked identity.
        counts: Option<LinkCounts>,
        /// That user as a link destination, to undo the unlink.
        destination: Option<ProviderUserIdentifier>,
    },
}

impl Planned {
    /// A link of `req`'s source to `destination` (the user as read before sending).
    pub fn link(req: LinkRequest, destination: &UserRecord) -> Planned {
        Planned::Link {
            req,
            user: destination.username.clone(),
            counts: LinkCounts::link(destination.link_count()),
        }
    }

    /// A link planned from counts alone (a batch row: its destination was read in planning).
    pub fn link_with_counts(req: LinkRequest, counts: LinkCounts) -> Planned {
        let dest = req.destination();
        let user = destination_username(dest.name(), dest.value());
        Planned::Link { req, user, counts }
    }

    pub fn operation(&self) -> &'static str {
        match self {
            Planned::Link { .. } => "AdminLinkProviderForUser",
            Planned::Unlink { .. } => "AdminDisableProviderForUser",
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            Planned::Link { .. } => "link",
            Planned::Unlink { .. } => "unlink",
        }
    }

    pub fn pool_id(&self) -> &str {
        match self {
            Planned::Link { req, .. } => req.pool_id(),
            Planned::Unlink { req, .. } => req.pool_id(),
        }
    }

    /// The user whose identities change (read back after sending).
    pub fn user(&self) -> Option<&str> {
        match self {
            Planned::Link { user, .. } => Some(user),
            Planned::Unlink { user, .. } => user.as_deref(),
        }
    }

    /// The identity linked or unlinked.
    pub fn identity(&self) -> ProviderUserIdentifier {
        match self {
            Planned::Link { req, .. } => req.source(),
            Planned::Unlink { req, .. } => req.user(),
        }
    }

    pub fn counts(&self) -> Option<LinkCounts> {
        match self {
            Planned::Link { counts, .. } => Some(*counts),
            Planned::Unlink { counts, .. } => *counts,
        }
    }

    /// An unlink with `ProviderName=Cognito`: it disables password sign-in.
    pub fn disables_password_sign_in(&self) -> bool {
        matches!(self, Planned::Unlink { req, .. } if req.disables_password_sign_in())
    }

    /// The request in the AWS JSON shape, for the journal.
    pub fn request_value(&self) -> serde_json::Value {
        match self {
            Planned::Link { req, .. } => serde_json::to_value(req),
            Planned::Unlink { req, .. } => serde_json::to_value(req),
        }
        .unwrap_or_default()
    }

    /// Whether `fresh`, the user read after sending, shows the change applied. `None`: it
    /// cannot tell (disabling password sign-in shows nowhere that is read; UNVERIFIED what
    /// AdminGetUser returns then, so it is never guessed).
    pub fn applied_in(&self, fresh: &UserRecord) -> Option<bool> {
        match self {
            Planned::Link { req, counts, .. } => {
                Some(fresh.shows_link(&req.source(), counts.before))
            }
            Planned::Unlink { .. } if self.disables_password_sign_in() => None,
            Planned::Unlink { req, .. } => Some(!fresh.holds_link(&req.user())),
        }
    }

    /// Whether `fresh` holds the link this change asks for (a link refused as "already
    /// linked" is done when the intended destination holds it).
    pub fn held_by(&self, fresh: &UserRecord) -> bool {
        match self {
            Planned::Link { req, .. } => fresh.holds_link(&req.source()),
            Planned::Unlink { .. } => false,
        }
    }
}

/// `Google Cognito_Subject=123` (unsanitized: the caller sanitizes what it prints).
pub fn describe_identity(id: &ProviderUserIdentifier) -> String {
    match id.attribute_name() {
        "" => format!("{} {}", id.name(), id.value()),
        attr => format!("{} {attr}={}", id.name(), id.value()),
    }
}
