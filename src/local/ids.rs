//! Generated identifiers: `sub` UUIDs, request ids, user pool ids, and time.

use std::time::{SystemTime, UNIX_EPOCH};

/// A random (version 4, RFC 9562) UUID in its lower-case hyphenated form.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC variant
    let h: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        h[0..4].concat(),
        h[4..6].concat(),
        h[6..8].concat(),
        h[8..10].concat(),
        h[10..16].concat()
    )
}

/// A user pool id as Cognito makes them: `<region>_` and 9 letters or digits (spec §1.4
/// pattern `[\w-]+_[0-9a-zA-Z]+`).
pub fn user_pool_id(region: &str) -> String {
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(9)
        .collect();
    format!("{region}_{suffix}")
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Epoch milliseconds as the wire's epoch seconds with fractional milliseconds (spec §1.1).
pub fn wire_secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// [`wire_secs`] as a JSON value.
pub fn wire_time(ms: i64) -> serde_json::Value {
    serde_json::json!(wire_secs(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let a = uuid_v4();
        let b = uuid_v4();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn pool_ids_match_the_model_pattern() {
        let id = user_pool_id("us-east-1");
        let re = regex::Regex::new(r"^us-east-1_[0-9a-zA-Z]{9}$").unwrap();
        assert!(re.is_match(&id), "{id}");
    }

    #[test]
    fn wire_time_has_fractional_milliseconds() {
        assert_eq!(wire_time(1548108509537).to_string(), "1548108509.537");
    }
}
