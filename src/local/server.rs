//! The AWS JSON 1.1 wire protocol (spec §1.1): `POST /` with `X-Amz-Target`, SigV4-shaped
//! `Authorization`, JSON bodies, Cognito-style errors in body and headers.

use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use regex::Regex;
use serde_json::Value;

use super::conn::ConnHandle;
use super::fault_script::{ApplyPoint, Fault};
use super::ids;
use super::limits::MAX_BODY_BYTES;
use super::ops::{self, Operation};
use super::persist::Shared;
use super::simulate::Simulator;
use crate::domain::CognitoError;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// What every handler shares: the pools, the simulation and the record of changes asked.
pub struct App {
    pub shared: Arc<Shared>,
    pub sim: Simulator,
    pub changes: Mutex<Vec<ChangeRecord>>,
    /// Set when the server stops: a hung request (`Fault::Hang`) ends then, unanswered.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// Set by `LocalServer::release_hung`: hung requests are answered then.
    pub released: tokio::sync::watch::Sender<bool>,
}

/// Change requests kept in [`App::changes`]; older ones are dropped beyond this.
const MAX_CHANGE_RECORDS: usize = 100_000;

/// One AdminLinkProviderForUser / AdminDisableProviderForUser request the endpoint received
/// with a known operation, in arrival order: what was asked, whether the change was made,
/// and what the client was told. For tests (no blind resend, journal versus state).
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRecord {
    pub operation: &'static str,
    /// The request body (`Value::Null` when it was not JSON).
    pub input: Value,
    /// The operation ran and succeeded, whatever the client was then told.
    pub applied: bool,
    /// `ok`, the error `__type` sent, or `dropped` (no answer at all).
    pub answer: String,
}

impl App {
    fn record_change(&self, record: ChangeRecord) {
        let mut changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        if changes.len() >= MAX_CHANGE_RECORDS {
            changes.remove(0);
        }
        changes.push(record);
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    req: Request,
) -> Response {
    let arrived = Instant::now();
    let request_id = ids::uuid_v4();
    let (parts, body) = req.into_parts();
    let mut decision = None;
    let mut change: Option<(Operation, Value, bool)> = None;
    let result = async {
        if parts.method != Method::POST || parts.uri.path() != "/" {
            return Err(CognitoError::unsupported_request(
                parts.method.as_str(),
                parts.uri.path(),
            ));
        }
        check_authorization(&parts.headers)?;
        let op = operation(&parts.headers, conn.peer.ip().is_loopback())?;
        // Decided on arrival, so the quota judges the client's own spacing (see simulate).
        let d = *decision.insert(app.sim.decide(op, arrived));
        let bytes = read_body(&parts.headers, body).await?;
        // The changes a client makes to users, on record for tests (`change_requests`).
        let is_change = matches!(
            op,
            Operation::AdminLinkProviderForUser
                | Operation::AdminDisableProviderForUser
                | Operation::AdminDeleteUser
                | Operation::AdminAddUserToGroup
                | Operation::AdminUpdateUserAttributes
        );
        if is_change {
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            change = Some((op, body, false));
        }
        let input = parse_body(&bytes)?;
        tracing::debug!(op = op.name(), "local request");
        if d.throttled {
            return Err(CognitoError::rate_exceeded());
        }
        // Both faults answer InternalErrorException; a dropped connection's answer is never
        // written (see below), nor a hung one's.
        if let Some((_, ApplyPoint::BeforeApply)) = d.fault {
            return Err(CognitoError::internal());
        }
        if let Some((Fault::Twice, _)) = d.fault {
            let ctx = ops::RequestContext {
                request_id: &request_id,
                short_pages: app.sim.short_pages(),
            };
            let first = ops::dispatch(&app.shared, op, input.clone(), ctx).await;
            tracing::debug!(
                op = op.name(),
                ok = first.is_ok(),
                "simulated fault: performed twice"
            );
        }
        let ctx = ops::RequestContext {
            request_id: &request_id,
            short_pages: app.sim.short_pages(),
        };
        let out = ops::dispatch(&app.shared, op, input, ctx).await;
        if let Some((_, _, applied)) = change.as_mut() {
            *applied = out.is_ok();
        }
        match d.fault {
            Some((Fault::Twice | Fault::Hang, _)) => out,
            Some((_, ApplyPoint::AfterApply)) => Err(CognitoError::internal()),
            _ => out,
        }
    }
    .await;
    let mut dropped = false;
    if let Some(d) = decision {
        if !d.delay.is_zero() {
            tokio::time::sleep_until((arrived + d.delay).into()).await;
        }
        if matches!(d.fault, Some((Fault::Hang, _))) {
            // The change is on record at once (tests wait for it to kill the client).
            if let Some((op, input, applied)) = change.take() {
                app.record_change(ChangeRecord {
                    operation: op.name(),
                    input,
                    applied,
                    answer: "hung".into(),
                });
            }
            tracing::debug!(peer = %conn.peer, "simulated fault: holding the request");
            let (mut stopping, mut released) = (app.stopping.subscribe(), app.released.subscribe());
            let answer = tokio::select! {
                () = tokio::time::sleep(super::fault_script::HANG_FOR) => false,
                _ = stopping.wait_for(|stop| *stop) => false,
                _ = released.wait_for(|go| *go) => true,
            };
            if answer {
                return match result {
                    Ok(v) => success(v, &request_id),
                    Err(e) => error_response(&e, &request_id),
                };
            }
            dropped = true;
            conn.drop_connection();
        }
        if !dropped && matches!(d.fault, Some((Fault::Drop, _))) {
            tracing::debug!(peer = %conn.peer, "simulated fault: dropping the connection");
            conn.drop_connection();
            dropped = true;
        }
    }
    if let Some((op, input, applied)) = change {
        let answer = match (&result, dropped) {
            (_, true) => "dropped".to_owned(),
            (Ok(_), false) => "ok".to_owned(),
            (Err(e), false) => e.kind.type_name().to_owned(),
        };
        app.record_change(ChangeRecord {
            operation: op.name(),
            input,
            applied,
            answer,
        });
    }
    match result {
        Ok(v) => success(v, &request_id),
        Err(e) => error_response(&e, &request_id),
    }
}

/// SigV4 shape: `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/cognito-idp/aws4_request,
/// SignedHeaders=<h;h>, Signature=<hex>`. The HMAC itself is not verified.
static SIGV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$",
    )
    .expect("valid regex")
});

