//! The keymap's vocabulary: its sections (a browse screen or a layer) and the actions each
//! offers. The file's section and action names are these, in snake case.

use serde::Deserialize;

/// Where a binding applies: a browse screen (with fallbacks) or one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Context {
    /// The browse screens' fallback (the pool picker, the table, the detail).
    Global,
    Pools,
    Users,
    Detail,
    /// The link form (its text fields keep their editing keys).
    Form,
    /// The review of a change, before and while it is sent.
    Review,
    /// This session's changes.
    Activity,
    /// The duplicates view (groups of users sharing an email or phone).
    Duplicates,
    /// The review of a merge, with its options and typed confirmation (a text field).
    Merge,
    /// The help overlay.
    Help,
    /// The fuzzy and the Cognito filter prompts (their text keeps its editing keys).
    Prompt,
}

impl Context {
    pub const ALL: [Context; 11] = [
        Context::Global,
        Context::Pools,
        Context::Users,
        Context::Detail,
        Context::Form,
        Context::Review,
        Context::Activity,
        Context::Duplicates,
        Context::Merge,
        Context::Prompt,
        Context::Help,
    ];

    /// The file's name of the section.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Pools => "pools",
            Context::Users => "users",
            Context::Detail => "detail",
            Context::Form => "form",
            Context::Review => "review",
            Context::Activity => "activity",
            Context::Duplicates => "duplicates",
            Context::Merge => "merge",
            Context::Help => "help",
            Context::Prompt => "prompt",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Pools => "Pool picker",
            Context::Users => "User table",
            Context::Detail => "Detail pane (focused)",
            Context::Form => "Link form",
            Context::Review => "Review (nothing is sent before you confirm)",
            Context::Activity => "Activity list",
            Context::Duplicates => "Duplicates view",
            Context::Merge => "Merge review (nothing is sent before you type the name and confirm)",
            Context::Help => "This help",
            Context::Prompt => "Prompts (fuzzy and Cognito filters)",
        }
    }

    /// A browse screen (or their fallback), as opposed to a layer over them.
    pub fn is_browse(self) -> bool {
        matches!(
            self,
            Context::Global | Context::Pools | Context::Users | Context::Detail
        )
    }

    /// A layer with text input: its editing keys are fixed and cannot be bound.
    pub fn has_text(self) -> bool {
        matches!(self, Context::Form | Context::Prompt | Context::Merge)
    }

    /// Contexts searched for a key, most specific first.
    pub fn chain(self) -> &'static [Context] {
        match self {
            Context::Global => &[Context::Global],
            Context::Pools => &[Context::Pools, Context::Global],
            Context::Users => &[Context::Users, Context::Global],
            Context::Detail => &[Context::Detail, Context::Users, Context::Global],
            Context::Form => &[Context::Form],
            Context::Review => &[Context::Review],
            Context::Activity => &[Context::Activity],
            Context::Duplicates => &[Context::Duplicates],
            Context::Merge => &[Context::Merge],
            Context::Help => &[Context::Help],
            Context::Prompt => &[Context::Prompt],
        }
    }

    /// The actions a binding of this section may name.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Context::Global | Context::Pools | Context::Users | Context::Detail => &[
                Quit,
                Help,
                Refresh,
                Up,
                Down,
                Top,
                Bottom,
                PageUp,
                PageDown,
                Open,
                Back,
                FocusNext,
                FuzzyFilter,
                ServerFilter,
                CycleSort,
                SwitchPool,
                Link,
                Unlink,
                Activity,
                Duplicates,
            ],
            Context::Form => &[
                NextField,
                PreviousField,
                ChooseNext,
                ChoosePrevious,
                Submit,
                Cancel,
            ],
            Context::Review => &[
                Down,
                Up,
                PageDown,
                PageUp,
                Switch,
                Press,
                Confirm,
                Cancel,
                Hide,
                ChooseAttribute,
                CopyCommand,
                CopyRequest,
                ScrollLeft,
                ScrollRight,
            ],
            Context::Activity => &[Down, Up, Undo, Close],
            Context::Duplicates => &[Down, Up, Top, Bottom, Open, Close],
            Context::Merge => &[
                NextField,
                PreviousField,
                Toggle,
                NextMerge,
                PageDown,
                PageUp,
                Confirm,
                Cancel,
                Hide,
            ],
            Context::Help => &[Down, Up, Close],
            Context::Prompt => &[Apply, Cancel],
        }
    }
}

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Refresh,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Open,
    Back,
    FocusNext,
    FuzzyFilter,
    ServerFilter,
    CycleSort,
    SwitchPool,
    Link,
    Unlink,
    Activity,
    /// Close the help or the activity list.
    Close,
    /// A prompt's Enter.
    Apply,
    /// Leave a prompt, the form or the review with nothing sent.
    Cancel,
    NextField,
    PreviousField,
    /// The next provider or attribute name (on those fields of the form).
    ChooseNext,
    ChoosePrevious,
    /// The form's Enter: check with Cognito, then review.
    Submit,
    /// Between the review's Cancel and confirm buttons.
    Switch,
    /// Press the review's focused button (confirm sends the change).
    Press,
    /// Send the change.
    Confirm,
    /// Hide the review while its change is sent.
    Hide,
    /// The attribute an unrecorded link was made by (review of an unlink).
    ChooseAttribute,
    /// Review the inverse of the session's last change.
    Undo,
    /// The duplicates view (users sharing an email or phone).
    Duplicates,
    /// Tick or untick the merge option under the cursor.
    Toggle,
    /// The next user of the group to merge.
    NextMerge,
    /// Copy the review's equivalent `aws` command (OSC 52, and a file).
    CopyCommand,
    /// Copy the review's request JSON.
    CopyRequest,
    /// Scroll the review's request and command sideways (they are not wrapped).
    ScrollLeft,
    ScrollRight,
}

impl Action {
    /// Actions that change the pool: hidden and refused with `--read-only`.
    pub fn is_change(self) -> bool {
        matches!(self, Action::Link | Action::Unlink)
    }

    /// Actions whose key sends a change: their keys must do nothing else in their layer.
    pub fn sends_change(self) -> bool {
        matches!(self, Action::Confirm | Action::Press)
    }

    /// Actions on the form's choice fields, where no text is typed: they may use text keys.
    pub fn acts_on_choices(self) -> bool {
        matches!(
            self,
            Action::ChooseNext | Action::ChoosePrevious | Action::Toggle
        )
    }

    /// The file's name of the action.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut name = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        }
        name
    }
}
