//! Changes as the UI plans, reviews, sends and remembers them: the review dialog's content,
//! the change in flight, and this session's activity list.

use super::effect::Command;
use super::form::LinkForm;
use super::msg::RequestId;
use crate::aws::Failure;
use crate::awscli::command::{aws_command, request_json};
use crate::awscli::input::{LINK, UNLINK};
use crate::cli::args::GlobalArgs;
use crate::domain::{CountChange, LinkRequest, ProviderUserIdentifier, UnlinkRequest, UserRecord};
use crate::journal::{Change, Counts, Outcome, Resolution};

/// A change ready for review: the request and the user whose identities it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    Link {
        req: LinkRequest,
        /// The destination's username.
        user: String,
        counts: CountChange,
    },
    Unlink {
        req: UnlinkRequest,
        /// The user holding the identity.
        user: String,
        /// That user as a link destination (to undo the unlink).
        destination: ProviderUserIdentifier,
        counts: CountChange,
    },
}

impl Planned {
    pub fn operation(&self) -> &'static str {
        match self {
            Planned::Link { .. } => LINK.operation,
            Planned::Unlink { .. } => UNLINK.operation,
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

    pub fn user(&self) -> &str {
        match self {
            Planned::Link { user, .. } | Planned::Unlink { user, .. } => user,
        }
    }

    /// The identity linked or unlinked.
    pub fn identity(&self) -> ProviderUserIdentifier {
        match self {
            Planned::Link { req, .. } => req.source(),
            Planned::Unlink { req, .. } => req.user(),
        }
    }

    pub fn counts(&self) -> CountChange {
        match self {
            Planned::Link { counts, .. } | Planned::Unlink { counts, .. } => *counts,
        }
    }

    /// The request as the AWS CLI takes it (`--cli-input-json`), terminal-safe.
    pub fn request_json(&self) -> String {
        match self {
            Planned::Link { req, .. } => request_json(req),
            Planned::Unlink { req, .. } => request_json(req),
        }
    }

    /// The same change as an `aws cognito-idp` command line.
    pub fn aws_command(&self, cli: &GlobalArgs) -> String {
        match self {
            Planned::Link { req, .. } => {
                let (dest, src) = (req.destination(), req.source());
                aws_command(&LINK, cli, req.pool_id(), &[&dest, &src])
            }
            Planned::Unlink { req, .. } => aws_command(&UNLINK, cli, req.pool_id(), &[&req.user()]),
        }
    }

    pub fn command(&self, request_id: RequestId) -> Command {
        match self {
            Planned::Link { req, .. } => Command::Link {
                request_id,
                req: req.clone(),
            },
            Planned::Unlink { req, .. } => Command::Unlink {
                request_id,
                req: req.clone(),
            },
        }
    }

    /// Whether `fresh`, the user read after the change, shows it applied.
    pub fn applied_in(&self, fresh: &UserRecord) -> bool {
        match self {
            Planned::Link { req, counts, .. } => fresh.shows_link(&req.source(), counts.before),
            Planned::Unlink { req, .. } => !fresh.holds_link(&req.user()),
        }
    }

    /// The journal's record of this change.
    pub fn journal_change(&self, outcome: Outcome, after: usize) -> Change {
        let request = match self {
            Planned::Link { req, .. } => serde_json::to_value(req),
            Planned::Unlink { req, .. } => serde_json::to_value(req),
        };
        Change {
            operation: self.operation().into(),
            pool_id: self.pool_id().into(),
            request: request.unwrap_or_default(),
            outcome,
            user: Some(self.user().into()),
            counts: Some(Counts {
                before: self.counts().before,
                after,
            }),
        }
    }
}

/// The review dialog: exactly what will be sent, before it is.
#[derive(Clone, Debug)]
pub struct Review {
    pub planned: Planned,
    pub request_json: String,
    pub aws_command: String,
    /// The focus is on the confirm button (it starts on Cancel).
    pub confirm_focused: bool,
    pub scroll: u16,
    /// The form to go back to when the review is cancelled or Cognito refuses the link.
    pub form: Option<LinkForm>,
    /// A warning about this change beyond the usual one (shown under it).
    pub note: Option<String>,
    /// Attribute names to choose from (`c`) for an unlink whose link-time attribute is not
    /// known: the provider's suggestions. Empty: nothing to choose.
    pub attribute_choices: Vec<String>,
}

impl Review {
    pub fn new(planned: Planned, cli: &GlobalArgs, form: Option<LinkForm>) -> Review {
        Review {
            request_json: planned.request_json(),
            aws_command: planned.aws_command(cli),
            planned,
            confirm_focused: false,
            scroll: 0,
            form,
            note: None,
            attribute_choices: Vec::new(),
        }
    }

    /// `c`: the unlink names the next attribute of [`Review::attribute_choices`]; the request
    /// and the `aws` command follow, and the focus goes back to Cancel.
    pub fn next_attribute(&mut self, cli: &GlobalArgs) {
        let Planned::Unlink { req, .. } = &mut self.planned else {
            return;
        };
        if self.attribute_choices.is_empty() {
            return;
        }
        let user = req.user();
        let at = self
            .attribute_choices
            .iter()
            .position(|a| a == user.attribute_name())
            .map_or(0, |i| (i + 1) % self.attribute_choices.len());
        let renamed = ProviderUserIdentifier::new(
            user.name(),
            Some(&self.attribute_choices[at]),
            user.value(),
        );
        *req = UnlinkRequest::new(req.pool_id(), renamed);
        self.request_json = self.planned.request_json();
        self.aws_command = self.planned.aws_command(cli);
        self.confirm_focused = false;
    }
}

/// The change in flight (at most one).
#[derive(Clone, Debug)]
pub struct Pending {
    pub request_id: RequestId,
    pub planned: Planned,
    pub phase: PendingPhase,
    pub form: Option<LinkForm>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PendingPhase {
    Sending,
    /// Sent; reading the user again. `unknown` holds the failure that left the outcome open.
    Verifying {
        at: String,
        unknown: Option<Failure>,
    },
}

/// A change attempted in this session.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// RFC 3339 time the answer came.
    pub at: String,
    pub planned: Planned,
    pub outcome: Outcome,
}

impl Activity {
    pub fn applied(&self) -> bool {
        matches!(
            self.outcome,
            Outcome::Ok
                | Outcome::Unknown {
                    resolution: Resolution::Applied,
                    ..
                }
        )
    }

    /// `12:04:05` of the RFC 3339 time.
    pub fn clock(&self) -> &str {
        self.at.get(11..19).unwrap_or(&self.at)
    }

    pub fn outcome_label(&self) -> String {
        match &self.outcome {
            Outcome::Ok => "ok".into(),
            Outcome::Rejected { code, .. } => format!("rejected ({code})"),
            Outcome::Failed { .. } => "not sent".into(),
            Outcome::Unknown { resolution, .. } => match resolution {
                Resolution::Applied => "unclear, then applied".into(),
                Resolution::NotApplied => "unclear, not applied".into(),
                Resolution::Unresolved => "UNKNOWN".into(),
            },
        }
    }
}

/// `Google Cognito_Subject=123`, for messages.
pub fn describe_identity(id: &ProviderUserIdentifier) -> String {
    match id.attribute_name() {
        "" => format!("{} {}", id.name(), id.value()),
        attr => format!("{} {attr}={}", id.name(), id.value()),
    }
}
