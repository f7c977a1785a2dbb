//! The activity list: this session's changes with their outcomes, and what undo would do
//! (its keys from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::layout::centered;
use crate::change::{Planned, describe_identity};
use crate::domain::sanitize::sanitize;
use crate::tui::keymap::{Action, Context};
use crate::tui::model::Model;

const WIDTH: u16 = 100;

pub fn render(model: &Model, scroll: u16, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let mut lines = Vec::new();
    if model.activity.is_empty() {
        lines.push(Line::from("No changes in this session yet."));
    } else {
        lines.push(Line::from(Span::styled(
            format!(
                "{:<8} {:<6} {:<14} {:<24} {}",
                "Time", "Change", "User", "Identity", "Outcome"
            ),
            theme.column_header(),
        )));
    }
    for entry in &model.activity {
        let planned = &entry.planned;
        let style = if entry.applied() {
            theme.ok()
        } else {
            theme.warn()
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<8} {:<6} {:<14} {:<24} ",
                entry.clock(),
                planned.verb(),
                sanitize(planned.user().unwrap_or_default()),
                sanitize(&format!(
                    "{} {}",
                    planned.identity().name(),
                    planned.identity().value()
                )),
            )),
            Span::styled(entry.outcome_label(), style),
        ]));
    }
    lines.push(Line::default());
    lines.push(match model.activity.last().filter(|a| a.applied()) {
        Some(last) => {
            let planned = &last.planned;
            let inverse = match planned {
                Planned::Link { .. } => "unlink",
                _ => "link",
            };
            Line::from(vec![
                Span::styled(
                    model.setup.keymap.key(Context::Activity, Action::Undo),
                    theme.key(),
                ),
                Span::raw(format!(
                    " undo the last change: {inverse} {} for {} (reviewed before anything is sent)",
                    sanitize(&describe_identity(&planned.identity())),
                    sanitize(planned.user().unwrap_or_default())
                )),
            ])
        }
        None => Line::from(Span::styled(
            "Nothing to undo: only an applied last change can be undone.",
            theme.dim(),
        )),
    });
    let height = lines.len() as u16 + 4;
    let popup = centered(area, WIDTH, height);
    let block = Block::bordered()
        .title(format!(
            " Activity this session · the journal keeps every change · {} closes ",
            model.setup.keymap.key(Context::Activity, Action::Close)
        ))
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
