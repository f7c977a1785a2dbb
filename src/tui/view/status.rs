//! The bottom line: an error (stays, says what to do), a flash message, or key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Status};

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
        Status::None if model.prompt.is_some() => Line::from(vec![
            Span::raw(" "),
            Span::styled("Enter", theme.key()),
            Span::raw(" apply  "),
            Span::styled("Esc", theme.key()),
            Span::raw(" cancel  "),
            Span::styled("Ctrl-C", theme.key()),
            Span::raw(" quit"),
        ]),
        Status::None => {
            let mut spans = vec![Span::raw(" ")];
            for (key, hint) in model.setup.keymap.hints(model.context()) {
                spans.push(Span::styled(key, theme.key()));
                spans.push(Span::raw(format!(" {hint}  ")));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), area);
}
