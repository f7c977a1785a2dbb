//! The user table: one row per loaded user, filled in as pages arrive, with the active
//! filters in the title and the load progress in the bottom border. A table opened from the
//! pool's cache says how old the cache is and how far its refresh went; once refreshed, a
//! first column marks the users added (`+`), changed (`~`) and removed (`−`, struck) since.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

use super::spinner;
use crate::cache::Mark;
use crate::domain::sanitize::sanitize;
use crate::domain::{MAX_LINKED_IDENTITIES, UserRecord};
use crate::tui::cache::state::{CacheView, RefreshState};
use crate::tui::format::{count, short_status};
use crate::tui::keymap::{Action, Context};
use crate::tui::model::{Model, Pane, Phase};
use crate::tui::theme::Theme;
use crate::tui::users::SortOrder;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let focused = model.focus == Pane::Table || !model.detail_open;
    let block = Block::bordered()
        .title(title(model))
        .title_bottom(progress(model))
        .border_style(theme.border(focused));
    if model.users.is_empty() {
        let body = Paragraph::new(empty_text(model))
            .wrap(Wrap { trim: true })
            .block(block);
        frame.render_widget(body, area);
        return;
    }
    // Only the visible rows are built: the table may hold 100k users.
    let visible = usize::from(area.height.saturating_sub(3));
    let cells: Vec<RowText> = model.users.window(visible).map(RowText::of).collect();
    // The marks of a refreshed cache, when there are any, in a column of their own.
    let marks = model.cache.as_ref().filter(|c| !c.marks.is_empty());
    let mark_width = if marks.is_some() { 2 } else { 0 };
    let widths = column_widths(&cells, area.width.saturating_sub(2 + mark_width));
    let rows = cells.into_iter().map(|c| {
        let mark = marks.and_then(|m| m.mark(&c.key));
        c.row(theme, marks.map(|_| mark))
    });
    let mut constraints: Vec<Constraint> = Vec::with_capacity(7);
    let mut header = Vec::with_capacity(7);
    if marks.is_some() {
        constraints.push(Constraint::Length(1));
        header.push("±");
    }
    constraints.extend(widths.map(Constraint::Length));
    header.extend(["Username", "Status", "On", "Email", "Links", "Providers"]);
    let table = Table::new(rows, constraints)
        .header(Row::new(header).style(theme.column_header()))
        .row_highlight_style(theme.selected())
        .highlight_symbol(Line::from("▶ "))
        .block(block);
    let selected = model.users.selected().saturating_sub(model.users.offset());
    let mut state = TableState::new().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A row's texts, escaped, so column widths can be sized to them before drawing.
struct RowText {
    /// The username as the pool has it (the marks are looked up by it; never drawn).
    key: String,
    username: String,
    status: String,
    enabled: bool,
    email: String,
    links: usize,
    badges: String,
}

impl RowText {
    fn of(user: &UserRecord) -> RowText {
        RowText {
            key: user.username().to_owned(),
            username: sanitize(user.username()).into_owned(),
            // Unknown statuses are shown as sent: escaped like any pool text.
            status: sanitize(short_status(user.status())).into_owned(),
            enabled: user.enabled,
            email: sanitize(user.email().unwrap_or("")).into_owned(),
            links: user.link_count(),
            badges: badges(user),
        }
    }

    /// The row; `mark`: `Some` when the table shows the mark column.
    fn row(self, theme: Theme, mark: Option<Option<Mark>>) -> Row<'static> {
        let links = self.links;
        let links_cell = if links + 1 >= MAX_LINKED_IDENTITIES {
            Cell::from(format!("{links}/{MAX_LINKED_IDENTITIES}!")).style(theme.warn())
        } else {
            Cell::from(format!("{links}/{MAX_LINKED_IDENTITIES}"))
        };
        let enabled = if self.enabled {
            Cell::from("yes")
        } else {
            Cell::from("NO").style(theme.warn())
        };
        let mut cells = Vec::with_capacity(7);
        if let Some(mark) = mark {
            cells.push(match mark {
                Some(m @ Mark::Added) => Cell::from(m.symbol()).style(theme.ok()),
                Some(m @ Mark::Changed) => Cell::from(m.symbol()).style(theme.warn()),
                Some(m @ Mark::Removed) => Cell::from(m.symbol()).style(theme.error()),
                None => Cell::from(" "),
            });
        }
        cells.extend([
            Cell::from(self.username),
            Cell::from(self.status),
            enabled,
            Cell::from(self.email),
            links_cell,
            Cell::from(self.badges).style(theme.badge()),
        ]);
        let row = Row::new(cells);
        if mark == Some(Some(Mark::Removed)) {
            // No longer in the pool: shown until the next load, struck through.
            row.style(theme.dim().add_modifier(Modifier::CROSSED_OUT))
        } else {
            row
        }
    }
}

