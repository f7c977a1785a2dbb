//! Pure rendering: `view(&Model, &mut Frame)` draws everything from the model, nothing else.

mod detail;
mod header;
mod help;
pub mod layout;
mod pools;
mod prompt;
mod status;
mod users;

#[cfg(test)]
mod tests;

use ratatui::Frame;

use super::model::{Model, Screen};

/// Braille spinner frames, advanced by ticks while something loads.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn view(model: &Model, frame: &mut Frame) {
    let areas = layout::areas(model, frame.area());
    header::render(model, frame, areas.header);
    match model.screen {
        Screen::Pools => pools::render(model, frame, areas.main),
        Screen::Users => users::render(model, frame, areas.main),
    }
    if let Some(area) = areas.detail {
        detail::render(model, frame, area);
    }
    if let Some(area) = areas.prompt {
        prompt::render(model, frame, area);
    }
    status::render(model, frame, areas.status);
    if model.help_open {
        help::render(model, frame, frame.area());
    }
}

fn spinner(model: &Model) -> &'static str {
    SPINNER[model.spinner % SPINNER.len()]
}
