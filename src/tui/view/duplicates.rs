//! The duplicates view: a count line, then each group (class, what it matches by, the key,
//! the reason) with its members under it (role, username, provider, verified, links). Pool
//! text is escaped. The group under the cursor is highlighted and kept in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::layout::centered;
use crate::domain::sanitize::sanitize;
use crate::domain::{GroupClass, MAX_LINKED_IDENTITIES};
use crate::tui::duplicates::DuplicatesView;
use crate::tui::keymap::{Action, Context};
use crate::tui::model::{Model, Phase};

const WIDTH: u16 = 110;

pub fn render(model: &Model, view: &DuplicatesView, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let keymap = &model.setup.keymap;
    let loading = model.load.phase == Phase::Loading;
    let mut lines = vec![Line::from(vec![
        Span::styled(
            format!(
                "{} group{}, {} mergeable",
                view.groups.len(),
                if view.groups.len() == 1 { "" } else { "s" },
                view.mergeable()
            ),
            theme.column_header(),
        ),
        Span::styled(
            format!(
                " · among {} users loaded{}",
                model.users.total(),
                if loading { " (still loading)" } else { "" }
            ),
            theme.dim(),
        ),
    ])];
    if view.groups.is_empty() {
        lines.push(Line::from("No users share an email or a phone number."));
    }
    // The first line of the group under the cursor, to keep it in view.
    let mut cursor_line = 0;
    for (i, group) in view.groups.iter().enumerate() {
        let selected = i == view.cursor;
        if selected {
            cursor_line = lines.len();
        }
        let class_style = match group.class {
            GroupClass::Mergeable => theme.ok(),
            GroupClass::Unverified | GroupClass::WouldPassLimit => theme.warn(),
            _ => theme.dim(),
        };
        let marker = if selected { "▶ " } else { "  " };
        let mut head = Line::from(vec![
            Span::raw(marker),
            Span::styled(format!("{:<16} ", group.class.name()), class_style),
            Span::raw(format!("{:<5} {}: ", group.by.name(), sanitize(&group.key))),
            Span::styled(sanitize(&group.reason).into_owned(), theme.dim()),
        ]);
        if selected {
            head = head.style(theme.selected());
        }
        lines.push(head);
        for m in &group.members {
            let provider = match &m.identity {
                Some((p, _)) => sanitize(p).into_owned(),
                None => "native".to_owned(),
            };
            lines.push(Line::from(format!(
                "    {:<7}{:<28}{:<14}{:<11}{}/{MAX_LINKED_IDENTITIES}",
                group.role_of(m),
                sanitize(&m.username),
                provider,
                if m.verified { "verified" } else { "unverified" },
                m.links
            )));
        }
    }
    let height = (lines.len() as u16).saturating_add(2);
    let popup = centered(area, WIDTH, height);
    let visible = usize::from(popup.height.saturating_sub(2)).max(1);
    let group_len = view
        .selected()
        .map_or(1, |g| g.members.len() + 1)
        .min(visible);
    let scroll = (cursor_line + group_len).saturating_sub(visible);
    let block = Block::bordered()
        .title(format!(
            " Duplicates · {}/{} move · {} reviews a merge · {} closes ",
            keymap.key(Context::Duplicates, Action::Down),
            keymap.key(Context::Duplicates, Action::Up),
            keymap.key(Context::Duplicates, Action::Open),
            keymap.key(Context::Duplicates, Action::Close)
        ))
        .border_style(theme.border(true));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(block),
        popup,
    );
}
