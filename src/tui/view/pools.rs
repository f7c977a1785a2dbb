//! The pool picker: pools of the region with their estimated user counts.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};

use super::spinner;
use crate::domain::sanitize::sanitize;
use crate::tui::format::{count, utc_time};
use crate::tui::keymap::{Action, Context};
use crate::tui::model::{Model, Phase};

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let picker = &model.picker;
    let mut title = format!(" User pools ({}) ", picker.pools.len());
    if picker.phase == Phase::Loading {
        title = format!(" User pools {} loading… ", spinner(model));
    }
    let block = Block::bordered()
        .title(title)
        .border_style(theme.border(true));
    if picker.pools.is_empty() {
        let text = match picker.phase {
            Phase::Idle | Phase::Loading => "Listing user pools…".to_owned(),
            Phase::Failed => format!(
                "Could not list the user pools: see the message below. {} retries.",
                model.key(Context::Pools, Action::Refresh)
            ),
            Phase::Done => {
                "No user pools in this region. Check --region and --profile, or try --local."
                    .to_owned()
            }
        };
        let body = Paragraph::new(text).wrap(Wrap { trim: true }).block(block);
        frame.render_widget(body, area);
        return;
    }
    let rows = picker.pools.iter().map(|p| {
        Row::new([
            sanitize(&p.name).into_owned(),
            sanitize(&p.id).into_owned(),
            p.estimated_users
                .map_or("?".into(), |n| count(n.max(0) as usize)),
            utc_time(p.created),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(26),
            Constraint::Length(10),
            Constraint::Length(20),
        ],
    )
    .header(Row::new(["Name", "Id", "Users ~", "Created"]).style(theme.column_header()))
    .row_highlight_style(theme.selected())
    .highlight_symbol(Line::from("▶ "))
    .block(block);
    let mut state = TableState::new().with_selected(Some(picker.selected));
    frame.render_stateful_widget(table, area, &mut state);
}
