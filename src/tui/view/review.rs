//! The review dialog: who changes, the link count before and after, the warning, the exact
//! request and the equivalent `aws` command; then Cancel / confirm buttons with their keys
//! (from the keymap), or the spinner while the change runs. The body scrolls; the buttons
//! stay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::layout::centered;
use super::{spinner, wrap};
use crate::change::{Planned, describe_identity};
use crate::domain::sanitize::sanitize;
use crate::tui::format::SHOWN_CHARS_MAX;
use crate::tui::keymap::{Action, Context};
use crate::tui::model::Model;
use crate::tui::review::{PendingPhase, Review, TypedConfirm};
use crate::tui::theme::Theme;

const WIDTH: u16 = 100;
/// Columns of the labels in the summary.
const LABEL: usize = 14;

pub fn render(model: &Model, review: &Review, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let choose = model
        .setup
        .keymap
        .key(Context::Review, Action::ChooseAttribute);
    let body = body(review, theme, inner_width, &choose);
    let wide = code_width(review) > inner_width;
    let guard_rows = u16::from(review.guard.is_some());
    let height = body.len() as u16 + 4 + guard_rows;
    let popup = centered(area, WIDTH, height);
    let planned = &review.planned;
    let block = Block::bordered()
        .title(format!(
            " Review {} · nothing is sent before you confirm ",
            planned.operation()
        ))
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    let [text, rule, typed, buttons] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(guard_rows),
        Constraint::Length(1),
    ])
    .areas(inner);
    let max_scroll = (body.len() as u16).saturating_sub(text.height);
    let scroll = review.scroll.min(max_scroll);
    let keymap = &model.setup.keymap;
    let mut more = if scroll < max_scroll {
        format!(
            " ↓ more: {}/{} ",
            keymap.key(Context::Review, Action::Down),
            keymap.key(Context::Review, Action::PageDown)
        )
    } else {
        String::new()
    };
    if wide {
        more.push_str(&format!(
            " {}/{} sideways · {} copies the command, {} the request ",
            keymap.key(Context::Review, Action::ScrollLeft),
            keymap.key(Context::Review, Action::ScrollRight),
            keymap.key(Context::Review, Action::CopyCommand),
            keymap.key(Context::Review, Action::CopyRequest)
        ));
    }
    if review.guard.as_ref().is_some_and(|g| g.focused) {
        // Characters go into the typed field: only keys that are no characters work.
        more = format!(
            " characters go into the field; {} leaves it ",
            keymap.key(Context::Review, Action::Switch)
        );
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(block.title_bottom(more), popup);
    frame.render_widget(Paragraph::new(body).scroll((scroll, 0)), text);
    frame.render_widget(
        Paragraph::new("─".repeat(usize::from(rule.width))).style(theme.dim()),
        rule,
    );
    if let Some(guard) = &review.guard {
        let (line, cursor) = guard_line(model, guard, usize::from(typed.width));
        frame.render_widget(Paragraph::new(line), typed);
        if let Some(col) = cursor {
            frame.set_cursor_position(Position::new(typed.x + col, typed.y));
        }
    }
    frame.render_widget(Paragraph::new(actions(model, review, theme)), buttons);
}

