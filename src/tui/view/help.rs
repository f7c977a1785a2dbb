//! The help overlay, generated from the keymap: the browse screens' sections (the current
//! one first), then each layer's, then the keys that are fixed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::wrap;
use crate::tui::keymap::{Action, Context, Keymap};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

/// Width of the keys column.
const KEYS_WIDTH: usize = 18;

/// The popup's width: up to 90 columns.
const WIDTH: u16 = 90;

pub fn render(model: &Model, scroll: u16, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    // Inside the borders: descriptions wrap under themselves, not at column 0.
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let keymap = &model.setup.keymap;
    let read_only = model.setup.read_only;
    let mut lines = Vec::new();
    let order = help_order(model.context());
    let (browse, layers): (Vec<Context>, Vec<Context>) =
        order.into_iter().partition(|c| c.is_browse());
    for context in browse {
        section(model, context, inner, &mut lines);
    }
    if read_only {
        lines.push(Line::from(Span::styled(
            "--read-only is on: link and unlink are hidden and refused",
            theme.warn(),
        )));
        lines.push(Line::default());
    }
    for context in layers {
        section(model, context, inner, &mut lines);
    }
    lines.push(Line::from(Span::styled(
        "Fixed keys",
        theme.column_header(),
    )));
    for (keys, desc) in [
        ("Ctrl-C", "Quit, everywhere"),
        (
            "text keys",
            "In a prompt, a text field of the form or a production review's confirmation field, characters, Bksp, Del, ← / →, Home and End edit the text",
        ),
    ] {
        entry(theme, keys, KEYS_WIDTH, desc, inner, &mut lines);
    }
    if model.cache.is_some() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Marks of a table opened from the cache (--cache), once the pool is listed again",
            theme.column_header(),
        )));
        for (keys, desc) in [
            (
                "+",
                "Added since the cache (or made again with a cached user's name)",
            ),
            (
                "~",
                "Changed since the cache: attributes, status, enabled or identities",
            ),
            (
                "−",
                "Removed since the cache: struck through until the next load",
            ),
        ] {
            entry(theme, keys, KEYS_WIDTH, desc, inner, &mut lines);
        }
    }
    let [_, middle, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(WIDTH),
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
        .title(title(keymap))
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

/// One section: its title, then each binding's keys and description.
fn section(model: &Model, context: Context, inner: usize, lines: &mut Vec<Line<'static>>) {
    let theme = model.theme();
    let read_only = model.setup.read_only;
    lines.push(Line::from(Span::styled(
        context.title(),
        theme.column_header(),
    )));
    for binding in model
        .setup
        .keymap
        .bindings(context)
        .filter(|b| !(read_only && b.action.is_change()))
    {
        // A long list of keys still leaves a space before its description.
        let keys = binding.keys_label();
        let width = KEYS_WIDTH.max(keys.chars().count() + 1);
        entry(theme, &keys, width, &binding.desc, inner, lines);
    }
    lines.push(Line::default());
}

/// One binding: its keys, then its description wrapped so that every line after the first
/// starts under the description.
fn entry(
    theme: Theme,
    keys: &str,
    width: usize,
    desc: &str,
    inner: usize,
    lines: &mut Vec<Line<'static>>,
) {
    let indent = 2 + width;
    let wrapped = wrap(desc, inner.saturating_sub(indent).max(10));
    for (i, part) in wrapped.into_iter().enumerate() {
        let lead = if i == 0 {
            Span::styled(format!("  {keys:<width$}"), theme.key())
        } else {
            Span::raw(" ".repeat(indent))
        };
        lines.push(Line::from(vec![lead, Span::raw(part)]));
    }
}

/// ` Keys · j/k scroll · Esc or ? closes `, with the help's own keys.
fn title(keymap: &Keymap) -> String {
    let close: Vec<String> = keymap
        .binding(Context::Help, Action::Close)
        .map(|b| b.keys.iter().take(2).map(ToString::to_string).collect())
        .unwrap_or_default();
    format!(
        " Keys · {}/{} scroll · {} closes ",
        keymap.key(Context::Help, Action::Down),
        keymap.key(Context::Help, Action::Up),
        close.join(" or ")
    )
}

/// The browse sections of the current context first (most specific first), then the other
/// browse sections, then the layers'.
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
