//! Styles. Colours are the terminal's own ANSI-16 palette; with NO_COLOR there are none, but
//! bold and reversed stay so the selection and warnings remain visible. No meaning is carried
//! by colour alone: warnings also get bold text and a marker.

use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colours unless NO_COLOR is set to a non-empty value (no-color.org).
    pub fn from_env() -> Theme {
        Theme::for_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    pub fn for_no_color(value: Option<&std::ffi::OsStr>) -> Theme {
        Theme {
            color: value.is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn header(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    pub fn column_header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// Link counts at or near the limit of 5.
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn info(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn badge(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// A profile's badge (and the header's name) in its colour, reversed so it stands out;
    /// without colour, reversed and bold.
    pub fn guard_badge(self, badge: Option<&crate::settings::Badge>) -> Style {
        let style = Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED);
        match badge {
            Some(b) if self.color => style.fg(palette(b.color)),
            _ => style,
        }
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// A badge's colour in the terminal's palette.
fn palette(color: crate::settings::BadgeColor) -> Color {
    use crate::settings::BadgeColor;
    match color {
        BadgeColor::Red => Color::Red,
        BadgeColor::Yellow => Color::Yellow,
        BadgeColor::Green => Color::Green,
        BadgeColor::Blue => Color::Blue,
        BadgeColor::Magenta => Color::Magenta,
        BadgeColor::Cyan => Color::Cyan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_needs_a_non_empty_value() {
        assert!(Theme::for_no_color(None).color);
        assert!(Theme::for_no_color(Some("".as_ref())).color);
        assert!(!Theme::for_no_color(Some("1".as_ref())).color);
    }

    #[test]
    fn without_colour_the_selection_and_warnings_stay_visible() {
        let t = Theme { color: false };
        assert_eq!(t.warn().fg, None);
        assert!(t.warn().add_modifier.contains(Modifier::BOLD));
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
    }
}