/// `PRODUCTION · type us-east-1_X or alice to confirm › alic` with the cursor in the field
/// when it has the focus; `✓` once the text matches.
fn guard_line(model: &Model, guard: &TypedConfirm, width: usize) -> (Line<'static>, Option<u16>) {
    let theme = model.theme();
    let badge = model
        .setup
        .profile
        .badge
        .as_ref()
        .map_or("PRODUCTION".to_owned(), |b| b.text.clone());
    let names: Vec<String> = guard
        .expected
        .iter()
        .map(|e| sanitize(e).into_owned())
        .collect();
    let lead = format!(" {} ", sanitize(&badge));
    let ask = format!(" type {} to confirm › ", names.join(" or "));
    let typed = sanitize(guard.typed.value()).into_owned();
    let mark = if guard.matches() { " ✓" } else { "" };
    let used = lead.width() + ask.width();
    let room = width.saturating_sub(used + mark.width() + 1);
    // The end of what is typed stays in view.
    let skip = typed.chars().count().saturating_sub(room);
    let shown: String = typed.chars().skip(skip).collect();
    let cursor = guard
        .focused
        .then(|| (used + shown.width()).min(width.saturating_sub(1)) as u16);
    let field_style = if guard.focused {
        theme.key()
    } else {
        Style::new()
    };
    let line = Line::from(vec![
        Span::styled(lead, theme.guard_badge(model.setup.profile.badge.as_ref())),
        Span::raw(ask),
        Span::styled(shown, field_style),
        Span::styled(mark.to_owned(), theme.ok()),
    ]);
    (line, cursor)
}

/// The scrolled text; `choose` is the key that chooses the attribute of an unlink.
fn body(review: &Review, theme: Theme, width: usize, choose: &str) -> Vec<Line<'static>> {
    let (planned, request_json, aws_command) = review.shown();
    let user = sanitize(planned.user().unwrap_or_default()).into_owned();
    let identity = planned.identity();
    let provider = sanitize(identity.name()).into_owned();
    let mut lines = Vec::new();
    let mut row = |label: &str, value: String, style: Style| {
        let indent = " ".repeat(LABEL);
        for (i, part) in wrap(&value, width.saturating_sub(LABEL))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 {
                format!("{label:<LABEL$}")
            } else {
                indent.clone()
            };
            lines.push(Line::from(vec![
                Span::styled(lead, theme.dim()),
                Span::styled(part, style),
            ]));
        }
    };
    let (verb, warning) = match planned {
        Planned::Link { .. } => (
            "Link",
            format!(
                "! Whoever controls this {provider} identity will sign in as {user}, with \
                 {user}'s attributes and groups. Link only an identity you know belongs to \
                 the same person."
            ),
        ),
        Planned::Unlink { .. } => (
            "Unlink",
            format!(
                "! {user} can no longer sign in with this {provider} identity; its next \
                 sign-in creates a new, separate user."
            ),
        ),
        // Reviewed here only as steps of a merge (their own review says what is lost).
        other => ("Confirm", format!("! {}", other.operation())),
    };
    row("User", user.clone(), theme.header());
    row(
        "Links",
        format!(
            "{} linked identities",
            planned.counts().map(|c| c.to_string()).unwrap_or_default()
        ),
        Style::new().add_modifier(ratatui::style::Modifier::BOLD),
    );
    row(
        verb,
        sanitize(&describe_identity(&identity)).into_owned(),
        Style::new(),
    );
    if !review.attribute_choices.is_empty() {
        let choices: Vec<String> = review
            .attribute_choices
            .iter()
            .map(|c| {
                let c = sanitize(c).into_owned();
                if c == identity.attribute_name() {
                    format!("[{c}]")
                } else {
                    c
                }
            })
            .collect();
        row(
            "Linked by",
            format!("{choose} chooses: {}", choices.join("  ")),
            theme.key(),
        );
    }
    lines.push(Line::default());
    for part in wrap(&warning, width) {
        lines.push(Line::from(Span::styled(part, theme.warn())));
    }
    if let Some(note) = &review.note {
        for part in wrap(&sanitize(note), width) {
            lines.push(Line::from(Span::styled(part, theme.warn())));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("Request ({})", planned.operation()),
        theme.column_header(),
    )));
    if review.shown.is_some() {
        for part in wrap(
            &format!(
                "Values over {SHOWN_CHARS_MAX} characters are shortened here, with their length; \
                 they are sent whole."
            ),
            width,
        ) {
            lines.push(Line::from(Span::styled(part, theme.dim())));
        }
    }
    // Not wrapped (a wrapped line copied by hand would break, an escape split in two):
    // one screen line per line, scrolled sideways together with the command.
    let hscroll = usize::from(review.hscroll).min(code_width(review).saturating_sub(width));
    for json_line in request_json.lines() {
        lines.push(code_line(json_line, hscroll, width, theme));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Equivalent AWS CLI command",
        theme.column_header(),
    )));
    lines.push(code_line(aws_command, hscroll, width, theme));
    lines
}

