//! The keymap: the default file, lookups, overrides and refusals.

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn default_keymap_parses_and_has_help_text_for_every_binding() {
    let km = Keymap::default();
    assert!(km.bindings.len() > 20);
    assert!(km.bindings.iter().all(|b| !b.desc.is_empty()));
}

#[test]
fn specific_context_wins_then_falls_back() {
    let km = Keymap::default();
    assert_eq!(
        km.action(Context::Users, &key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
    assert_eq!(
        km.action(Context::Detail, &key(KeyCode::Char('q'))),
        Some(Action::Quit)
    );
    assert_eq!(
        km.action(Context::Detail, &key(KeyCode::Char('/'))),
        Some(Action::FuzzyFilter)
    );
    assert_eq!(km.action(Context::Pools, &key(KeyCode::Char('/'))), None);
    assert_eq!(
        km.action(Context::Users, &key(KeyCode::Char('G'))),
        Some(Action::Bottom)
    );
}

#[test]
fn ctrl_keys_match_only_with_ctrl() {
    let km = Keymap::default();
    let ctrl_f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(km.action(Context::Users, &ctrl_f), Some(Action::PageDown));
    assert_eq!(
        km.action(Context::Users, &key(KeyCode::Char('f'))),
        Some(Action::ServerFilter)
    );
}

#[test]
fn user_overrides_replace_keys_of_one_action() {
    let km = Keymap::with_overrides("[[users]]\naction = \"down\"\nkeys = [\"n\"]\n").unwrap();
    assert_eq!(
        km.action(Context::Users, &key(KeyCode::Char('n'))),
        Some(Action::Down)
    );
    assert_eq!(km.action(Context::Users, &key(KeyCode::Char('j'))), None);
    // Other contexts keep their defaults.
    assert_eq!(
        km.action(Context::Pools, &key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
}

#[test]
fn invalid_user_files_are_refused_with_the_reason() {
    let err = Keymap::with_overrides("[[users]]\naction = \"fly\"\nkeys = [\"x\"]\n").unwrap_err();
    assert!(err.contains("fly"), "{err}");
    let err =
        Keymap::with_overrides("[[users]]\naction = \"up\"\nkeys = [\"hyper-x\"]\n").unwrap_err();
    assert!(err.contains("hyper-x"), "{err}");
}

#[test]
fn keys_display_for_people() {
    assert_eq!(KeySpec::parse("ctrl-f").unwrap().to_string(), "Ctrl-f");
    assert_eq!(KeySpec::parse("down").unwrap().to_string(), "↓");
    assert_eq!(KeySpec::parse("G").unwrap().to_string(), "G");
}

#[test]
fn hints_follow_the_context_chain() {
    let km = Keymap::default();
    let hints = km.hints(Context::Users);
    assert_eq!(hints.first().map(|h| h.1), Some("detail"));
    assert!(hints.iter().any(|(k, h, _)| k == "q" && *h == "quit"));
}

#[test]
fn the_default_keymap_passes_its_own_checks_and_covers_every_layer() {
    let km = Keymap::default();
    assert_eq!(checks::check(&km.bindings), Ok(()));
    for context in Context::ALL.into_iter().filter(|c| !c.is_browse()) {
        for action in context.actions() {
            assert!(
                km.bindings(context).any(|b| b.action == *action),
                "[{}] {}",
                context.name(),
                action.name()
            );
        }
    }
}

#[test]
fn an_override_remaps_a_review_key() {
    let km = Keymap::with_overrides("[[review]]\naction = \"confirm\"\nkeys = [\"Y\"]\n").unwrap();
    assert_eq!(
        km.action(Context::Review, &key(KeyCode::Char('Y'))),
        Some(Action::Confirm)
    );
    assert_eq!(km.action(Context::Review, &key(KeyCode::Char('y'))), None);
    assert_eq!(km.key(Context::Review, Action::Confirm), "Y");
    // The browse screens keep theirs.
    assert_eq!(
        km.action(Context::Users, &key(KeyCode::Char('j'))),
        Some(Action::Down)
    );
}

#[test]
fn a_confirm_key_shared_with_another_action_of_its_layer_is_refused() {
    let err =
        Keymap::with_overrides("[[review]]\naction = \"confirm\"\nkeys = [\"j\"]\n").unwrap_err();
    assert_eq!(
        err,
        "[review] the key j is bound to both confirm (it sends the change) and down: a key \
         that sends a change must do nothing else in its layer"
    );
    // Moving another action onto a confirm key is refused the same way.
    let err =
        Keymap::with_overrides("[[review]]\naction = \"choose_attribute\"\nkeys = [\"enter\"]\n")
            .unwrap_err();
    assert!(
        err.contains("[review] the key Enter is bound to both press (it sends the change) and choose_attribute"),
        "{err}"
    );
    // The same key in another layer is no conflict.
    assert!(Keymap::with_overrides("[[activity]]\naction = \"down\"\nkeys = [\"y\"]\n").is_ok());
}

#[test]
fn text_keys_and_foreign_actions_are_refused_where_they_cannot_work() {
    let err =
        Keymap::with_overrides("[[form]]\naction = \"submit\"\nkeys = [\"s\"]\n").unwrap_err();
    assert!(
        err.starts_with("[form] the key s of submit edits the text"),
        "{err}"
    );
    let err = Keymap::with_overrides("[[prompt]]\naction = \"cancel\"\nkeys = [\"backspace\"]\n")
        .unwrap_err();
    assert!(err.starts_with("[prompt] the key Bksp of cancel"), "{err}");
    // The form's choices act where nothing is typed.
    assert!(Keymap::with_overrides("[[form]]\naction = \"choose_next\"\nkeys = [\"n\"]\n").is_ok());
    let err =
        Keymap::with_overrides("[[help]]\naction = \"confirm\"\nkeys = [\"y\"]\n").unwrap_err();
    assert!(err.starts_with("[help] has no action \"confirm\""), "{err}");
}

#[test]
fn texts_of_a_user_file_are_escaped_and_control_characters_are_no_keys() {
    let err =
        Keymap::with_overrides("[[users]]\naction = \"up\"\nkeys = [\"\\u001b\"]\n").unwrap_err();
    assert!(err.contains("unknown key"), "{err}");
    let km = Keymap::with_overrides(
        "[[users]]\naction = \"up\"\nkeys = [\"k\"]\ndesc = \"up\\u001b[2J\"\nhint = \"\\u0007\"\n",
    )
    .unwrap();
    let b = km.binding(Context::Users, Action::Up).unwrap();
    assert!(!b.desc.contains('\u{1b}') && !b.hint.as_deref().unwrap().contains('\u{7}'));
}
