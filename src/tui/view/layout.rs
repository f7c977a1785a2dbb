//! Where each area goes. Shared by the views and by `update` (page size, mouse targets), so
//! both agree on what is on screen.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::layers::PromptKind;
use crate::tui::model::{Model, Screen, Status};

/// Width from which the detail pane sits beside the table instead of below it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 140;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// The pool picker or the user table.
    pub main: Rect,
    pub detail: Option<Rect>,
    pub prompt: Option<Rect>,
    pub status: Rect,
    /// Between the header and the status line: where dialogs are centred.
    pub modal: Rect,
}

/// A `width` × `height` rectangle centred in `area`, shrunk to fit.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let (w, h) = (width.min(area.width), height.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn areas(model: &Model, area: Rect) -> Areas {
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(status_height(model, area.width)),
    ])
    .areas(area);
    let modal = body;
    let prompt_height = match model.layers.prompt().map(|p| p.kind) {
        Some(PromptKind::Fuzzy) => 3,
        Some(PromptKind::Server) => 5,
        None => 0,
    };
    let [body, prompt] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(prompt_height)]).areas(body);
    let prompt = (prompt_height > 0).then_some(prompt);
    let (main, detail) = if model.screen == Screen::Users && model.detail_open {
        let [main, detail] = if body.width >= SIDE_BY_SIDE_WIDTH {
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body)
        } else {
            Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(body)
        };
        (main, Some(detail))
    } else {
        (body, None)
    };
    Areas {
        header,
        main,
        detail,
        prompt,
        status,
        modal,
    }
}

/// Errors wrap onto up to three lines so the advice at their end stays visible.
fn status_height(model: &Model, width: u16) -> u16 {
    match &model.status {
        Status::Error { text } => {
            let chars = text.chars().count() + ERROR_DECORATION;
            chars.div_ceil(usize::from(width.max(1))).clamp(1, 3) as u16
        }
        // A change's result names the user, the identity and the counts: all of it shows.
        Status::Info { text, .. } => {
            let chars = text.chars().count() + INFO_DECORATION;
            chars.div_ceil(usize::from(width.max(1))).clamp(1, 2) as u16
        }
        _ => 1,
    }
}

/// Characters the status line adds around an error text.
pub const ERROR_DECORATION: usize = 20;
/// Characters it adds before a flash message.
const INFO_DECORATION: usize = 4;

/// Rows of data the main table shows (inside borders, below the column header).
pub fn table_rows(model: &Model) -> usize {
    let (w, h) = model.size;
    let main = areas(model, Rect::new(0, 0, w, h)).main;
    usize::from(main.height.saturating_sub(3)).max(1)
}

/// Lines the detail pane shows inside its borders.
pub fn detail_rows(model: &Model) -> u16 {
    let (w, h) = model.size;
    areas(model, Rect::new(0, 0, w, h))
        .detail
        .map_or(1, |d| d.height.saturating_sub(2).max(1))
}