/// Column widths sized to the visible rows: Status, On, Links and Providers take what their
/// longest text needs (a 5/5 user's badges whole); Username and Email share the rest, each
/// keeping its own need when it fits and at least half of what is left when both do not.
fn column_widths(rows: &[RowText], inner: u16) -> [u16; 6] {
    fn need<'a>(header: &str, texts: impl Iterator<Item = &'a str>) -> u16 {
        texts
            .map(UnicodeWidthStr::width)
            .chain([header.width()])
            .max()
            .unwrap_or(0)
            .min(usize::from(u16::MAX)) as u16
    }
    let status = need("Status", rows.iter().map(|r| r.status.as_str())).min(14);
    let providers = need("Providers", rows.iter().map(|r| r.badges.as_str()));
    let (on, links) = (3, 5);
    // The highlight symbol (2) and one space between each of the 6 columns.
    let room = inner.saturating_sub(2 + 5 + status + on + links + providers);
    let username = need("Username", rows.iter().map(|r| r.username.as_str()));
    let email = need("Email", rows.iter().map(|r| r.email.as_str()));
    let (username, email) = if username + email <= room {
        // Spare room goes to the email, the last flexible column.
        (username, room - username)
    } else {
        let half = room / 2;
        if username <= half {
            (username, room - username)
        } else if email <= room - half {
            (room - email, email)
        } else {
            (half, room - half)
        }
    };
    [username, status, on, email, links, providers]
}

/// Provider badges, one per provider type: `G FB SAML` (the Links column has the count).
/// An unparseable `identities` value shows as `?`.
pub fn badges(user: &UserRecord) -> String {
    let Ok(identities) = user.identities() else {
        return "?".into();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for identity in identities {
        let badge: String = match identity.provider_type() {
            Some(t) => t.badge().to_owned(),
            None => sanitize(identity.provider_name).chars().take(4).collect(),
        };
        if seen.insert(badge.clone()) {
            out.push(badge);
        }
    }
    out.join(" ")
}

fn title(model: &Model) -> Line<'static> {
    let users = &model.users;
    let mut text = if users.is_filtered() {
        format!(
            " Users {} of {} · fuzzy \"{}\"",
            count(users.len()),
            count(users.total()),
            sanitize(users.query())
        )
    } else {
        format!(" Users {}", count(users.total()))
    };
    if let Some(filter) = &model.server_filter {
        text.push_str(&format!(" · cognito filter {}", sanitize(filter)));
    }
    if users.is_filtering() {
        text.push_str(" · filtering…");
    }
    if users.sort() != SortOrder::Loaded {
        text.push_str(&format!(" · by {}", users.sort().label()));
    } else if users.is_filtered() {
        text.push_str(" · best match first");
    }
    if let Some(cache) = &model.cache {
        text.push_str(" · ");
        text.push_str(&cache_title(model, cache));
    }
    text.push(' ');
    Line::from(text)
}

/// `cached 3 h ago · refreshing 41%`, then `refreshed · since cache: +12 ~3 −1`.
fn cache_title(model: &Model, cache: &CacheView) -> String {
    let age = cache.age_text();
    match cache.refresh {
        RefreshState::Running { listed } => {
            // Of the pool's estimate, else of the cache's count; never 100% before the end.
            let whole = model
                .pool
                .as_ref()
                .and_then(|p| p.estimated_users)
                .map_or(cache.cached, |n| n.max(0) as usize)
                .max(1);
            let percent = (listed * 100 / whole).min(99);
            format!("{age} · refreshing {percent}%")
        }
        RefreshState::Done { .. } => format!("refreshed · {}", cache.counts_text()),
        RefreshState::Uncompared => "refreshed, not compared with the cache".into(),
        RefreshState::Failed => format!("{age} · refresh failed"),
        RefreshState::Stopped => format!("{age} · refresh stopped"),
    }
}

