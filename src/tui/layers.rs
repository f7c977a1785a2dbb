//! The overlays above the browse screens, as one stack: the top layer takes the keys, the
//! paste and the mouse, and the view draws the layers bottom to top. Keys, paste, mouse and
//! view all ask [`Layers::top`], so they agree on what is in front.
//!
//! Dialogs (the link form, the review, the activity list) replace one another in place as a
//! flow moves on (form → review → back to the form); help and the prompts open over what is
//! there and close back to it.

use tui_input::Input;

use super::duplicates::DuplicatesView;
use super::form::{FormPhase, LinkForm};
use super::keymap::{Action, Context};
use super::merge_review::{MergeReview, MergeRow};
use super::review::Review;

/// Which prompt is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// Client-side fuzzy filter; applied on every keystroke.
    Fuzzy,
    /// Cognito ListUsers filter; validated on every keystroke, sent on Enter.
    Server,
}

/// A one-line filter prompt under the table.
#[derive(Clone, Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    /// Why the server filter would be refused (names the rule); `None` when valid.
    pub error: Option<String>,
}

/// One overlay.
#[derive(Clone, Debug)]
pub enum Layer {
    Prompt(Prompt),
    LinkForm(Box<LinkForm>),
    Review(Box<Review>),
    /// This session's changes, newest last.
    Activity {
        scroll: u16,
    },
    /// The keys, generated from the keymap.
    Help {
        scroll: u16,
    },
    /// Users sharing an email or phone, grouped.
    Duplicates(Box<DuplicatesView>),
    /// The review of a merge.
    MergeReview(Box<MergeReview>),
}

/// A layer's kind, for asking what is open without matching its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerKind {
    Prompt,
    LinkForm,
    Review,
    Activity,
    Help,
    Duplicates,
    Merge,
}

impl Layer {
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Prompt(_) => LayerKind::Prompt,
            Layer::LinkForm(_) => LayerKind::LinkForm,
            Layer::Review(_) => LayerKind::Review,
            Layer::Activity { .. } => LayerKind::Activity,
            Layer::Help { .. } => LayerKind::Help,
            Layer::Duplicates(_) => LayerKind::Duplicates,
            Layer::MergeReview(_) => LayerKind::Merge,
        }
    }

    /// The keymap section of this layer.
    pub fn context(&self) -> Context {
        match self {
            Layer::Prompt(_) => Context::Prompt,
            Layer::LinkForm(_) => Context::Form,
            Layer::Review(_) => Context::Review,
            Layer::Activity { .. } => Context::Activity,
            Layer::Help { .. } => Context::Help,
            Layer::Duplicates(_) => Context::Duplicates,
            Layer::MergeReview(_) => Context::Merge,
        }
    }

    /// Whether the layer offers `action` now (its keys do nothing otherwise, and the footer
    /// leaves it out): while a change is sent the review only scrolls and hides; while the
    /// form checks with Cognito it can only be cancelled.
    pub fn offers(&self, action: Action, change_in_flight: bool) -> bool {
        match self {
            Layer::LinkForm(form) if form.phase != FormPhase::Editing => action == Action::Cancel,
            _ => self.shows_hint(action, change_in_flight),
        }
    }

    /// Whether the footer shows `action`'s hint: what the layer offers, except that the
    /// form's hints stay while it checks with Cognito (the form itself says Esc abandons).
    pub fn shows_hint(&self, action: Action, change_in_flight: bool) -> bool {
        match self {
            Layer::Review(_) => match action {
                Action::Down | Action::Up | Action::PageDown | Action::PageUp => true,
                Action::Hide => change_in_flight,
                _ => !change_in_flight,
            },
            Layer::MergeReview(_) => match action {
                Action::PageDown | Action::PageUp => true,
                Action::Hide => change_in_flight,
                _ => !change_in_flight,
            },
            _ => true,
        }
    }

    /// Whether a key the keymap does not bind is typed into the layer's text (a prompt, or
    /// the form while it is edited: a letter on the provider field jumps to a provider).
    pub fn takes_typing(&self) -> bool {
        match self {
            Layer::Prompt(_) => true,
            Layer::Review(review) => review.guard.as_ref().is_some_and(|g| g.focused),
            Layer::LinkForm(form) => form.phase == FormPhase::Editing,
            Layer::MergeReview(review) => review.focus == MergeRow::Name,
            _ => false,
        }
    }

    /// Whether the focus is on text, whose editing keys are fixed.
    pub fn edits_text(&self) -> bool {
        match self {
            Layer::Prompt(_) => true,
            Layer::Review(review) => review.guard.as_ref().is_some_and(|g| g.focused),
            Layer::LinkForm(form) => form.phase == FormPhase::Editing && form.focus.is_text(),
            Layer::MergeReview(review) => review.focus == MergeRow::Name,
            _ => false,
        }
    }

    /// The link form, the reviews, the activity list and the duplicates view: the dialogs
    /// of a change.
    pub fn is_dialog(&self) -> bool {
        matches!(
            self.kind(),
            LayerKind::LinkForm
                | LayerKind::Review
                | LayerKind::Activity
                | LayerKind::Duplicates
                | LayerKind::Merge
        )
    }
}

/// The stack, bottom first. Empty: the browse screens take the keys.
#[derive(Clone, Debug, Default)]
pub struct Layers {
    stack: Vec<Layer>,
}

