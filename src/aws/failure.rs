//! SDK errors classified into what a person can act on.

use std::fmt;

use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::http::Response as HttpResponse;

use super::connect::Target;
use crate::domain::ErrorKind;

mod not_json;

/// What went wrong, in the terms the UI and the CLI act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// Cognito answered with an error it models (the request reached it and was refused).
    Service(ErrorKind),
    /// Cognito or the AWS front door answered with an error code coglink does not model.
    OtherService,
    /// No usable credentials, or they expired or were rejected.
    Credentials,
    /// No region configured.
    Region,
    /// The request may not have reached the service (connect/DNS/TLS failure).
    Network,
    /// No answer in time: the request may or may not have been applied.
    Timeout,
    /// The answer was cut off or unreadable: the request may or may not have been applied.
    Unreadable,
    /// An HTTP error status with a body that is not JSON (an HTML error page): not Cognito's
    /// error format, so no error code. Whether it may pass is the status's to say
    /// (`not_json::status_is_final`).
    HttpStatus(u16),
}

/// A classified failure with the service's own message and what to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// The service's error code (`__type`), when it answered.
    pub code: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    /// Whether a change that failed like this may have been applied anyway, so that its
    /// outcome must be read back before anything else is done. A refused connection never
    /// carried the request; any other network failure may have happened after it was sent.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self.kind,
            FailureKind::Timeout
                | FailureKind::Unreadable
                | FailureKind::Service(ErrorKind::InternalError)
        ) || (self.kind == FailureKind::Network && !never_sent(&self.message))
            || matches!(self.kind, FailureKind::HttpStatus(s) if s >= 500 && !not_json::status_is_final(s))
    }

    /// Whether sending the same *read* again may succeed: throttling, server faults, lost
    /// connections, timeouts. (A change that failed like this is read back, never resent.)
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            FailureKind::Network
                | FailureKind::Timeout
                | FailureKind::Unreadable
                | FailureKind::Service(ErrorKind::InternalError)
        ) || self.is_throttling()
            || matches!(self.kind, FailureKind::HttpStatus(s) if !not_json::status_is_final(s))
    }

    pub fn is_throttling(&self) -> bool {
        self.kind == FailureKind::Service(ErrorKind::TooManyRequests)
            || self.code.as_deref() == Some("ThrottlingException")
            || self.kind == FailureKind::HttpStatus(429)
    }

    pub fn service_kind(&self) -> Option<ErrorKind> {
        match self.kind {
            FailureKind::Service(k) => Some(k),
            _ => None,
        }
    }

    /// Classifies an SDK error. `target` shapes the hints (profile names, endpoints).
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>, target: &Target) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let chain = DisplayErrorContext(err).to_string();
        tracing::debug!(error = %chain, "request failed");
        if let Some(f) = Self::from_not_json(err, target) {
            return f;
        }
        let readable = without_debug(&chain);
        let (kind, code, message) = match err {
            SdkError::ServiceError(se) => {
                let code = se.err().code().map(str::to_owned);
                let message = se.err().message().unwrap_or("").to_owned();
                let kind = match code.as_deref().and_then(ErrorKind::from_type_name) {
                    Some(k) => FailureKind::Service(k),
                    None if code.as_deref().is_some_and(is_credentials_code) => {
                        FailureKind::Credentials
                    }
                    None => FailureKind::OtherService,
                };
                (kind, code, message)
            }
            SdkError::TimeoutError(_) => {
                (FailureKind::Timeout, None, "no answer in time".to_owned())
            }
            SdkError::ResponseError(_) => (FailureKind::Unreadable, None, readable),
            SdkError::DispatchFailure(df) if df.is_timeout() => {
                (FailureKind::Timeout, None, readable)
            }
            SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_) => {
                (classify_text(&chain), None, readable)
            }
            _ => (classify_text(&chain), None, readable),
        };
        let hint = if kind == FailureKind::Network && connection_lost(&chain) {
            Some(lost_hint(target))
        } else {
            hint_for(kind, code.as_deref(), target)
        };
        Failure {
            kind,
            code,
            message,
            hint,
        }
    }

    /// An answer whose body is not JSON, worded from its status and an excerpt of the body
    /// (the SDK's own words are about the JSON parser: `unexpected token '<'`).
    fn from_not_json<E>(err: &SdkError<E, HttpResponse>, target: &Target) -> Option<Failure> {
        let raw = match err {
            SdkError::ResponseError(_) | SdkError::ServiceError(_) => err.raw_response()?,
            _ => return None,
        };
        let body = raw.body().bytes()?;
        if !not_json::is_not_json(body) {
            return None;
        }
        let status = raw.status().as_u16();
        let kind = not_json::kind_of(status);
        let whom = target
            .endpoint_url
            .as_deref()
            .unwrap_or("Cognito's endpoint");
        let hint = match kind {
            FailureKind::HttpStatus(s) => Some(not_json::hint(s, whom)),
            _ => hint_for(kind, None, target),
        };
        Some(Failure {
            kind,
            code: None,
            message: not_json::message(status, raw.headers().get("content-type"), body),
            hint,
        })
    }

    /// A one-line summary: `LimitExceededException: ... — hint`.
    pub fn summary(&self) -> String {
        let mut s = match &self.code {
            Some(code) => format!("{code}: {}", self.message),
            None => self.message.clone(),
        };
        if let Some(h) = &self.hint {
            s.push_str(" — ");
            s.push_str(h);
        }
        s
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

/// `DisplayErrorContext` ends the chain of `Display`ed causes with ` (<Debug of the error>)`:
/// useful in the log (where the whole chain goes), noise in a status line or on stderr.
fn without_debug(chain: &str) -> String {
    const VARIANTS: [&str; 5] = [
        " (DispatchFailure(",
        " (ConstructionFailure(",
        " (ResponseError(",
        " (TimeoutError(",
        " (ServiceError(",
    ];
    let end = VARIANTS
        .iter()
        .filter_map(|v| chain.find(v))
        .min()
        .unwrap_or(chain.len());
    chain[..end].to_owned()
}

fn is_credentials_code(code: &str) -> bool {
    matches!(
        code,
        "ExpiredTokenException"
            | "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "AccessDeniedException"
            | "IncompleteSignature"
            | "MissingAuthenticationTokenException"
            | "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
    )
}

/// Whether a network failure happened before the request could leave: the connection was
/// refused or the host name did not resolve. Such a change was certainly not applied.
fn never_sent(chain: &str) -> bool {
    let lower = chain.to_lowercase();
    ["refused", "dns error", "failed to lookup address"]
        .iter()
        .any(|s| lower.contains(s))
}

/// Whether the connection broke after the request was (or may have been) sent: the server
/// is reachable, and a change may have been applied (hyper's `IncompleteMessage`, a reset).
fn connection_lost(chain: &str) -> bool {
    let lower = chain.to_lowercase();
    [
        "connection closed before message completed",
        "incompletemessage",
        "connection reset",
        "broken pipe",
        "connection aborted",
        "unexpected eof",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

fn lost_hint(target: &Target) -> String {
    let whom = target.endpoint_url.as_deref().unwrap_or("Cognito");
    format!(
        "the connection to {whom} was lost before its answer arrived: the request may have been \
         applied; a change is read back, never resent blindly"
    )
}

fn classify_text(chain: &str) -> FailureKind {
    let lower = chain.to_lowercase();
    if lower.contains("credential")
        || lower.contains("sso")
        || lower.contains("token") && lower.contains("expired")
    {
        FailureKind::Credentials
    } else if lower.contains("region") {
        FailureKind::Region
    } else if lower.contains("timeout") || lower.contains("timed out") {
        FailureKind::Timeout
    } else {
        FailureKind::Network
    }
}

fn hint_for(kind: FailureKind, code: Option<&str>, target: &Target) -> Option<String> {
    let profile_flag = target
        .profile
        .as_deref()
        .map(|p| format!(" --profile {p}"))
        .unwrap_or_default();
    Some(match kind {
        FailureKind::Credentials if code == Some("ExpiredTokenException") => {
            format!(
                "credentials expired: run `aws sso login{profile_flag}` (or refresh them) and retry"
            )
        }
        FailureKind::Credentials => format!(
            "no valid credentials: run `aws sso login{profile_flag}`, set AWS_PROFILE or pass --profile; or try --local"
        ),
        FailureKind::Region => "no region: pass --region or set AWS_REGION".to_owned(),
        FailureKind::Network => match &target.endpoint_url {
            Some(url) => format!("could not reach {url}: is it running?"),
            None => "could not reach Cognito: check the network, proxy and region".to_owned(),
        },
        FailureKind::Timeout | FailureKind::Unreadable => {
            "the outcome is unknown: reading the current state before doing anything else"
                .to_owned()
        }
        FailureKind::Service(ErrorKind::TooManyRequests) => {
            "throttled by Cognito's request quota: wait a moment and retry".to_owned()
        }
        FailureKind::Service(ErrorKind::ResourceNotFound) => {
            "check the pool id and that --region matches the pool's region".to_owned()
        }
        FailureKind::Service(ErrorKind::NotAuthorized) => {
            "the credentials lack permission for this call (IAM cognito-idp:*)".to_owned()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(profile: Option<&str>, endpoint: Option<&str>) -> Target {
        Target {
            profile: profile.map(Into::into),
            region: Some("us-east-1".into()),
            endpoint_url: endpoint.map(Into::into),
            label: None,
        }
    }

    #[test]
    fn shown_messages_keep_the_causes_and_drop_the_debug_dump() {
        let chain = "dispatch failure: io error: client error (Connect): dns error: failed to \
                     lookup address information: Name or service not known \
                     (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Io } }))";
        assert_eq!(
            without_debug(chain),
            "dispatch failure: io error: client error (Connect): dns error: failed to lookup \
             address information: Name or service not known"
        );
        assert!(never_sent(&without_debug(chain)));
        let refused = "dispatch failure: io error: client error (Connect): tcp connect error: \
                       Connection refused (os error 111) (DispatchFailure(DispatchFailure { }))";
        assert!(never_sent(&without_debug(refused)));
        assert_eq!(without_debug("no dump here"), "no dump here");
    }

    #[test]
    fn text_classification() {
        assert_eq!(
            classify_text("failed to load credentials: the SSO session has expired"),
            FailureKind::Credentials
        );
        assert_eq!(
            classify_text("A region must be set when sending requests"),
            FailureKind::Region
        );
        assert_eq!(
            classify_text("io error: Connection refused (os error 111)"),
            FailureKind::Network
        );
    }

    #[test]
    fn hints_name_the_profile_and_endpoint() {
        let h = hint_for(
            FailureKind::Credentials,
            Some("ExpiredTokenException"),
            &target(Some("prod"), None),
        );
        assert_eq!(
            h.unwrap(),
            "credentials expired: run `aws sso login --profile prod` (or refresh them) and retry"
        );
        let h = hint_for(
            FailureKind::Network,
            None,
            &target(None, Some("http://127.0.0.1:9")),
        );
        assert_eq!(
            h.unwrap(),
            "could not reach http://127.0.0.1:9: is it running?"
        );
        assert_eq!(
            hint_for(
                FailureKind::Service(ErrorKind::UserNotFound),
                None,
                &target(None, None)
            ),
            None
        );
    }

    #[test]
    fn unknown_outcomes() {
        let f = |kind| Failure {
            kind,
            code: None,
            message: String::new(),
            hint: None,
        };
        assert!(f(FailureKind::Timeout).outcome_unknown());
        assert!(f(FailureKind::Service(ErrorKind::InternalError)).outcome_unknown());
        assert!(!f(FailureKind::Service(ErrorKind::LimitExceeded)).outcome_unknown());
        assert!(!f(FailureKind::Credentials).outcome_unknown());
        let refused = Failure {
            message: "Connection refused (os error 111)".into(),
            ..f(FailureKind::Network)
        };
        assert!(!refused.outcome_unknown());
        let dropped = Failure {
            message: "connection closed before message completed".into(),
            ..f(FailureKind::Network)
        };
        assert!(dropped.outcome_unknown());
        let dns = Failure {
            message: "dns error: failed to lookup address information".into(),
            ..f(FailureKind::Network)
        };
        assert!(
            !dns.outcome_unknown(),
            "a name that does not resolve sent nothing"
        );
    }

    #[test]
    fn a_lost_connection_is_not_an_unreachable_endpoint() {
        let t = target(None, Some("http://127.0.0.1:9"));
        // What the SDK reports for a connection closed where the answer should be.
        let dropped = "dispatch failure: io error: an error occurred while sending the request: \
                       connection closed before message completed: IncompleteMessage";
        assert!(connection_lost(dropped));
        assert!(!never_sent(dropped));
        let hint = lost_hint(&t);
        assert!(
            hint.contains("connection to http://127.0.0.1:9 was lost"),
            "{hint}"
        );
        assert!(hint.contains("may have been applied"), "{hint}");
        assert!(!hint.contains("could not reach"), "{hint}");
        assert!(lost_hint(&target(None, None)).contains("connection to Cognito was lost"));
        // Refused and unresolvable stay "could not reach".
        for text in [
            "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
            "dispatch failure: other: dns error: failed to lookup address information: Name or service not known",
        ] {
            assert!(!connection_lost(text), "{text}");
            assert!(never_sent(text), "{text}");
            assert_eq!(classify_text(text), FailureKind::Network);
        }
        assert_eq!(
            hint_for(FailureKind::Network, None, &t).unwrap(),
            "could not reach http://127.0.0.1:9: is it running?"
        );
    }

    #[test]
    fn transient_failures_are_the_retryable_reads() {
        let f = |kind| Failure {
            kind,
            code: None,
            message: String::new(),
            hint: None,
        };
        assert!(f(FailureKind::Service(ErrorKind::TooManyRequests)).is_transient());
        assert!(f(FailureKind::Timeout).is_transient());
        assert!(f(FailureKind::Network).is_transient());
        assert!(f(FailureKind::Service(ErrorKind::InternalError)).is_transient());
        assert!(!f(FailureKind::Service(ErrorKind::InvalidParameter)).is_transient());
        assert!(!f(FailureKind::Credentials).is_transient());
    }

    #[test]
    fn an_html_error_status_is_transient_only_when_the_status_may_pass() {
        let f = |status| Failure {
            kind: FailureKind::HttpStatus(status),
            code: None,
            message: String::new(),
            hint: None,
        };
        for final_status in [403, 404, 405, 501] {
            assert!(!f(final_status).is_transient(), "{final_status}");
            assert!(!f(final_status).outcome_unknown(), "{final_status}");
        }
        for server_fault in [500, 502, 503, 504] {
            assert!(f(server_fault).is_transient(), "{server_fault}");
            assert!(f(server_fault).outcome_unknown(), "{server_fault}");
        }
        assert!(f(429).is_throttling() && f(429).is_transient());
        assert!(!f(429).outcome_unknown());
    }
}
