//! What the user asks for, whatever key asked it. `keys.rs` turns a key into an [`Intent`]
//! (given the layer in front and the keymap); `update.rs` hands each intent to the code that
//! acts on it: `browse` (moving, loading, filtering), `linking` (the change dialogs), `merging`
//! (the duplicates view and a merge) or the layer stack itself (help).

use ratatui::crossterm::event::KeyEvent;

use super::layers::PromptKind;

/// How far a move goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Rows (or lines) down (positive) or up.
    Lines(isize),
    /// Pages down (positive) or up; a page is what the moved thing shows.
    Pages(isize),
    First,
    Last,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    /// Leave the UI (once the change in flight, if any, is settled).
    Quit,
    /// Move the selection of the screen in front, or scroll the dialog in front.
    Move(Step),

    // The browse screens (no layer open).
    ShowHelp,
    Refresh,
    /// Open what is selected: a pool, or the user's detail.
    Open,
    /// Esc on a screen: the nearest thing to undo.
    Back,
    /// Between the table and the detail pane.
    SwitchPane,
    OpenPrompt(PromptKind),
    CycleSort,
    SwitchPool,
    OpenLinkForm,
    /// Unlink the identity under the detail cursor (from the table: open the detail first).
    Unlink,
    ShowActivity,

    /// Close the help or the activity list.
    Close,
    /// A key typed into the text in front (a prompt, or the form's focused field).
    Type(KeyEvent),

    // A prompt.
    ApplyPrompt,
    CancelPrompt,

    // The link form.
    /// To the next (positive) or previous field.
    MoveField(isize),
    /// The next (positive) or previous provider or attribute name, on those fields.
    Choose(isize),
    SubmitForm,
    CancelForm,

    // The review.
    /// Between Cancel and the confirm button.
    SwitchButton,
    /// Press the focused button.
    PressButton,
    /// Send the change.
    Confirm,
    CancelReview,
    /// Hide the review while its change is sent (the change continues).
    HideReview,
    /// The next attribute an unknown link may have been made by.
    ChooseAttribute,
    /// Copy the review's `aws` command (`false`) or its request JSON (`true`).
    Copy {
        request: bool,
    },
    /// Scroll the review's request and command sideways by columns.
    ScrollSideways(i16),

    // The activity list.
    /// Review the inverse of the session's last change.
    Undo,

    // The duplicates view and the merge review.
    ShowDuplicates,
    /// Enter on a group: review its merge.
    OpenMerge,
    /// To the next (positive) or previous option of the merge review.
    MergeFocus(isize),
    /// Tick or untick the option under the cursor.
    ToggleOption,
    /// The next user of the group to merge.
    NextMerge,
    /// Make the merge (once F's username is typed).
    ConfirmMerge,
    CancelMerge,
    /// Hide the merge review while the merge runs.
    HideMerge,
}
