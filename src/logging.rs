//! Logs go to a file, never to the terminal (the TUI owns it), and never hold credentials.
//!
//! At debug and trace level the AWS SDK logs resolved identities (access key ids; it redacts
//! secrets itself), signed requests and headers. Every log line passes through [`redact`]
//! before it reaches the file, so access key ids, session tokens, `Authorization` headers and
//! SigV4 signatures never do, whatever the level.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::sync::{LazyLock, OnceLock};
use std::time::{Duration, Instant};

use regex::Regex;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Default filter: coglink at info, the chatty SDK internals at warn.
pub const DEFAULT_FILTER: &str = "info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn";

const REDACTED: &str = "** redacted **";

static SECRETS: LazyLock<[(Regex, &'static str); 5]> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("valid pattern");
    [
        // Debug-printed credentials: access_key_id: "AKIA...", session_token: Some("...").
        (
            re(r#"((?:access_key_id|session_token|secret_access_key)\s*:\s*(?:Some\()?)"[^"]*""#),
            "${1}\"** redacted **\"",
        ),
        // Header values, as `"authorization": "..."` or `x-amz-security-token: ...`.
        (
            re(r#"(?i)("?(?:authorization|x-amz-security-token)"?\s*[:=]\s*)"[^"]*""#),
            "${1}\"** redacted **\"",
        ),
        (
            re(r"(?i)((?:authorization|x-amz-security-token)\s*:\s*)[^\s,}]+(?:[ \t]+[^\s,}]+)*"),
            "${1}** redacted **",
        ),
        // SigV4 parts and bare access key ids.
        (
            re(r"(Credential=|Signature=)[^\s,/]+"),
            "${1}** redacted **",
        ),
        (
            re(r"\b(?:AKIA|ASIA|AROA|AIDA|AGPA|ANPA)[A-Z0-9]{12,}\b"),
            REDACTED,
        ),
    ]
});

/// A log line with every credential-looking value replaced.
pub fn redact(line: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(line);
    for (pattern, replacement) in SECRETS.iter() {
        if let Cow::Owned(s) = pattern.replace_all(&out, *replacement) {
            out = Cow::Owned(s);
        }
    }
    out
}

/// A writer that redacts each write (the fmt layer writes one whole event per call).
struct Redacting<W>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Records when the process started; `main` calls it first thing. Later calls keep the first.
pub fn mark_process_start() {
    PROCESS_START.get_or_init(Instant::now);
}

/// Time since [`mark_process_start`] (zero when it was never called), for start-up figures
/// in the log ("first frame drawn after N ms").
pub fn since_process_start() -> Duration {
    PROCESS_START.get().map_or(Duration::ZERO, Instant::elapsed)
}

/// Starts logging to `file`; keep the guard alive until exit so buffered lines are written.
/// Returns `None` (logging off) when the directory cannot be created: logs must never block
/// the app.
pub fn init(file: &Path) -> Option<WorkerGuard> {
    let dir = file.parent()?;
    std::fs::create_dir_all(dir).ok()?;
    let name = file.file_name()?;
    let appender = tracing_appender::rolling::never(dir, name);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env("COGLINK_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    tracing_subscriber::fmt()
        .with_writer(move || Redacting(writer.clone()))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_identity_debug_output_is_redacted() {
        let line = r#"Identity { data: Credentials { provider_name: "EnvironmentVariable", access_key_id: "AKIASECRETKEYID00001", secret_access_key: "** redacted **", session_token: Some("tok/en+=") } }"#;
        let out = redact(line);
        assert!(
            !out.contains("AKIASECRETKEYID00001") && !out.contains("tok/en"),
            "{out}"
        );
        assert!(out.contains("provider_name: \"EnvironmentVariable\""));
    }

    #[test]
    fn headers_and_signatures_are_redacted() {
        let line = r#"headers: {"authorization": "AWS4-HMAC-SHA256 Credential=AKIAX/20261122/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc123", "x-amz-security-token": "FQoGZXIvYXdzE"}"#;
        let out = redact(line);
        for secret in ["AKIAX", "abc123", "FQoGZXIvYXdzE", "AWS4-HMAC"] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        let plain = "x-amz-security-token: FQoGZXIvYXdzE\nnext";
        assert!(!redact(plain).contains("FQoG"), "{}", redact(plain));
        assert!(redact(plain).ends_with("\nnext"));
        let bare = "signing with ASIAABCDEFGHIJKLMNOP for cognito-idp";
        assert_eq!(redact(bare), "signing with ** redacted ** for cognito-idp");
    }

    #[test]
    fn ordinary_lines_are_untouched() {
        let line = "INFO coglink::tui: loaded 403 users in 7 pages";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }
}
