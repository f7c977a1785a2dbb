//! Small text formatting helpers for the views (dates, counts, statuses).

use crate::awscli::output::civil_from_days;
use crate::domain::user::EXTERNAL_PROVIDER;

/// `2019-08-13 03:24 UTC` from epoch seconds; `-` when absent or out of range.
pub fn utc_time(epoch_seconds: Option<f64>) -> String {
    match epoch_seconds {
        Some(s) if s.is_finite() && s.abs() < 1e12 => {
            let secs = s.floor() as i64;
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let rem = secs.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
                rem / 3600,
                rem % 3600 / 60
            )
        }
        _ => "-".to_owned(),
    }
}

/// Epoch milliseconds (the `identities` attribute's `dateCreated`).
pub fn utc_time_millis(millis: i64) -> String {
    utc_time(Some(millis as f64 / 1000.0))
}

/// `12,345`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A status short enough for the table; federated users are called so.
pub fn short_status(status: &str) -> &str {
    match status {
        EXTERNAL_PROVIDER => "federated",
        "FORCE_CHANGE_PASSWORD" => "must chg pw",
        "RESET_REQUIRED" => "reset req",
        "CONFIRMED" => "confirmed",
        "UNCONFIRMED" => "unconfirmed",
        "ARCHIVED" => "archived",
        "COMPROMISED" => "compromised",
        "UNKNOWN" => "unknown",
        other => other,
    }
}

/// `text` padded to `width` display columns, or cut to it with a final `…` (so columns stay
/// in line whatever the text's length).
pub fn fit(text: &str, width: usize) -> String {
    let cut = shorten(text, width);
    let used = unicode_width::UnicodeWidthStr::width(cut.as_str());
    format!("{cut}{}", " ".repeat(width.saturating_sub(used)))
}

/// `text` cut to `width` display columns, with a final `…` when cut.
pub fn shorten(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Values longer than this are shortened where they are shown (never where they are sent).
pub const SHOWN_CHARS_MAX: usize = 80;

/// `text` whole when it has at most [`SHOWN_CHARS_MAX`] characters; otherwise its start and
/// end around `…`, with its length: `abc…xyz [131,072 characters]`.
pub fn elide(text: &str) -> std::borrow::Cow<'_, str> {
    // Bytes first: most values are far below the limit.
    if text.len() <= SHOWN_CHARS_MAX {
        return text.into();
    }
    let n = text.chars().count();
    if n <= SHOWN_CHARS_MAX {
        return text.into();
    }
    let head: String = text.chars().take(40).collect();
    let tail: String = text.chars().skip(n - 16).collect();
    format!("{head}…{tail} [{} characters]", count(n)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times() {
        assert_eq!(utc_time(Some(0.0)), "1970-01-01 00:00 UTC");
        assert_eq!(utc_time(Some(1548108509.537)), "2019-01-21 22:08 UTC");
        assert_eq!(utc_time_millis(1565669081099), "2019-08-13 04:04 UTC");
        assert_eq!(utc_time(Some(951_782_400.0)), "2000-02-29 00:00 UTC");
        assert_eq!(utc_time(None), "-");
        assert_eq!(utc_time(Some(f64::NAN)), "-");
    }

    #[test]
    fn formats_counts() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn shortens_statuses() {
        assert_eq!(short_status("EXTERNAL_PROVIDER"), "federated");
        assert_eq!(short_status("SOMETHING_NEW"), "SOMETHING_NEW");
    }

    #[test]
    fn fit_pads_or_cuts_to_the_width() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 4), "日… ");
        assert_eq!(fit("x", 0), "");
    }

    #[test]
    fn elide_keeps_short_text_and_shortens_long_text_with_its_length() {
        assert!(matches!(
            elide("short"),
            std::borrow::Cow::Borrowed("short")
        ));
        let exact = "é".repeat(SHOWN_CHARS_MAX);
        assert_eq!(elide(&exact), exact.as_str());
        let long = format!("{}{}", "a".repeat(100_000), "z".repeat(16));
        let short = elide(&long);
        assert_eq!(
            short,
            format!("{}…{} [100,016 characters]", "a".repeat(40), "z".repeat(16))
        );
    }
}
