//! The top line: where coglink is connected and which pool is open.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::domain::sanitize::sanitize;
use crate::tui::model::Model;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let mut spans = vec![
        Span::styled(" coglink ", theme.header()),
        Span::raw("│ "),
        Span::raw(sanitize(&model.setup.target).into_owned()),
    ];
    if let Some(pool) = &model.pool {
        spans.push(Span::raw(" │ pool "));
        match &pool.name {
            Some(name) => {
                spans.push(Span::styled(sanitize(name).into_owned(), theme.header()));
                spans.push(Span::raw(format!(" ({})", sanitize(&pool.id))));
            }
            None => spans.push(Span::styled(
                sanitize(&pool.id).into_owned(),
                theme.header(),
            )),
        }
    }
    if model.setup.read_only {
        spans.push(Span::raw(" │ "));
        spans.push(Span::styled("READ-ONLY", theme.warn()));
    }
    frame.render_widget(Line::from(spans), area);
}
