//! The activity list: this session's changes with their outcomes, and what undo would do
//! (its keys from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::layout::centered;
use crate::change::{Planned, describe_identity};
use crate::domain::sanitize::sanitize;
use crate::tui::format::{elide, fit};
use crate::tui::keymap::{Action, Context};
use crate::tui::model::Model;

const WIDTH: u16 = 100;

/// Room the outcome keeps (its longest label, `unclear, then applied`, is 21).
const OUTCOME_WIDTH: usize = 22;

/// User and identity column widths: each as wide as its longest text, cut (with `…`) only
/// when both do not fit beside the time, the change and the outcome.
fn widths(rows: &[(String, String)], inner: usize) -> (usize, usize) {
    let need = |texts: &mut dyn Iterator<Item = &String>, header: &str| {
        texts
            .map(|t| unicode_width::UnicodeWidthStr::width(t.as_str()))
            .chain([header.len()])
            .max()
            .unwrap_or(0)
    };
    let user = need(&mut rows.iter().map(|r| &r.0), "User");
    let identity = need(&mut rows.iter().map(|r| &r.1), "Identity");
    let room = inner.saturating_sub(8 + 1 + 6 + 1 + 1 + 1 + OUTCOME_WIDTH);
    if user + identity <= room {
        return (user, identity);
    }
    let half = room / 2;
    if user <= half {
        (user, room - user)
    } else if identity <= room - half {
        (room - identity, identity)
    } else {
        (half, room - half)
    }
}

pub fn render(model: &Model, scroll: u16, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let mut lines = Vec::new();
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let rows: Vec<(String, String)> = model
        .activity
        .iter()
        .map(|entry| {
            let planned = &entry.planned;
            let user = sanitize(planned.user().unwrap_or_default()).into_owned();
            let identity = sanitize(&format!(
                "{} {}",
                planned.identity().name(),
                planned.identity().value()
            ))
            .into_owned();
            (user, identity)
        })
        .collect();
    let (user_w, identity_w) = widths(&rows, inner);
    if model.activity.is_empty() {
        lines.push(Line::from("No changes in this session yet."));
    } else {
        lines.push(Line::from(Span::styled(
            format!(
                "{:<8} {:<6} {} {} {}",
                "Time",
                "Change",
                fit("User", user_w),
                fit("Identity", identity_w),
                "Outcome"
            ),
            theme.column_header(),
        )));
    }
    for (entry, (user, identity)) in model.activity.iter().zip(&rows) {
        let style = if entry.applied() {
            theme.ok()
        } else {
            theme.warn()
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<8} {:<6} {} {} ",
                entry.clock(),
                entry.planned.verb(),
                fit(user, user_w),
                fit(identity, identity_w),
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
                    sanitize(&elide(&describe_identity(&planned.identity()))),
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
