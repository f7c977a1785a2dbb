//! The top line: where coglink is connected and which pool is open. The pool (its name when
//! known, with its id) and the READ-ONLY badge always show; when the line is too narrow the
//! connection text is shortened first, then the pool's name.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::domain::sanitize::sanitize;
use crate::tui::format::shorten;
use crate::tui::model::Model;

pub fn render(model: &Model, frame: &mut Frame, area: Rect) {
    let theme = model.theme();
    let target = sanitize(&model.setup.target).into_owned();
    let pool = model.pool.as_ref().map(|p| {
        (
            p.name.as_ref().map(|n| sanitize(n).into_owned()),
            sanitize(&p.id).into_owned(),
        )
    });
    let badge = model.setup.profile.badge.as_ref();
    let badge_text = badge.map(|b| format!(" {} ", sanitize(&b.text)));
    let parts = fit(
        &target,
        pool.as_ref().map(|(n, id)| (n.as_deref(), id.as_str())),
        model.setup.read_only,
        usize::from(area.width).saturating_sub(badge_text.as_ref().map_or(0, |t| t.width() + 1)),
    );
    // A guarded profile's badge leads, in its colour, and so does the name.
    let mut spans = match &badge_text {
        Some(text) => vec![
            Span::styled(text.clone(), theme.guard_badge(badge)),
            Span::styled(" coglink ", theme.guard_badge(badge)),
        ],
        None => vec![Span::styled(" coglink ", theme.header())],
    };
    spans.extend([Span::raw("│ "), Span::raw(parts.target)]);
    if let Some(id) = parts.pool_id {
        spans.push(Span::raw(" │ pool "));
        match parts.pool_name {
            Some(name) => {
                spans.push(Span::styled(name, theme.header()));
                spans.push(Span::raw(format!(" ({id})")));
            }
            None => spans.push(Span::styled(id, theme.header())),
        }
    }
    if model.setup.read_only {
        spans.push(Span::raw(" │ "));
        spans.push(Span::styled("READ-ONLY", theme.warn()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// The header's texts, shortened to `width` columns.
#[derive(Debug, PartialEq, Eq)]
struct Parts {
    target: String,
    pool_name: Option<String>,
    pool_id: Option<String>,
}

/// Shortens the connection text first, then the pool's name, so the pool id and the badge
/// fit in `width` (texts already sanitized).
fn fit(target: &str, pool: Option<(Option<&str>, &str)>, read_only: bool, width: usize) -> Parts {
    let badge = if read_only {
        " │ READ-ONLY".width()
    } else {
        0
    };
    let lead = " coglink │ ".width();
    let pool_fixed = match pool {
        Some((Some(_), id)) => " │ pool ".width() + format!(" ({id})").width(),
        Some((None, id)) => " │ pool ".width() + id.width(),
        None => 0,
    };
    let name_width = pool.and_then(|(n, _)| n).map_or(0, UnicodeWidthStr::width);
    let room = width.saturating_sub(lead + pool_fixed + badge);
    // The connection text gets what the pool's name leaves, but at least a few columns.
    let target_room = room.saturating_sub(name_width).max(room.min(8));
    let target = shorten(target, target_room);
    let name_room = room.saturating_sub(target.width());
    Parts {
        target,
        pool_name: pool.and_then(|(n, _)| n).map(|n| shorten(n, name_room)),
        pool_id: pool.map(|(_, id)| id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(p: &Parts, read_only: bool) -> String {
        let mut s = format!(" coglink │ {}", p.target);
        if let Some(id) = &p.pool_id {
            match &p.pool_name {
                Some(n) => s.push_str(&format!(" │ pool {n} ({id})")),
                None => s.push_str(&format!(" │ pool {id}")),
            }
        }
        if read_only {
            s.push_str(" │ READ-ONLY");
        }
        s
    }

    #[test]
    fn at_80_columns_the_pool_and_the_badge_show_and_the_target_is_shortened() {
        let target =
            "profile production-admin · https://cognito-idp.us-east-1.amazonaws.com · us-east-1";
        let pool = Some((Some("acme-customers"), "us-east-1_DemoPool1"));
        let p = fit(target, pool, true, 80);
        let text = line(&p, true);
        assert!(text.width() <= 80, "{text}");
        assert!(
            text.contains("acme-customers (us-east-1_DemoPool1)"),
            "{text}"
        );
        assert!(text.ends_with(" │ READ-ONLY"), "{text}");
        assert!(
            p.target.ends_with('…') && p.target.starts_with("profile"),
            "{text}"
        );
    }

    #[test]
    fn what_fits_is_not_shortened_and_the_name_goes_after_the_target() {
        let pool = Some((Some("acme"), "us-east-1_P"));
        let p = fit("local · us-east-1", pool, false, 120);
        assert_eq!(p.target, "local · us-east-1");
        assert_eq!(p.pool_name.as_deref(), Some("acme"));
        // Very narrow: the id stays whole, the name and target give way.
        let long = Some((Some("a-very-long-pool-name-indeed"), "us-east-1_P"));
        let p = fit("profile prod · eu-west-1", long, true, 60);
        let text = line(&p, true);
        assert!(text.width() <= 60, "{text}");
        assert!(
            text.contains("(us-east-1_P)") && text.ends_with("READ-ONLY"),
            "{text}"
        );
    }
}
