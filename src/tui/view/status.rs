//! The bottom line: an error (stays, says what to do), a flash message, or key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::layers::Layer;
use crate::tui::model::{Model, Status};
use crate::tui::theme::Theme;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let line = match &model.status {
        Status::Error { text } => Line::from(vec![
            Span::styled(" ✗ ", theme.error()),
            Span::styled(text.clone(), theme.error()),
            Span::raw("  (Esc dismisses)"),
        ]),
        Status::Info { text, .. } => Line::from(vec![
            Span::styled(" ✓ ", theme.info()),
            Span::raw(text.clone()),
        ]),
        Status::None if model.layers.prompt().is_some() => Line::from(vec![
            Span::raw(" "),
            Span::styled("Enter", theme.key()),
            Span::raw(" apply  "),
            Span::styled("Esc", theme.key()),
            Span::raw(" cancel  "),
            Span::styled("Ctrl-C", theme.key()),
            Span::raw(" quit"),
        ]),
        Status::None if model.layers.dialog().is_some() => {
            let keys: &[(&str, &str)] = match model.layers.dialog() {
                Some(Layer::LinkForm(_)) => &[("Enter", "review"), ("Esc", "cancel")],
                Some(Layer::Review(_)) if model.in_flight.is_some() => &[("Esc", "hide")],
                Some(Layer::Review(_)) => &[("y", "confirm"), ("Esc", "cancel")],
                _ => &[("u", "undo last"), ("Esc", "close")],
            };
            hint_line(
                theme,
                keys.iter().map(|(k, h)| (k.to_string(), *h)),
                area.width,
            )
        }
        Status::None => {
            let read_only = model.setup.read_only;
            let hints = model
                .setup
                .keymap
                .hints(model.context())
                .into_iter()
                .filter(|(_, _, action)| !(read_only && action.is_change()))
                .map(|(k, h, _)| (k, h));
            let mut line = hint_line(theme, hints, area.width);
            if read_only {
                line.spans
                    .insert(1, Span::styled("read-only  ", theme.warn()));
            }
            line
        }
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}

/// Key hints, as many whole ones as fit in `width`.
fn hint_line<'a>(
    theme: Theme,
    hints: impl Iterator<Item = (String, &'a str)>,
    width: u16,
) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, hint) in hints {
        let label = format!(" {hint}  ");
        let w = key.chars().count() + label.chars().count();
        if used + w > usize::from(width) + 2 {
            break;
        }
        used += w;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(label));
    }
    Line::from(spans)
}