/// The widest line of the request and the command as shown.
fn code_width(review: &Review) -> usize {
    let (_, request_json, aws_command) = review.shown();
    request_json
        .lines()
        .chain([aws_command])
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// `text` from column `skip`, cut at `width`; a dim `›` in the last column says it goes
/// on (`h`/`l` scroll), a dim `‹` in the first that it started before.
fn code_line(text: &str, skip: usize, width: usize, theme: Theme) -> Line<'static> {
    let mut shown = String::new();
    let (mut col, mut used) = (0, 0);
    let mut cut = false;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if col < skip {
            col += w;
            continue;
        }
        if used + w > width {
            cut = true;
            break;
        }
        shown.push(c);
        used += w;
    }
    let mut spans = Vec::new();
    if skip > 0 && !shown.is_empty() {
        shown.remove(0);
        spans.push(Span::styled("‹", theme.dim()));
    }
    if cut {
        shown.pop();
        spans.push(Span::raw(shown));
        spans.push(Span::styled("›", theme.dim()));
    } else {
        spans.push(Span::raw(shown));
    }
    Line::from(spans)
}

/// The buttons, or what the change in flight is doing.
fn actions(model: &Model, review: &Review, theme: Theme) -> Line<'static> {
    let planned = &review.planned;
    let key = |action| model.setup.keymap.key(Context::Review, action);
    if let Some(pending) = model.in_flight.as_ref().filter(|p| p.planned == *planned) {
        let doing = match &pending.phase {
            PendingPhase::Sending => format!(
                "Sending {}…  ({} hides this dialog)",
                planned.operation(),
                key(Action::Hide)
            ),
            PendingPhase::Verifying { .. } => format!(
                "No clear answer; reading {} again to learn whether it was applied (nothing is resent)…",
                sanitize(planned.user().unwrap_or_default())
            ),
        };
        return Line::from(vec![
            Span::styled(format!(" {} ", spinner(model)), theme.key()),
            Span::raw(doing),
        ]);
    }
    let button = |label: &str, focused: bool| {
        let style = if focused {
            theme.selected()
        } else {
            Style::new()
        };
        Span::styled(format!("[ {label} ]"), style)
    };
    let confirm = match planned {
        Planned::Link { .. } => "Link",
        Planned::Unlink { .. } => "Unlink",
        _ => "Confirm",
    };
    if review.guard.as_ref().is_some_and(|g| g.focused) {
        return Line::from(vec![
            Span::raw(" "),
            button("Cancel", false),
            Span::raw("  "),
            button(confirm, false),
            Span::raw("   "),
            Span::styled(key(Action::Press), theme.key()),
            Span::raw(" confirms once typed  "),
            Span::styled(key(Action::Switch), theme.key()),
            Span::raw(" buttons  "),
            Span::styled(key(Action::Cancel), theme.key()),
            Span::raw(" cancel"),
        ]);
    }
    let mut spans = vec![
        Span::raw(" "),
        button("Cancel", !review.confirm_focused),
        Span::raw("  "),
        button(confirm, review.confirm_focused),
        Span::raw("   "),
        Span::styled(key(Action::Switch), theme.key()),
        Span::raw(" switch  "),
        Span::styled(key(Action::Press), theme.key()),
        Span::raw(" press  "),
        Span::styled(key(Action::Confirm), theme.key()),
        Span::raw(" confirm  "),
        Span::styled(key(Action::Cancel), theme.key()),
        Span::raw(" cancel"),
    ];
    if !review.attribute_choices.is_empty() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(key(Action::ChooseAttribute), theme.key()));
        spans.push(Span::raw(" attribute"));
    }
    Line::from(spans)
}
