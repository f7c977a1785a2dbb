//! Changes as the UI plans, reviews, sends and remembers them: the review dialog's content,
//! the change in flight, and this session's activity list.

use super::form::LinkForm;
use super::msg::RequestId;
use crate::aws::Failure;
use crate::aws::TargetSpec;
use crate::awscli::command::{aws_command, aws_command_json, request_json};
use crate::awscli::input::{LINK, UNLINK};
use crate::change::Planned;
use crate::domain::LinkCounts;
use crate::domain::{ProviderUserIdentifier, UnlinkRequest};
use crate::journal::{Outcome, Resolution};

/// The request as the AWS CLI takes it (`--cli-input-json`), terminal-safe.
pub fn request_json_of(planned: &Planned) -> String {
    match planned {
        Planned::Link { req, .. } => request_json(req),
        Planned::Unlink { req, .. } => request_json(req),
        other => request_json(&other.request_value()),
    }
}

/// The same change as an `aws cognito-idp` command line.
pub fn aws_command_of(planned: &Planned, connect: &TargetSpec) -> String {
    match planned {
        Planned::Link { req, .. } => {
            let (dest, src) = (req.destination(), req.source());
            aws_command(&LINK, connect, req.pool_id(), &[&dest, &src])
        }
        Planned::Unlink { req, .. } => aws_command(&UNLINK, connect, req.pool_id(), &[&req.user()]),
        other => aws_command_json(other.operation(), connect, &other.request_value()),
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
    pub fn new(planned: Planned, connect: &TargetSpec, form: Option<LinkForm>) -> Review {
        Review {
            request_json: request_json_of(&planned),
            aws_command: aws_command_of(&planned, connect),
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
    pub fn next_attribute(&mut self, connect: &TargetSpec) {
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
        self.request_json = request_json_of(&self.planned);
        self.aws_command = aws_command_of(&self.planned, connect);
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
    /// Sent with no clear answer (`unknown`); the worker reads the user again.
    Verifying {
        unknown: Failure,
    },
}

/// A change attempted in this session.
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// RFC 3339 time the answer came.
    pub at: String,
    pub planned: Planned,
    pub outcome: Outcome,
    /// The user's link counts before and after, when known.
    pub counts: Option<LinkCounts>,
}

impl Activity {
    pub fn applied(&self) -> bool {
        self.outcome.applied()
    }

    /// `12:04:05` of the RFC 3339 time.
    pub fn clock(&self) -> &str {
        self.at.get(11..19).unwrap_or(&self.at)
    }

    pub fn outcome_label(&self) -> String {
        match &self.outcome {
            Outcome::Ok => "ok".into(),
            Outcome::Pending => "in flight".into(),
            Outcome::AlreadyDone { .. } => "already as asked".into(),
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
