//! The bottom line: an error (stays, says what to do), a flash message, or the key hints of
//! what is in front (the layer under the help, since the help lists every key itself),
//! generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::keymap::{Action, Context};
use crate::tui::layers::LayerKind;
use crate::tui::model::{Model, Status};
use crate::tui::theme::Theme;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let line = match &model.status {
        Status::Error { text } => {
            let mut spans = vec![
                Span::styled(" ✗ ", theme.error()),
                Span::styled(text.clone(), theme.error()),
            ];
            // A layer without a Back key (a review) has no key that only dismisses.
            if model
                .setup
                .keymap
                .binding(model.context(), Action::Back)
                .is_some()
            {
                spans.push(Span::raw(format!(
                    "  ({} dismisses)",
                    model.setup.keymap.key(model.context(), Action::Back)
                )));
            }
            Line::from(spans)
        }
        Status::Info { text, .. } => Line::from(vec![
            Span::styled(" ✓ ", theme.info()),
            Span::raw(text.clone()),
        ]),
        Status::None => match model
            .layers
            .iter()
            .rev()
            .find(|l| l.kind() != LayerKind::Help)
        {
            Some(layer) => {
                let sending = model.change_running();
                let mut hints: Vec<(String, &str, Action)> = model
                    .setup
                    .keymap
                    .hints(layer.context())
                    .into_iter()
                    .filter(|(_, _, action)| layer.shows_hint(*action, sending))
                    .collect();
                if layer.edits_text() {
                    // A character key would be typed, not act: its hint would mislead.
                    hints.retain(|(key, _, _)| key.chars().count() > 1);
                }
                if layer.context() == Context::Prompt {
                    // Fixed: in a prompt, q is text.
                    hints.push(("Ctrl-C".to_owned(), "quit", Action::Quit));
                }
                hint_line(theme, hints.into_iter(), area.width)
            }
            None => browse_hints(model, area.width),
        },
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// The browse screen's hints (link and unlink left out with `--read-only`, which is said).
fn browse_hints(model: &Model, width: u16) -> Line<'static> {
    let theme = model.theme();
    let read_only = model.setup.read_only;
    let hints = model
        .setup
        .keymap
        .hints(model.context())
        .into_iter()
        .filter(|(_, _, action)| !(read_only && action.is_change()));
    let mut line = hint_line(theme, hints, width);
    if read_only {
        line.spans
            .insert(1, Span::styled("read-only  ", theme.warn()));
    }
    line
}

/// Key hints, as many whole ones as fit in `width`, in keymap order; the help's hint is kept
/// whatever the width (it leads to every other key), after the others that fit.
fn hint_line<'a>(
    theme: Theme,
    hints: impl Iterator<Item = (String, &'a str, Action)>,
    width: u16,
) -> Line<'static> {
    let width_of = |key: &str, hint: &str| key.chars().count() + hint.chars().count() + 3;
    let (help, others): (Vec<_>, Vec<_>) = hints.partition(|(_, _, a)| *a == Action::Help);
    let help = help.into_iter().next();
    let reserved = help.as_ref().map_or(0, |(k, h, _)| width_of(k, h));
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1 + reserved;
    let push = |spans: &mut Vec<Span<'static>>, key: String, hint: &str| {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {hint}  ")));
    };
    for (key, hint, _) in others {
        let w = width_of(&key, hint);
        // The last hint's two trailing spaces may fall off the edge.
        if used + w > usize::from(width) + 2 {
            break;
        }
        used += w;
        push(&mut spans, key, hint);
    }
    if let Some((key, hint, _)) = help {
        push(&mut spans, key, hint);
    }
    Line::from(spans)
}
