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
    /// AdminAddUserToGroup (a merge copies the merged user's groups).
    AddToGroup {
        pool_id: String,
        user: String,
        group: String,
    },
    /// AdminUpdateUserAttributes (a merge copies the attributes chosen).
    CopyAttributes {
        pool_id: String,
        user: String,
        attributes: Vec<(String, String)>,
    },
    /// AdminDeleteUser (a merge deletes the federated user before linking its identity).
    DeleteUser { pool_id: String, user: String },
}

impl Planned {
    /// A link of `req`'s source to `destination` (the user as read before sending).
    pub fn link(req: LinkRequest, destination: &UserRecord) -> Planned {
        Planned::Link {
            req,
            user: destination.username().to_owned(),
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
            Planned::AddToGroup { .. } => "AdminAddUserToGroup",
            Planned::CopyAttributes { .. } => "AdminUpdateUserAttributes",
            Planned::DeleteUser { .. } => "AdminDeleteUser",
        }
    }

    pub fn verb(&self) -> &'static str {
        match self {
            Planned::Link { .. } => "link",
            Planned::Unlink { .. } => "unlink",
            Planned::AddToGroup { .. } => "add to group",
            Planned::CopyAttributes { .. } => "copy attributes",
            Planned::DeleteUser { .. } => "delete",
        }
    }

    pub fn pool_id(&self) -> &str {
        match self {
            Planned::Link { req, .. } => req.pool_id(),
            Planned::Unlink { req, .. } => req.pool_id(),
            Planned::AddToGroup { pool_id, .. }
            | Planned::CopyAttributes { pool_id, .. }
            | Planned::DeleteUser { pool_id, .. } => pool_id,
        }
    }

    /// The user the change is made to (read back after sending).
    pub fn user(&self) -> Option<&str> {
        match self {
            Planned::Link { user, .. } => Some(user),
            Planned::Unlink { user, .. } => user.as_deref(),
            Planned::AddToGroup { user, .. }
            | Planned::CopyAttributes { user, .. }
            | Planned::DeleteUser { user, .. } => Some(user),
        }
    }

    /// The identity linked or unlinked; empty for a change of no identity (groups,
    /// attributes, a delete).
    pub fn identity(&self) -> ProviderUserIdentifier {
        match self {
            Planned::Link { req, .. } => req.source(),
            Planned::Unlink { req, .. } => req.user(),
            _ => ProviderUserIdentifier::default(),
        }
    }

    pub fn counts(&self) -> Option<LinkCounts> {
        match self {
            Planned::Link { counts, .. } => Some(*counts),
            Planned::Unlink { counts, .. } => *counts,
            _ => None,
        }
    }

    /// An unlink with `ProviderName=Cognito`: it disables password sign-in.
    pub fn disables_password_sign_in(&self) -> bool {
        matches!(self, Planned::Unlink { req, .. } if req.disables_password_sign_in())
    }

    /// The request in the AWS JSON shape, for the journal.
    pub fn request_value(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Planned::Link { req, .. } => serde_json::to_value(req).unwrap_or_default(),
            Planned::Unlink { req, .. } => serde_json::to_value(req).unwrap_or_default(),
            Planned::AddToGroup {
                pool_id,
                user,
                group,
            } => json!({"UserPoolId": pool_id, "Username": user, "GroupName": group}),
            Planned::CopyAttributes {
                pool_id,
                user,
                attributes,
            } => json!({
                "UserPoolId": pool_id,
                "Username": user,
                "UserAttributes": attributes
                    .iter()
                    .map(|(n, v)| json!({"Name": n, "Value": v}))
                    .collect::<Vec<_>>(),
            }),
            Planned::DeleteUser { pool_id, user } => {
                json!({"UserPoolId": pool_id, "Username": user})
            }
        }
    }

    /// The planned change a journal entry's request describes (`operation`, the request as
    /// [`Planned::request_value`] wrote it, the user and the counts before).
    pub fn from_journal(
        operation: &str,
        request: &serde_json::Value,
        user: Option<&str>,
        before: Option<usize>,
    ) -> Option<Planned> {
        let text = |k: &str| request[k].as_str().map(str::to_owned);
        Some(match operation {
            "AdminLinkProviderForUser" => Planned::Link {
                req: serde_json::from_value(request.clone()).ok()?,
                user: user?.to_owned(),
                counts: LinkCounts::link(before.unwrap_or(0)),
            },
            "AdminDisableProviderForUser" => Planned::Unlink {
                req: serde_json::from_value(request.clone()).ok()?,
                user: user.map(str::to_owned),
                counts: before.map(LinkCounts::unlink),
                destination: None,
            },
            "AdminAddUserToGroup" => Planned::AddToGroup {
                pool_id: text("UserPoolId")?,
                user: text("Username")?,
                group: text("GroupName")?,
            },
            "AdminUpdateUserAttributes" => Planned::CopyAttributes {
                pool_id: text("UserPoolId")?,
                user: text("Username")?,
                attributes: request["UserAttributes"]
                    .as_array()?
                    .iter()
                    .map(|a| {
                        Some((
                            a["Name"].as_str()?.to_owned(),
                            a["Value"].as_str()?.to_owned(),
                        ))
                    })
                    .collect::<Option<Vec<_>>>()?,
            },
            "AdminDeleteUser" => Planned::DeleteUser {
                pool_id: text("UserPoolId")?,
                user: text("Username")?,
            },
            _ => return None,
        })
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
            Planned::CopyAttributes { attributes, .. } => Some(
                attributes
                    .iter()
                    .all(|(n, v)| fresh.attribute(n) == Some(v.as_str())),
            ),
            // The user still exists: not deleted. Groups are read on their own.
            Planned::DeleteUser { .. } => Some(false),
            Planned::AddToGroup { .. } => None,
        }
    }

    /// Whether `fresh` holds the link this change asks for (a link refused as "already
    /// linked" is done when the intended destination holds it).
    pub fn held_by(&self, fresh: &UserRecord) -> bool {
        match self {
            Planned::Link { req, .. } => fresh.holds_link(&req.source()),
            _ => false,
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
