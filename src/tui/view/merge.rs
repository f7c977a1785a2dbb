//! The merge review: what K gains, what is lost for good, the warnings, `n/5 -> m/5`, the
//! options to tick, the requests in order (as `aws` commands), or why the plan is refused;
//! under them, always visible, the field where F's username is typed and the keys, or the
//! step being sent. Pool text is escaped.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::layout::centered;
use super::{spinner, wrap};
use crate::domain::sanitize::sanitize;
use crate::tui::keymap::{Action, Context};
use crate::tui::merge_review::{MergeReview, MergeRow};
use crate::tui::model::Model;
use crate::tui::theme::Theme;

const WIDTH: u16 = 110;

pub fn render(model: &Model, review: &MergeReview, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let width = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let body = body(model, review, theme, width);
    let popup = centered(area, WIDTH, body.len() as u16 + 5);
    let f = sanitize(&review.merge).into_owned();
    let block = Block::bordered()
        .title(format!(
            " Merge {f} into {} · nothing is sent before you confirm ",
            sanitize(&review.keep)
        ))
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    let [text, rule, name, keys] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let max_scroll = (body.len() as u16).saturating_sub(text.height);
    let scroll = review.scroll.min(max_scroll);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(body).scroll((scroll, 0)), text);
    frame.render_widget(
        Paragraph::new("─".repeat(usize::from(rule.width))).style(theme.dim()),
        rule,
    );
    let focused = review.focus == MergeRow::Name;
    let typed = sanitize(review.typed.value()).into_owned();
    let matches = review.typed.value() == review.merge;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(if focused { "▶ " } else { "  " }, theme.key()),
            Span::raw(format!("Type {f} to confirm (it is deleted): ")),
            Span::styled(
                format!("{typed}{}", if focused { "▏" } else { "" }),
                if matches { theme.ok() } else { theme.warn() },
            ),
        ])),
        name,
    );
    frame.render_widget(
        Paragraph::new(footer(model, review, theme, scroll < max_scroll)),
        keys,
    );
}

fn footer(model: &Model, review: &MergeReview, theme: Theme, more: bool) -> Line<'static> {
    let keymap = &model.setup.keymap;
    let key = |a| keymap.key(Context::Merge, a);
    if let (Some((step, of)), Some(run)) = (review.progress, model.merging.as_ref()) {
        let what = step
            .checked_sub(1)
            .and_then(|i| run.plan.steps.get(i))
            .map_or("starting", |s| s.operation());
        return Line::from(vec![
            Span::styled(format!(" {} ", spinner(model)), theme.info()),
            Span::raw(format!("step {step}/{of}: {what}")),
            Span::styled(
                format!("  ({} hides; the merge continues)", key(Action::Hide)),
                theme.dim(),
            ),
        ]);
    }
    let mut spans = vec![
        Span::styled(format!(" {}", key(Action::Confirm)), theme.key()),
        Span::raw(" merge  "),
        Span::styled(key(Action::Cancel), theme.key()),
        Span::raw(" cancel  "),
        Span::styled(
            format!("{}/{}", key(Action::NextField), key(Action::PreviousField)),
            theme.key(),
        ),
        Span::raw(" option  "),
        Span::styled(key(Action::Toggle), theme.key()),
        Span::raw(" tick"),
    ];
    if review.candidates.len() > 1 {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(key(Action::NextMerge), theme.key()));
        spans.push(Span::raw(" next user to merge"));
    }
    if more {
        spans.push(Span::styled(
            format!("  ↓ more: {}", key(Action::PageDown)),
            theme.dim(),
        ));
    }
    Line::from(spans)
}

fn body(model: &Model, review: &MergeReview, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let text = |lines: &mut Vec<Line<'static>>, prefix: &str, value: &str, style: Style| {
        let value = sanitize(value);
        for (i, part) in wrap(&value, width.saturating_sub(prefix.len() + 1))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                prefix.to_owned()
            } else {
                " ".repeat(prefix.chars().count())
            };
            lines.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
        }
    };
    let (k, f) = (
        sanitize(&review.keep).into_owned(),
        sanitize(&review.merge).into_owned(),
    );
    if review.reading.is_some() {
        lines.push(Line::from(format!(
            "{} Reading {k} and {f} from Cognito…",
            spinner(model)
        )));
        return lines;
    }
    if let Some(e) = &review.read_error {
        text(&mut lines, "✗ ", e, theme.error());
        return lines;
    }
    if let Some(facts) = &review.facts
        && let Some((snapshot, done)) = &facts.resume
    {
        text(
            &mut lines,
            "",
            &format!(
                "Resuming the merge that stopped, from its snapshot {} (taken {}): {done} \
                 step(s) done; its options are fixed.",
                facts.snapshot_path.display(),
                snapshot.time
            ),
            theme.warn(),
        );
    }
    match &review.plan {
        Some(Ok(plan)) => {
            lines.push(Line::from(Span::styled(
                format!("{k}: {} linked identities", plan.counts),
                theme.column_header(),
            )));
            lines.push(Line::from(format!("{k} gains:")));
            for g in &plan.gains {
                text(&mut lines, "  + ", g, theme.ok());
            }
            lines.push(Line::from("Lost for good:"));
            for l in &plan.lost {
                text(&mut lines, "  - ", l, theme.warn());
            }
            for w in &plan.warnings {
                text(&mut lines, "! ", w, theme.warn());
            }
        }
        Some(Err(refusals)) => {
            lines.push(Line::from(Span::styled(
                "Refused: this merge cannot be confirmed (nothing is sent)",
                theme.error(),
            )));
            for r in refusals {
                text(&mut lines, "  ✗ ", r, theme.error());
            }
        }
        None => {}
    }
    lines.push(Line::from(Span::styled("Options", theme.column_header())));
    for row in review.rows() {
        let label = match row {
            MergeRow::Groups => format!("copy {f}'s groups to {k}"),
            MergeRow::Attribute(i) => {
                let name = &review.attributes[i];
                let value = review
                    .facts
                    .as_ref()
                    .and_then(|facts| facts.inputs.merged.attribute(name))
                    .unwrap_or_default();
                format!("copy {} = {}", sanitize(name), sanitize(value))
            }
            MergeRow::Override => format!(
                "override: merge although the address is not verified on both sides (TAKEOVER \
                 RISK: whoever controls {f}'s identity provider account signs in as {k})"
            ),
            MergeRow::Name => continue,
        };
        let marker = if review.focus == row { "▶ " } else { "  " };
        let tick = if review.ticked(row) { "[x] " } else { "[ ] " };
        text(
            &mut lines,
            &format!("{marker}{tick}"),
            &label,
            Style::default(),
        );
    }
    if !review.commands.is_empty() {
        lines.push(Line::from(Span::styled(
            "Requests, in order",
            theme.column_header(),
        )));
        let done = review.resuming().unwrap_or(0);
        for (i, command) in review.commands.iter().enumerate() {
            let mark = if i < done { "done " } else { "" };
            text(
                &mut lines,
                &format!("{:>2}. {mark}", i + 1),
                command,
                theme.dim(),
            );
        }
    }
    if let Some(facts) = &review.facts
        && facts.resume.is_none()
    {
        text(
            &mut lines,
            "",
            &format!(
                "The snapshot of {f} is written to {} before the first step.",
                facts.snapshot_path.display()
            ),
            theme.dim(),
        );
    }
    lines
}
