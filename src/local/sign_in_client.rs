//! The client side of `coglink local sign-in`: one request in coglink's own namespace
//! (`CoglinkLocal.SignInFederated`, see `ops::sign_in`) to a running local endpoint. Plain
//! HTTP/1.1 on loopback: the SDK has no such operation, and the endpoint answers it only on
//! loopback, so nothing else is needed.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::LOCAL_ACCESS_KEY_ID;

/// What to sign in: an identity of `provider` with `subject` and the IdP's claims.
#[derive(Clone, Debug, Default)]
pub struct SignInRequest {
    pub user_pool_id: String,
    pub provider: String,
    pub subject: String,
    pub claims: BTreeMap<String, String>,
}

/// Whom it signed in as.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignedIn {
    pub username: String,
    pub sub: String,
    /// The user was created by this sign-in (the identity's own `<Provider>_<subject>`).
    pub created: bool,
    /// The identity is linked: it signed in as the link's destination.
    pub linked: bool,
}

/// `http://127.0.0.1:PORT` (or `localhost`, `[::1]`) → the address to connect to; anything
/// else is refused: the operation is local-only.
fn loopback_address(endpoint_url: &str) -> Result<String, String> {
    let rest = endpoint_url.strip_prefix("http://").ok_or_else(|| {
        format!("--endpoint-url: must be http://127.0.0.1:PORT, got {endpoint_url:?}")
    })?;
    let authority = rest.trim_end_matches('/');
    let (host, port) = authority
        .rsplit_once(':')
        .ok_or_else(|| format!("--endpoint-url: needs a port, got {endpoint_url:?}"))?;
    let loopback = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback || port.parse::<u16>().is_err() {
        return Err(format!(
            "--endpoint-url: local sign-in talks only to a local endpoint on loopback \
             (http://127.0.0.1:PORT), got {endpoint_url:?}"
        ));
    }
    Ok(authority.to_owned())
}

/// Sends the sign-in; errors are worded for a person (the endpoint's type and message).
pub async fn sign_in(endpoint_url: &str, req: &SignInRequest) -> Result<SignedIn, String> {
    let address = loopback_address(endpoint_url)?;
    let body = json!({
        "UserPoolId": req.user_pool_id,
        "ProviderName": req.provider,
        "Subject": req.subject,
        "Claims": req.claims,
    })
    .to_string();
    // SigV4-shaped, as the endpoint requires; it checks the shape, not the signature.
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: CoglinkLocal.SignInFederated\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential={LOCAL_ACCESS_KEY_ID}/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-target, Signature={}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        "0".repeat(64),
        body.len()
    );
    let connect_address = address
        .replace("localhost", "127.0.0.1")
        .replace("[::1]", "::1");
    let mut stream = tokio::net::TcpStream::connect(&connect_address)
        .await
        .map_err(|e| format!("cannot reach the local endpoint at {endpoint_url}: {e}"))?;
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("sending to {endpoint_url}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| format!("reading the answer of {endpoint_url}: {e}"))?;
    parse_answer(&String::from_utf8_lossy(&answer))
}

fn parse_answer(raw: &str) -> Result<SignedIn, String> {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .ok_or("the endpoint's answer is not HTTP")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("the endpoint's answer has no status")?;
    let value: Value = serde_json::from_str(body).map_err(|_| {
        format!(
            "HTTP {status} from the endpoint, and its body is not JSON (is it a coglink local endpoint?)"
        )
    })?;
    if status == 200 {
        return serde_json::from_value(value)
            .map_err(|e| format!("unexpected answer from the endpoint: {e}"));
    }
    let kind = value["__type"].as_str().unwrap_or("error");
    let message = value["message"].as_str().unwrap_or("");
    Err(format!("{kind}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_endpoints_are_taken() {
        assert_eq!(
            loopback_address("http://127.0.0.1:4599").unwrap(),
            "127.0.0.1:4599"
        );
        assert_eq!(
            loopback_address("http://localhost:80/").unwrap(),
            "localhost:80"
        );
        for bad in [
            "https://127.0.0.1:4599",
            "http://10.0.0.1:4599",
            "http://cognito-idp.us-east-1.amazonaws.com:443",
            "http://127.0.0.1",
            "http://127.0.0.1:port",
        ] {
            assert!(loopback_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_and_errors_are_read() {
        let ok = "HTTP/1.1 200 OK\r\ncontent-type: x\r\n\r\n{\"Username\":\"Google_1\",\"Sub\":\"s\",\"Created\":true,\"Linked\":false}";
        assert_eq!(
            parse_answer(ok).unwrap(),
            SignedIn {
                username: "Google_1".into(),
                sub: "s".into(),
                created: true,
                linked: false
            }
        );
        let err = "HTTP/1.1 400 Bad Request\r\n\r\n{\"__type\":\"ResourceNotFoundException\",\"message\":\"User pool x does not exist.\"}";
        assert_eq!(
            parse_answer(err).unwrap_err(),
            "ResourceNotFoundException: User pool x does not exist."
        );
        assert!(
            parse_answer("HTTP/1.1 500 X\r\n\r\n<html>")
                .unwrap_err()
                .contains("HTTP 500")
        );
    }
}
