//! Pure rendering: `view(&Model, &mut Frame)` draws everything from the model, nothing else.

mod activity;
pub mod detail;
mod duplicates;
mod form;
mod header;
mod help;
pub mod layout;
mod merge;
mod pools;
mod prompt;
mod review;
mod status;
mod users;

#[cfg(test)]
mod cache_snapshots;
#[cfg(test)]
mod linking_snapshots;
#[cfg(test)]
mod merging_snapshots;
#[cfg(test)]
pub(crate) mod tests;

use ratatui::Frame;

use unicode_width::UnicodeWidthChar;

use super::layers::Layer;
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
    status::render(model, frame, areas.status);
    // The layers, bottom to top.
    for layer in model.layers.iter() {
        match layer {
            Layer::Prompt(p) => {
                if let Some(area) = areas.prompt {
                    prompt::render(model, p, frame, area);
                }
            }
            Layer::LinkForm(f) => form::render(model, f, frame, areas.modal),
            Layer::Review(r) => review::render(model, r, frame, areas.modal),
            Layer::Activity { scroll } => activity::render(model, *scroll, frame, areas.modal),
            Layer::Help { scroll } => help::render(model, *scroll, frame, frame.area()),
            Layer::Duplicates(d) => duplicates::render(model, d, frame, areas.modal),
            Layer::MergeReview(r) => merge::render(model, r, frame, areas.modal),
        }
    }
}

fn spinner(model: &Model) -> &'static str {
    SPINNER[model.spinner % SPINNER.len()]
}

/// Greedy word wrap to `width` terminal columns; words longer than a line are split, and
/// a line's leading spaces (JSON indentation) are kept on each of its parts. Dialogs wrap
/// their own text so they know which row each line lands on.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let body = text.trim_start_matches(' ');
    let indent = &text[..text.len() - body.len()];
    let indent = if indent.len() * 2 > width { "" } else { indent };
    let width = width.saturating_sub(indent.len()).max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_width = 0;
    for word in body.split(' ') {
        let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if line_width > 0 && line_width + 1 + word_width > width {
            lines.push(std::mem::take(&mut line));
            line_width = 0;
        } else if line_width > 0 {
            line.push(' ');
            line_width += 1;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if line_width + w > width {
                lines.push(std::mem::take(&mut line));
                line_width = 0;
            }
            line.push(c);
            line_width += w;
        }
    }
    lines.push(line);
    lines.into_iter().map(|l| format!("{indent}{l}")).collect()
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    #[test]
    fn wraps_words_keeps_indentation_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(
            wrap("    \"k\": \"v w\"", 10),
            ["    \"k\":", "    \"v w\""]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
