//! Copying from the review: the equivalent `aws` command or the request JSON, whole (never
//! the shortened text shown), handed to the terminal layer as [`Effect::Copy`]; its answer
//! ([`Copied`]) becomes the confirmation, with the file's path for terminals that ignore
//! OSC 52. Scrolling the unwrapped request and command sideways.

use crate::tui::effect::Effect;
use crate::tui::format::count;
use crate::tui::model::Model;
use crate::tui::msg::Copied;

/// `Y` (the command) or `J` (the request JSON) in the review.
pub fn copy_from_review(model: &mut Model, request: bool) -> Vec<Effect> {
    let Some(review) = model.layers.review() else {
        return Vec::new();
    };
    let (what, text) = if request {
        ("the request JSON", review.request_json.clone())
    } else {
        ("the aws command", review.aws_command.clone())
    };
    vec![Effect::Copy {
        what: what.to_owned(),
        text,
    }]
}

/// The terminal layer's answer: what was copied and where the file is.
pub fn on_copied(model: &mut Model, copied: Copied) {
    let chars = count(copied.chars);
    match copied.file {
        Ok(path) => model.flash(format!(
            "Copied {} ({chars} characters) to the clipboard by OSC 52; also in {} (if the \
             terminal ignores OSC 52: tmux needs set-clipboard on)",
            copied.what,
            crate::domain::sanitize::sanitize(&path)
        )),
        Err(e) => model.error(format!(
            "Sent {} ({chars} characters) to the clipboard by OSC 52, but writing its file \
             failed: {}",
            copied.what,
            crate::domain::sanitize::sanitize(&e)
        )),
    }
}

/// `h` / `l` in the review: the request and the command move sideways by `delta` columns.
pub fn scroll_sideways(model: &mut Model, delta: i16) {
    if let Some(review) = model.layers.review_mut() {
        review.hscroll = review.hscroll.saturating_add_signed(delta);
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::effect::Effect;
    use crate::tui::linking_tests::{review, reviewed};
    use crate::tui::model::Status;
    use crate::tui::msg::{Copied, Msg};
    use crate::tui::update::update;
    use crate::tui::update_tests::ch;

    #[test]
    fn c_and_j_copy_the_command_and_the_request_whole_and_say_where() {
        let mut m = reviewed("777", (80, 24));
        let command = review(&m).aws_command.clone();
        let json = review(&m).request_json.clone();
        assert_eq!(
            update(&mut m, ch('C')),
            vec![Effect::Copy {
                what: "the aws command".into(),
                text: command.clone()
            }]
        );
        assert_eq!(
            update(&mut m, ch('J')),
            vec![Effect::Copy {
                what: "the request JSON".into(),
                text: json
            }]
        );
        update(
            &mut m,
            Msg::Copied(Copied {
                what: "the aws command".into(),
                chars: command.chars().count(),
                file: Ok("/state/coglink/clipboard.txt".into()),
            }),
        );
        let Status::Info { text, .. } = &m.status else {
            panic!("{:?}", m.status);
        };
        assert!(text.starts_with("Copied the aws command ("), "{text}");
        assert!(text.contains("OSC 52"), "{text}");
        assert!(text.contains("/state/coglink/clipboard.txt"), "{text}");
        // The review stays open: copying is no answer to it.
        assert!(m.layers.review().is_some());
        update(
            &mut m,
            Msg::Copied(Copied {
                what: "the aws command".into(),
                chars: 3,
                file: Err("/ro/clipboard.txt: read-only".into()),
            }),
        );
        assert!(matches!(&m.status, Status::Error { text } if text.contains("read-only")));
    }

    #[test]
    fn h_and_l_scroll_the_request_and_command_sideways() {
        let mut m = reviewed("777", (80, 24));
        update(&mut m, ch('l'));
        update(&mut m, ch('l'));
        assert_eq!(review(&m).hscroll, 16);
        update(&mut m, ch('h'));
        assert_eq!(review(&m).hscroll, 8);
        for _ in 0..3 {
            update(&mut m, ch('h'));
        }
        assert_eq!(review(&m).hscroll, 0);
    }
}