impl Layers {
    /// The layer in front: it takes the keys, the paste and the mouse.
    pub fn top(&self) -> Option<&Layer> {
        self.stack.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Layer> {
        self.stack.last_mut()
    }

    pub fn top_kind(&self) -> Option<LayerKind> {
        self.top().map(Layer::kind)
    }

    /// Bottom to top, the order they are drawn in.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Layer> {
        self.stack.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    #[cfg(test)]
    pub fn is_open(&self, kind: LayerKind) -> bool {
        self.stack.iter().any(|l| l.kind() == kind)
    }

    /// Opens `layer` in front of the others.
    pub fn open(&mut self, layer: Layer) {
        self.stack.push(layer);
    }

    /// Closes the layer in front; what was under it is in front again.
    pub fn close_top(&mut self) -> Option<Layer> {
        self.stack.pop()
    }

    /// The front layer gives way to `layer` (a flow's next step), or `layer` opens.
    pub fn replace_top(&mut self, layer: Layer) {
        self.stack.pop();
        self.stack.push(layer);
    }

    /// The nearest layer of `kind` gives way to `layer` where it stands; false if none is open.
    pub fn replace(&mut self, kind: LayerKind, layer: Layer) -> bool {
        match self.position(kind) {
            Some(at) => {
                self.stack[at] = layer;
                true
            }
            None => false,
        }
    }

    /// Closes the nearest layer of `kind`, wherever it stands.
    pub fn close(&mut self, kind: LayerKind) -> Option<Layer> {
        let at = self.position(kind)?;
        Some(self.stack.remove(at))
    }

    fn position(&self, kind: LayerKind) -> Option<usize> {
        self.stack.iter().rposition(|l| l.kind() == kind)
    }

    /// The open dialog (link form, review or activity list), if any.
    #[cfg(test)]
    pub fn dialog(&self) -> Option<&Layer> {
        self.stack.iter().rev().find(|l| l.is_dialog())
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::Prompt(p) => Some(p),
            _ => None,
        })
    }

    pub fn prompt_mut(&mut self) -> Option<&mut Prompt> {
        self.stack.iter_mut().rev().find_map(|l| match l {
            Layer::Prompt(p) => Some(p),
            _ => None,
        })
    }

    pub fn form(&self) -> Option<&LinkForm> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::LinkForm(f) => Some(&**f),
            _ => None,
        })
    }

    pub fn form_mut(&mut self) -> Option<&mut LinkForm> {
        self.stack.iter_mut().rev().find_map(|l| match l {
            Layer::LinkForm(f) => Some(&mut **f),
            _ => None,
        })
    }

    pub fn review(&self) -> Option<&Review> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::Review(r) => Some(&**r),
            _ => None,
        })
    }

    pub fn review_mut(&mut self) -> Option<&mut Review> {
        self.stack.iter_mut().rev().find_map(|l| match l {
            Layer::Review(r) => Some(&mut **r),
            _ => None,
        })
    }

    pub fn duplicates(&self) -> Option<&DuplicatesView> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::Duplicates(d) => Some(&**d),
            _ => None,
        })
    }

    pub fn duplicates_mut(&mut self) -> Option<&mut DuplicatesView> {
        self.stack.iter_mut().rev().find_map(|l| match l {
            Layer::Duplicates(d) => Some(&mut **d),
            _ => None,
        })
    }

    pub fn merge_review(&self) -> Option<&MergeReview> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::MergeReview(r) => Some(&**r),
            _ => None,
        })
    }

    pub fn merge_review_mut(&mut self) -> Option<&mut MergeReview> {
        self.stack.iter_mut().rev().find_map(|l| match l {
            Layer::MergeReview(r) => Some(&mut **r),
            _ => None,
        })
    }

    /// How far the help is scrolled; 0 when it is closed.
    #[cfg(test)]
    pub fn help_scroll(&self) -> u16 {
        self.stack
            .iter()
            .rev()
            .find_map(|l| match l {
                Layer::Help { scroll } => Some(*scroll),
                _ => None,
            })
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt() -> Layer {
        Layer::Prompt(Prompt {
            kind: PromptKind::Fuzzy,
            input: Input::default(),
            error: None,
        })
    }

    #[test]
    fn the_last_layer_opened_is_in_front_and_closing_it_uncovers_the_one_below() {
        let mut layers = Layers::default();
        assert_eq!(layers.top_kind(), None);
        layers.open(Layer::Activity { scroll: 0 });
        layers.open(Layer::Help { scroll: 2 });
        assert_eq!(layers.top_kind(), Some(LayerKind::Help));
        assert_eq!(layers.help_scroll(), 2);
        assert_eq!(layers.dialog().map(Layer::kind), Some(LayerKind::Activity));
        layers.close_top();
        assert_eq!(layers.top_kind(), Some(LayerKind::Activity));
        assert_eq!(layers.help_scroll(), 0);
    }

    #[test]
    fn a_layer_is_replaced_or_closed_where_it_stands() {
        let mut layers = Layers::default();
        layers.open(Layer::Activity { scroll: 0 });
        layers.open(prompt());
        assert!(layers.replace(LayerKind::Activity, Layer::Help { scroll: 0 }));
        let kinds: Vec<_> = layers.iter().map(Layer::kind).collect();
        assert_eq!(kinds, [LayerKind::Help, LayerKind::Prompt]);
        assert!(!layers.replace(LayerKind::Review, Layer::Help { scroll: 0 }));
        assert!(layers.close(LayerKind::Help).is_some());
        assert_eq!(layers.top_kind(), Some(LayerKind::Prompt));
        layers.replace_top(Layer::Activity { scroll: 1 });
        assert_eq!(layers.top_kind(), Some(LayerKind::Activity));
        assert!(layers.prompt().is_none());
    }
}
