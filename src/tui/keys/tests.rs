//! Every layer's actions are reachable with the default keys, a remapped key moves the
//! action (and the help says so), and the layer in front takes the keys.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{intent, intent_of};
use crate::tui::intent::{Intent, Step};
use crate::tui::keymap::{Action, Context, KeySpec, Keymap};
use crate::tui::layers::LayerKind;
use crate::tui::linking_tests::{confirmed, form_on, loaded, reviewed};
use crate::tui::model::{Model, Screen};
use crate::tui::update::{init, update};
use crate::tui::update_tests::{ch, key, setup};
use crate::tui::view::tests::screen;

fn event(spec: &KeySpec) -> KeyEvent {
    let mods = if spec.ctrl {
        KeyModifiers::CONTROL
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(spec.code, mods)
}

/// A model with `context` in front; `sending`: a change is in flight (the review).
fn in_front(context: Context, sending: bool) -> Model {
    let size = (100, 30);
    match context {
        Context::Pools => {
            let mut m = Model::new(setup(), None, size);
            init(&mut m);
            assert_eq!(m.screen, Screen::Pools);
            m
        }
        Context::Global | Context::Users => loaded(size),
        Context::Detail => {
            let mut m = loaded(size);
            update(&mut m, key(KeyCode::Enter));
            update(&mut m, key(KeyCode::Tab));
            assert_eq!(m.context(), Context::Detail);
            m
        }
        Context::Form => form_on(0, size),
        Context::Review => {
            let mut m = reviewed("777", size);
            if sending {
                confirmed(&mut m);
            }
            m
        }
        Context::Activity => {
            let mut m = loaded(size);
            update(&mut m, ch('a'));
            m
        }
        Context::Duplicates => crate::tui::merging_tests::dup_view(size, true),
        Context::Merge => {
            let mut m = crate::tui::merging_tests::merge_review(size, true);
            if sending {
                crate::tui::merging_tests::merge_confirmed(&mut m);
                update(&mut m, key(KeyCode::Tab));
            }
            m
        }
        Context::Help => {
            let mut m = loaded(size);
            update(&mut m, ch('?'));
            m
        }
        Context::Prompt => {
            let mut m = loaded(size);
            update(&mut m, ch('/'));
            m
        }
    }
}

#[test]
fn every_action_of_every_layer_is_reachable_with_the_default_keys() {
    let keymap = Keymap::default();
    for context in Context::ALL {
        let offered = context.actions().iter();
        if context.is_browse() {
            // A browse section accepts every browse action; each has a key on some screen.
            for action in offered {
                assert!(
                    Context::ALL
                        .iter()
                        .filter(|c| c.is_browse())
                        .any(|c| keymap.bindings(*c).any(|b| b.action == *action)),
                    "{action:?} has no key on any browse screen"
                );
            }
        } else {
            for action in offered {
                assert!(
                    keymap.bindings(context).any(|b| b.action == *action),
                    "[{}] {} has no key",
                    context.name(),
                    action.name()
                );
            }
        }
        // Each key of each binding does what its binding says, with its layer in front (the
        // review's hide while a change is sent, the rest when none is).
        for binding in keymap.bindings(context) {
            let expected = intent_of(context, binding.action).expect("a meaning");
            let m = in_front(context, binding.action == Action::Hide);
            for spec in &binding.keys {
                assert_eq!(
                    intent(&m, event(spec)),
                    Some(expected),
                    "[{}] {} key {spec}",
                    context.name(),
                    binding.action.name()
                );
            }
        }
    }
}

#[test]
fn a_remapped_review_key_confirms_and_the_help_and_footer_show_it() {
    let overrides = "[[review]]\naction = \"confirm\"\nkeys = [\"Y\"]\n";
    let keymap = Keymap::with_overrides(overrides).unwrap();
    let mut m = reviewed("777", (100, 30));
    m.setup.keymap = keymap;
    assert_eq!(
        intent(&m, KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        intent(&m, KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
        Some(Intent::Confirm)
    );
    let review = screen(&m);
    assert!(review.contains("Y confirm"), "{review}");
    assert!(!review.contains("y confirm"), "{review}");

    let mut m = loaded((120, 120));
    m.setup.keymap = Keymap::with_overrides(overrides).unwrap();
    update(&mut m, ch('?'));
    let help = screen(&m);
    let line = help
        .lines()
        .find(|l| l.contains("Confirm: send the change"))
        .unwrap_or_else(|| panic!("{help}"));
    assert!(line.contains("  Y  "), "{line}");
}

#[test]
fn the_layer_in_front_takes_the_keys() {
    // The help over the table: j scrolls the help.
    let mut m = loaded((100, 30));
    update(&mut m, ch('?'));
    assert_eq!(m.layers.top_kind(), Some(LayerKind::Help));
    assert_eq!(
        intent(&m, event(&KeySpec::parse("j").unwrap())),
        Some(Intent::Move(Step::Lines(1)))
    );
    assert_eq!(
        intent(&m, event(&KeySpec::parse("l").unwrap())),
        None,
        "no link form from the help"
    );
    // A prompt types what the table would take as commands.
    let mut m = loaded((100, 30));
    update(&mut m, ch('/'));
    let q = event(&KeySpec::parse("q").unwrap());
    assert_eq!(intent(&m, q), Some(Intent::Type(q)));
    // The review while sending only scrolls and hides.
    let m = in_front(Context::Review, true);
    assert_eq!(intent(&m, event(&KeySpec::parse("y").unwrap())), None);
    assert_eq!(
        intent(&m, event(&KeySpec::parse("esc").unwrap())),
        Some(Intent::HideReview)
    );
    // Ctrl-C quits from any layer.
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for context in Context::ALL {
        assert_eq!(
            intent(&in_front(context, false), ctrl_c),
            Some(Intent::Quit),
            "{context:?}"
        );
    }
}

#[test]
fn text_fields_keep_their_editing_keys_whatever_the_keymap_binds() {
    // Space and → choose on the provider field, and are text on a text field.
    let mut m = form_on(0, (100, 30));
    let space = event(&KeySpec::parse("space").unwrap());
    assert_eq!(intent(&m, space), Some(Intent::Choose(1)));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(intent(&m, space), Some(Intent::Type(space)));
    let right = event(&KeySpec::parse("right").unwrap());
    assert_eq!(intent(&m, right), Some(Intent::Type(right)));
}