/// `⠋ 360 / ~1,000 users · 6 pages · 1,200/s`; a partitioned load adds `· 16 partitions`,
/// pages read again add `· 3 retried`.
fn progress(model: &Model) -> Line<'static> {
    let load = &model.load;
    let loaded = model.users.total();
    let estimate = model
        .pool
        .as_ref()
        .and_then(|p| p.estimated_users)
        .filter(|_| model.server_filter.is_none())
        .map(|n| format!(" / ~{}", count(n.max(0) as usize)))
        .unwrap_or_default();
    let mut pages = format!(
        "{} page{}",
        count(load.pages as usize),
        if load.pages == 1 { "" } else { "s" }
    );
    if load.partitions > 1 {
        pages.push_str(&format!(" · {} partitions", load.partitions));
    }
    if load.retries > 0 {
        pages.push_str(&format!(" · {} retried", count(load.retries as usize)));
    }
    let rate = load
        .rate(loaded)
        .map(|r| format!(" · {}/s", count(r.round() as usize)))
        .unwrap_or_default();
    let theme = model.theme();
    if let Some(cache) = &model.cache {
        // The table is the cache's: the progress is the relisting's.
        let listed = match cache.refresh {
            RefreshState::Running { listed } | RefreshState::Done { listed } => listed,
            _ => loaded,
        };
        let rate = load
            .rate(listed)
            .map(|r| format!(" · {}/s", count(r.round() as usize)))
            .unwrap_or_default();
        return match load.phase {
            Phase::Loading => Line::from(vec![
                Span::styled(format!(" {} ", spinner(model)), theme.info()),
                Span::raw(format!(
                    "refreshing: {}{estimate} users listed · {pages}{rate} ",
                    count(listed)
                )),
            ]),
            Phase::Failed => Line::from(vec![Span::styled(
                format!(
                    " refresh failed after {pages} · {} retries ",
                    model.key(Context::Users, Action::Refresh)
                ),
                theme.error(),
            )]),
            Phase::Done if matches!(cache.refresh, RefreshState::Stopped) => Line::from(format!(
                " {} users cached · refresh stopped after {pages} ",
                count(cache.cached)
            )),
            Phase::Idle | Phase::Done => Line::from(format!(
                " {} users listed · {pages} · {:.1} s ",
                count(listed),
                load.elapsed.as_secs_f64()
            )),
        };
    }
    match load.phase {
        Phase::Idle => Line::default(),
        Phase::Loading => Line::from(vec![
            Span::styled(format!(" {} ", spinner(model)), theme.info()),
            Span::raw(format!(
                "loading {}{estimate} users · {pages}{rate} ",
                count(loaded)
            )),
        ]),
        Phase::Done => Line::from(format!(
            " {}{estimate} users · {pages} · {:.1} s ",
            count(loaded),
            load.elapsed.as_secs_f64()
        )),
        Phase::Failed => Line::from(vec![Span::styled(
            format!(
                " load failed after {pages} ({} users) · {} retries ",
                count(loaded),
                model.key(Context::Users, Action::Refresh)
            ),
            theme.error(),
        )]),
    }
}

fn empty_text(model: &Model) -> Vec<Line<'static>> {
    let users = &model.users;
    let text = if users.total() > 0 {
        format!(
            "No loaded user matches \"{}\". {} clears the filter.",
            sanitize(users.query()),
            model.key(Context::Users, Action::Back)
        )
    } else {
        match (model.load.phase, &model.server_filter) {
            (Phase::Idle | Phase::Loading, _) => "Loading users…".to_owned(),
            (Phase::Failed, _) => format!(
                "No users loaded: see the message below. {} retries.",
                model.key(Context::Users, Action::Refresh)
            ),
            (Phase::Done, Some(filter)) => format!(
                "No user matches the Cognito filter {}. {} changes it; an empty filter lists everyone.",
                sanitize(filter),
                model.key(Context::Users, Action::ServerFilter)
            ),
            (Phase::Done, None) => "This pool has no users.".to_owned(),
        }
    };
    vec![Line::from(Span::styled(text, Style::new()))]
}
