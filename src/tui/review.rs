//! Changes as the UI plans, reviews, sends and remembers them: the review dialog's content,
//! the change in flight, and this session's activity list.

use std::borrow::Cow;

use tui_input::Input;

use super::form::LinkForm;
use super::format::elide;
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

/// `planned` with every value over [`super::format::SHOWN_CHARS_MAX`] characters shortened (with its
/// length), for showing only: a value of the model's 131,072 characters would otherwise fill
/// thousands of lines, three times. `None` when nothing is that long.
pub fn elided(planned: &Planned) -> Option<Planned> {
    fn id(id: &mut Option<ProviderUserIdentifier>, changed: &mut bool) {
        let Some(id) = id else { return };
        for member in [
            &mut id.provider_name,
            &mut id.provider_attribute_name,
            &mut id.provider_attribute_value,
        ] {
            if let Some(text) = member
                && let Cow::Owned(short) = elide(text)
            {
                *text = short;
                *changed = true;
            }
        }
    }
    let mut shown = planned.clone();
    let mut changed = false;
    match &mut shown {
        Planned::Link { req, .. } => {
            id(&mut req.destination_user, &mut changed);
            id(&mut req.source_user, &mut changed);
        }
        Planned::Unlink { req, .. } => id(&mut req.user, &mut changed),
        _ => {}
    }
    changed.then_some(shown)
}

/// The review dialog: exactly what will be sent, before it is.
#[derive(Clone, Debug)]
pub struct Review {
    pub planned: Planned,
    /// What is sent, whole (what a copy takes).
    pub request_json: String,
    pub aws_command: String,
    /// As shown: long values shortened, with their length (see [`elided`]); `None` when
    /// nothing is shortened and the whole text is shown.
    pub shown: Option<Shown>,
    /// The focus is on the confirm button (it starts on Cancel).
    pub confirm_focused: bool,
    pub scroll: u16,
    /// Columns the request and the command are scrolled sideways (they are not wrapped).
    pub hscroll: u16,
    /// The form to go back to when the review is cancelled or Cognito refuses the link.
    pub form: Option<LinkForm>,
    /// A warning about this change beyond the usual one (shown under it).
    pub note: Option<String>,
    /// The production guard's typed confirmation, when the profile has one.
    pub guard: Option<TypedConfirm>,
    /// Attribute names to choose from (`c`) for an unlink whose link-time attribute is not
    /// known: the provider's suggestions. Empty: nothing to choose.
    pub attribute_choices: Vec<String>,
}

/// A production profile's guard: the change is sent only once the pool id or the user's
/// name is typed exactly.
#[derive(Clone, Debug)]
pub struct TypedConfirm {
    /// What may be typed: the pool id, then the user's name when the change has one.
    pub expected: Vec<String>,
    pub typed: Input,
    /// The typed field has the focus (it starts with it): characters go into it.
    pub focused: bool,
}

impl TypedConfirm {
    pub fn for_change(planned: &Planned) -> TypedConfirm {
        let mut expected = vec![planned.pool_id().to_owned()];
        expected.extend(planned.user().map(str::to_owned));
        TypedConfirm {
            expected,
            typed: Input::default(),
            focused: true,
        }
    }

    pub fn matches(&self) -> bool {
        let typed = self.typed.value();
        !typed.is_empty() && self.expected.iter().any(|e| e == typed)
    }
}

/// The review's texts with long values shortened.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    pub planned: Planned,
    pub request_json: String,
    pub aws_command: String,
}

impl Shown {
    fn of(planned: &Planned, connect: &TargetSpec) -> Option<Shown> {
        elided(planned).map(|planned| Shown {
            request_json: request_json_of(&planned),
            aws_command: aws_command_of(&planned, connect),
            planned,
        })
    }
}

impl Review {
    /// `guarded`: the profile's production guard asks for the pool id or the user's name
    /// to be typed before anything is sent.
    pub fn new(
        planned: Planned,
        connect: &TargetSpec,
        form: Option<LinkForm>,
        guarded: bool,
    ) -> Review {
        Review {
            guard: guarded.then(|| TypedConfirm::for_change(&planned)),
            request_json: request_json_of(&planned),
            aws_command: aws_command_of(&planned, connect),
            shown: Shown::of(&planned, connect),
            planned,
            confirm_focused: false,
            scroll: 0,
            hscroll: 0,
            form,
            note: None,
            attribute_choices: Vec::new(),
        }
    }

    /// The planned change, the request and the command as shown.
    pub fn shown(&self) -> (&Planned, &str, &str) {
        match &self.shown {
            Some(s) => (&s.planned, &s.request_json, &s.aws_command),
            None => (&self.planned, &self.request_json, &self.aws_command),
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
        self.shown = Shown::of(&self.planned, connect);
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
