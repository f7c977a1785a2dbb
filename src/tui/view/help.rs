//! The help overlay, generated from the keymap.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::keymap::Context;
use crate::tui::model::Model;

/// Width of the keys column.
const KEYS_WIDTH: usize = 18;

pub fn render(model: &Model, scroll: u16, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let mut lines = Vec::new();
    for context in help_order(model.context()) {
        lines.push(Line::from(Span::styled(
            context.title(),
            theme.column_header(),
        )));
        let read_only = model.setup.read_only;
        for binding in model
            .setup
            .keymap
            .bindings(context)
            .filter(|b| !(read_only && b.action.is_change()))
        {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<KEYS_WIDTH$}", binding.keys_label()),
                    theme.key(),
                ),
                Span::raw(binding.desc.clone()),
            ]));
        }
        lines.push(Line::default());
    }
    if model.setup.read_only {
        lines.push(Line::from(Span::styled(
            "--read-only is on: link and unlink are hidden and refused",
            theme.warn(),
        )));
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        "Link form, review and activity list",
        theme.column_header(),
    )));
    for (keys, desc) in [
        ("Tab / S-Tab", "Next / previous field (also ↓ / ↑)"),
        (
            "← / →",
            "Choose the provider or the attribute (a letter jumps to a provider)",
        ),
        (
            "Enter",
            "Form: check with Cognito, then review (only when every field is valid)",
        ),
        (
            "Tab, Enter / y",
            "Review: move to the confirm button and press it, or y; nothing is sent before",
        ),
        ("j / k", "Review: scroll"),
        (
            "c",
            "Review of an unlink whose link coglink has no record of: choose the attribute it was linked by",
        ),
        (
            "u",
            "Activity list: undo the session's last change (reviewed first)",
        ),
        (
            "Esc",
            "Cancel: nothing is sent (while sending, hides the dialog)",
        ),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<KEYS_WIDTH$}"), theme.key()),
            Span::raw(desc),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Prompts", theme.column_header())));
    for (keys, desc) in [
        (
            "Enter",
            "Apply (the Cognito filter is sent only when valid)",
        ),
        ("Esc", "Close (the fuzzy prompt also clears its filter)"),
        ("Ctrl-C", "Quit, everywhere"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<KEYS_WIDTH$}"), theme.key()),
            Span::raw(desc),
        ]));
    }
    let [_, middle, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(90),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(middle);
    let block = Block::bordered()
        .title(" Keys · j/k scroll · Esc or ? closes ")
        .border_style(theme.border(true));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        popup,
    );
}

/// The sections of the current context first (most specific first), then the others.
fn help_order(current: Context) -> Vec<Context> {
    let mut order: Vec<Context> = Context::ALL
        .into_iter()
        .filter(|c| current.chain().contains(c))
        .collect();
    order.sort_by_key(|c| current.chain().iter().position(|x| x == c));
    order.extend(
        Context::ALL
            .into_iter()
            .filter(|c| !current.chain().contains(c)),
    );
    order
}
