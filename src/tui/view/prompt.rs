//! The filter prompts: fuzzy (applied as you type) and Cognito (validated as you type); the
//! keys in their titles come from the keymap.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::domain::sanitize::sanitize;
use crate::tui::format::count;
use crate::tui::keymap::{Action, Context};
use crate::tui::layers::{Prompt, PromptKind};
use crate::tui::model::Model;

pub fn render(model: &Model, prompt: &Prompt, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let apply = model.setup.keymap.key(Context::Prompt, Action::Apply);
    let cancel = model.setup.keymap.key(Context::Prompt, Action::Cancel);
    let (title, lead) = match prompt.kind {
        PromptKind::Fuzzy => (
            format!(" Fuzzy filter · {apply} keeps it · {cancel} clears "),
            "/ ",
        ),
        PromptKind::Server => (
            format!(" Cognito filter · {apply} sends · empty lists everyone · {cancel} cancels "),
            "f ",
        ),
    };
    let block = Block::bordered()
        .title(title)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    let width = usize::from(inner.width.saturating_sub(2)).max(1);
    let scroll = prompt.input.visual_scroll(width);
    let value: String = sanitize(prompt.input.value())
        .chars()
        .skip(scroll)
        .collect();
    let mut input = vec![Span::styled(lead, theme.key()), Span::raw(value)];
    if prompt.kind == PromptKind::Fuzzy && model.users.is_filtered() {
        input.push(Span::styled(
            format!(
                "   {} of {} match",
                count(model.users.len()),
                count(model.users.total())
            ),
            theme.dim(),
        ));
    }
    let mut lines = vec![Line::from(input)];
    if prompt.kind == PromptKind::Server {
        lines.push(match &prompt.error {
            Some(err) => Line::from(Span::styled(format!("✗ {err}"), theme.error())),
            None if prompt.input.value().trim().is_empty() => {
                Line::from(Span::styled("✓ empty: every user", theme.ok()))
            }
            None => Line::from(Span::styled("✓ valid filter", theme.ok())),
        });
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
    let cursor = prompt.input.visual_cursor().saturating_sub(scroll);
    frame.set_cursor_position(Position::new(inner.x + 2 + cursor as u16, inner.y));
}