fn check_authorization(headers: &HeaderMap) -> Result<(), CognitoError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(CognitoError::missing_authentication_token());
    };
    let value = value
        .to_str()
        .map_err(|_| CognitoError::invalid_signature())?;
    let caps = SIGV4
        .captures(value.trim())
        .ok_or_else(CognitoError::invalid_signature)?;
    if &caps[4] != "cognito-idp" {
        return Err(CognitoError::invalid_signature());
    }
    Ok(())
}

/// The operation an `X-Amz-Target` names: Cognito's in its namespace, coglink's own in
/// [`ops::LOCAL_TARGET_PREFIX`] and only from a loopback peer.
fn operation(headers: &HeaderMap, peer_is_loopback: bool) -> Result<Operation, CognitoError> {
    let target = headers
        .get("x-amz-target")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let cognito = target
        .strip_prefix(TARGET_PREFIX)
        .and_then(Operation::parse)
        .filter(|o| !o.is_local_only());
    let local = target
        .strip_prefix(ops::LOCAL_TARGET_PREFIX)
        .and_then(Operation::parse)
        .filter(|o| o.is_local_only() && peer_is_loopback);
    cognito
        .or(local)
        .ok_or_else(|| CognitoError::unknown_operation(&target))
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, CognitoError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(CognitoError::request_too_large(MAX_BODY_BYTES));
    }
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|e| {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().contains("length limit"))
                || e.to_string().contains("length limit");
            if too_large {
                CognitoError::request_too_large(MAX_BODY_BYTES)
            } else {
                CognitoError::serialization(&e.to_string())
            }
        })
}

fn parse_body(bytes: &[u8]) -> Result<Value, CognitoError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| CognitoError::serialization(&e.to_string()))?;
    if !v.is_object() {
        return Err(CognitoError::serialization("expected a JSON object"));
    }
    Ok(v)
}

fn success(answer: ops::Answer, request_id: &str) -> Response {
    let body = answer.into_bytes();
    let mut r = (StatusCode::OK, body).into_response();
    set_common_headers(r.headers_mut(), request_id);
    r
}

/// Body `{"__type","message"}` plus `x-amzn-ErrorType: <Type>:` (trailing colon as observed)
/// and `x-amzn-ErrorMessage` (spec §1.1).
pub fn error_response(e: &CognitoError, request_id: &str) -> Response {
    let status =
        StatusCode::from_u16(e.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({"__type": e.kind.type_name(), "message": e.message});
    let mut r = (status, body.to_string()).into_response();
    let h = r.headers_mut();
    set_common_headers(h, request_id);
    if let Ok(v) = HeaderValue::from_str(&format!("{}:", e.kind.type_name())) {
        h.insert("x-amzn-ErrorType", v);
    }
    if let Ok(v) = HeaderValue::from_str(&header_safe(&e.message)) {
        h.insert("x-amzn-ErrorMessage", v);
    }
    r
}

fn set_common_headers(h: &mut HeaderMap, request_id: &str) {
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-amzn-RequestId", v);
    }
}

/// Messages can carry request text; headers take visible ASCII only.
fn header_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    const SIG: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn accepts_sigv4_for_cognito_idp_only() {
        let ok = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature={SIG}"
        );
        assert!(check_authorization(&headers(&ok)).is_ok());
        let s3 = ok.replace("cognito-idp", "s3");
        assert_eq!(
            check_authorization(&headers(&s3)).unwrap_err(),
            CognitoError::invalid_signature()
        );
        assert_eq!(
            check_authorization(&headers("Bearer abc")).unwrap_err(),
            CognitoError::invalid_signature()
        );
        assert_eq!(
            check_authorization(&HeaderMap::new()).unwrap_err(),
            CognitoError::missing_authentication_token()
        );
    }

    #[test]
    fn bodies_must_be_json_objects() {
        assert!(parse_body(b"").unwrap().is_object());
        assert!(parse_body(b"{\"a\":1}").is_ok());
        for bad in [&b"[1]"[..], b"{", b"null", b"\xff"] {
            assert_eq!(
                parse_body(bad).unwrap_err().kind,
                crate::domain::ErrorKind::Serialization
            );
        }
    }

    #[test]
    fn error_headers_are_ascii_and_carry_the_type_with_a_colon() {
        let e = CognitoError::new(crate::domain::ErrorKind::UserNotFound, "Ünknown\nuser");
        let r = error_response(&e, "rid");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.headers()["x-amzn-ErrorType"], "UserNotFoundException:");
        assert_eq!(r.headers()["x-amzn-ErrorMessage"], "?nknown?user");
        assert_eq!(r.headers()["x-amzn-RequestId"], "rid");
    }
}
