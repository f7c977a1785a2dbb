//! An HTTP answer whose body is not JSON (an HTML error page from a proxy, a gateway or an
//! emulator that does not know the operation): what it means, worded from its status and a
//! short, terminal-safe excerpt of its body. Pure: no I/O.

use super::FailureKind;
use crate::domain::sanitize::sanitize;

/// How many characters of the body the message quotes.
const EXCERPT_CHARS: usize = 80;

/// Whether `body` is not a JSON document (what Cognito's protocol always answers with, an
/// empty body aside).
pub fn is_not_json(body: &[u8]) -> bool {
    !body.iter().all(u8::is_ascii_whitespace)
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
}

/// Whether an HTTP error status says that sending the same request again cannot succeed:
/// the operation is not found or not implemented there, the request was refused as it is, or
/// it was redirected (to a login page, say: Cognito never redirects). Throttling (429) and a
/// request timeout (408) may succeed later; so may a server fault.
pub fn status_is_final(status: u16) -> bool {
    (300..500).contains(&status) && !matches!(status, 408 | 429) || matches!(status, 501 | 505)
}

/// The kind of failure an HTTP error status without a JSON body is.
pub fn kind_of(status: u16) -> FailureKind {
    if (200..300).contains(&status) {
        FailureKind::Unreadable
    } else {
        FailureKind::HttpStatus(status)
    }
}

/// `the endpoint answered HTTP 404 (Not Found) with a body that is not JSON (text/html):
/// "<html>…"`.
pub fn message(status: u16, content_type: Option<&str>, body: &[u8]) -> String {
    let reason = reason_phrase(status)
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let of_type = content_type
        .map(|t| format!(" ({})", sanitize(t)))
        .unwrap_or_default();
    format!(
        "the endpoint answered HTTP {status}{reason} with a body that is not JSON{of_type}: {}",
        excerpt(body)
    )
}

/// What to do about an HTTP error status without a JSON body. `whom` names the endpoint.
pub fn hint(status: u16, whom: &str) -> String {
    match status {
        404 | 405 => format!(
            "{whom} does not serve this operation (HTTP {status}): retrying will not help; \
             check that --endpoint-url points at a Cognito endpoint"
        ),
        501 => {
            format!("{whom} does not implement this operation (HTTP 501): retrying will not help")
        }
        401 | 403 => format!(
            "something in front of {whom} refused the request (HTTP {status}): retrying will \
             not help; check the credentials, proxy and --endpoint-url"
        ),
        429 => format!("throttled by {whom} (HTTP 429): wait a moment and retry"),
        s if status_is_final(s) => {
            format!("{whom} refused the request as sent (HTTP {s}): retrying will not help")
        }
        s => format!(
            "{whom} failed (HTTP {s}): the outcome is unknown, so a change is read back before \
             anything else; a read may succeed if retried later"
        ),
    }
}

/// The first characters of the body, whitespace runs folded to one space, made
/// terminal-safe, in quotes; `…` when cut.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = folded.chars().take(EXCERPT_CHARS).collect();
    if cut.len() < folded.len() {
        cut.push('…');
    }
    format!("\"{}\"", sanitize(&cut))
}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &[u8] = b"<html>\n  <head><title>500 Internal Server Error</title></head>\n  \
                           <body>\x1b]0;pwned\x07 nginx \xff</body></html>";

    #[test]
    fn html_is_not_json_and_json_or_nothing_is() {
        assert!(is_not_json(PAGE));
        assert!(is_not_json(b"Internal Server Error"));
        assert!(!is_not_json(br#"{"__type":"X","message":"m"}"#));
        assert!(!is_not_json(b""));
        assert!(!is_not_json(b" \n"));
    }

    #[test]
    fn the_message_names_the_status_and_quotes_a_short_safe_excerpt() {
        let m = message(500, Some("text/html"), PAGE);
        assert!(
            m.starts_with(
                "the endpoint answered HTTP 500 (Internal Server Error) with a body that is not \
                 JSON (text/html): \"<html> <head><title>500 Internal Server Error</title></head>"
            ),
            "{m}"
        );
        assert!(m.ends_with("…\""), "{m}");
        assert!(
            !m.contains('\x1b') && !m.contains('\x07') && !m.contains('\n'),
            "{m}"
        );
        let short = message(418, None, b"  teapot\r\n");
        assert_eq!(
            short,
            "the endpoint answered HTTP 418 with a body that is not JSON: \"teapot\""
        );
        assert!(message(502, Some("text/\x1b[2Jhtml"), b"x").contains("text/\\e[2Jhtml"));
    }

    #[test]
    fn not_found_and_not_implemented_are_final_and_server_faults_are_not() {
        for final_status in [302, 400, 401, 403, 404, 405, 413, 501, 505] {
            assert!(status_is_final(final_status), "{final_status}");
            assert!(hint(final_status, "x").contains("retrying will not help"));
        }
        for passing in [408, 429, 500, 502, 503, 504] {
            assert!(!status_is_final(passing), "{passing}");
            assert!(!hint(passing, "x").contains("will not help"), "{passing}");
        }
        assert_eq!(kind_of(200), FailureKind::Unreadable);
        assert_eq!(kind_of(404), FailureKind::HttpStatus(404));
        assert!(hint(404, "http://127.0.0.1:9").starts_with("http://127.0.0.1:9 does not serve"));
    }
}
