//! The detail pane: the selected user's summary, linked identities and every attribute.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::domain::identities::IDENTITIES_ATTRIBUTE;
use crate::domain::sanitize::sanitize;
use crate::domain::{IdentityRef, MAX_LINKED_IDENTITIES, UserRecord};
use crate::tui::format::utc_time;
use crate::tui::format::utc_time_millis;
use crate::tui::keymap::{Action, Context};
use crate::tui::model::{Model, Pane};
use crate::tui::theme::Theme;

/// Widest attribute name column.
const NAME_WIDTH: usize = 20;
/// Lines each identity takes.
pub const IDENTITY_LINES: u16 = 3;
/// Lines before the first identity: four summary lines, a blank, the identities heading.
const BEFORE_IDENTITIES: u16 = 6;

/// The line (from the top of the pane's text) identity `i` starts on.
pub fn identity_line(i: usize) -> u16 {
    BEFORE_IDENTITIES + IDENTITY_LINES * i as u16
}

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let block = Block::bordered()
        .title(format!(
            " Detail ({} focus, {} close) ",
            model.key(Context::Users, Action::FocusNext),
            model.key(Context::Detail, Action::Back)
        ))
        .border_style(theme.border(model.focus == Pane::Detail));
    let cursor = (model.focus == Pane::Detail).then_some(model.identity_cursor);
    let lines = match model.users.selected_user() {
        Some(user) => lines(user, theme, cursor),
        None => vec![Line::from("No user selected.")],
    };
    let body = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((model.detail_scroll, 0))
        .block(block);
    frame.render_widget(body, area);
}

/// The pane's text; `cursor` marks that identity (when the pane has the focus).
pub fn lines(user: &UserRecord, theme: Theme, cursor: Option<usize>) -> Vec<Line<'static>> {
    let field = |name: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{name:<10}"), theme.dim()),
            Span::raw(value),
        ])
    };
    let kind = if user.is_federated() {
        " · federated user"
    } else {
        ""
    };
    let enabled = if user.enabled { "enabled" } else { "DISABLED" };
    let mut out = vec![
        field("Username", sanitize(user.username()).into_owned()),
        field(
            "Status",
            format!("{} · {enabled}{kind}", sanitize(user.status())),
        ),
        field("Created", utc_time(user.created())),
        field("Modified", utc_time(user.modified())),
        Line::default(),
    ];
    out.extend(identity_lines(user, theme, cursor));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        format!("Attributes ({})", user.attribute_count()),
        theme.column_header(),
    )));
    let width = user
        .attributes()
        .map(|(n, _)| sanitize(n).chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_WIDTH);
    for (name, value) in user.attributes() {
        let value = match user.identities() {
            Ok(ids) if name == IDENTITIES_ATTRIBUTE => {
                format!("JSON list of {} (shown above)", ids.len())
            }
            _ => sanitize(value).into_owned(),
        };
        out.push(Line::from(vec![
            Span::styled(format!("  {:<width$} ", sanitize(name)), theme.dim()),
            Span::raw(value),
        ]));
    }
    out
}

fn identity_lines(user: &UserRecord, theme: Theme, cursor: Option<usize>) -> Vec<Line<'static>> {
    let identities = match user.identities() {
        Ok(ids) => ids,
        Err(err) => {
            let raw = user.attribute(IDENTITIES_ATTRIBUTE).unwrap_or_default();
            return vec![
                Line::from(Span::styled("Linked identities", theme.column_header())),
                Line::from(Span::styled(
                    format!("  ✗ {}", sanitize(&err.to_string())),
                    theme.error(),
                )),
                Line::from(format!("  raw value: {}", sanitize(raw))),
            ];
        }
    };
    let links = user.link_count();
    let limit_note = match MAX_LINKED_IDENTITIES.saturating_sub(links) {
        0 => " ! limit reached: unlink one before linking another",
        1 => " ! one more link allowed",
        _ => "",
    };
    let count_style = if limit_note.is_empty() {
        theme.column_header()
    } else {
        theme.warn()
    };
    let mut out = vec![Line::from(vec![
        Span::styled("Linked identities ", theme.column_header()),
        Span::styled(
            format!("{links}/{MAX_LINKED_IDENTITIES}{limit_note}"),
            count_style,
        ),
    ])];
    if identities.len() == 0 {
        out.push(Line::from("  none"));
    }
    let last = identities.len().saturating_sub(1);
    for (i, identity) in identities.enumerate() {
        out.extend(identity_entry(
            identity,
            theme,
            cursor.map(|c| c.min(last)) == Some(i),
        ));
    }
    out
}

fn identity_entry(identity: IdentityRef<'_>, theme: Theme, selected: bool) -> [Line<'static>; 3] {
    let role = if identity.primary {
        " · primary (the user's own sign-in)"
    } else {
        " · linked"
    };
    let issuer = identity
        .issuer
        .map(|i| format!(" · issuer {}", sanitize(i)))
        .unwrap_or_default();
    let (bullet, style) = if selected {
        ("▶ • ", theme.selected())
    } else {
        ("  • ", ratatui::style::Style::new())
    };
    [
        Line::from(vec![
            Span::styled(bullet, style),
            Span::styled(
                sanitize(identity.provider_name).into_owned(),
                theme.badge().patch(style),
            ),
            Span::styled(
                format!(" ({}){role}", sanitize(identity.provider_type)),
                style,
            ),
        ]),
        Line::from(format!("    user id {}", sanitize(identity.user_id))),
        Line::from(format!(
            "    since {}{issuer}",
            utc_time_millis(identity.date_created)
        )),
    ]
}
