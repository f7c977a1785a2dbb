//! An endpoint that answers with one fixed HTTP status and an HTML page, as a proxy, a
//! gateway or an emulator without the operation does: not Cognito's JSON error format. It
//! may answer some operations itself first (as an emulator that implements only those).
//! Counts the requests of each operation, to tell whether the client sent one again.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The page served: HTML with an escape sequence in it (pool text is untrusted, and so is an
/// error page).
pub const PAGE: &str = "<html>\n<head><title>Oops</title></head>\n<body>\u{1b}]0;pwned\u{7}\
                        <h1>Something went wrong</h1><p>nginx</p></body>\n</html>\n";

/// What the endpoint answers an operation (`AdminGetUser`) with its JSON request: an HTTP
/// status and a JSON body, or `None` for the HTML page.
pub type Answers = Arc<dyn Fn(&str, &Value) -> Option<(u16, Value)> + Send + Sync>;

/// The endpoint, serving on 127.0.0.1 from its own runtime until dropped.
pub struct BrokenEndpoint {
    _rt: tokio::runtime::Runtime,
    pub url: String,
    requests: Arc<Mutex<HashMap<String, usize>>>,
}

impl BrokenEndpoint {
    /// Answers every request with `status` and [`PAGE`] as `text/html`.
    pub fn start(status: u16) -> BrokenEndpoint {
        Self::answering(status, Arc::new(|_: &str, _: &Value| None))
    }

    /// Answers what `answers` answers, and everything else with `status` and [`PAGE`].
    pub fn answering(status: u16, answers: Answers) -> BrokenEndpoint {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(HashMap::new()));
        let counter = requests.clone();
        let status = StatusCode::from_u16(status).unwrap();
        rt.spawn(async move {
            let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
                let operation = headers
                    .get("x-amz-target")
                    .and_then(|t| t.to_str().ok())
                    .and_then(|t| t.rsplit('.').next())
                    .unwrap_or("")
                    .to_owned();
                *counter
                    .lock()
                    .unwrap()
                    .entry(operation.clone())
                    .or_default() += 1;
                let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let answer = answers(&operation, &request);
                async move {
                    let (code, content_type, body) = match answer {
                        Some((code, json)) => (
                            StatusCode::from_u16(code).unwrap(),
                            "application/x-amz-json-1.1",
                            json.to_string(),
                        ),
                        None => (status, "text/html", PAGE.to_owned()),
                    };
                    let mut r: Response = (code, body).into_response();
                    r.headers_mut()
                        .insert("content-type", content_type.parse().expect("ASCII"));
                    r
                }
            });
            let _ = axum::serve(listener, app).await;
        });
        BrokenEndpoint {
            _rt: rt,
            url,
            requests,
        }
    }

    /// How many requests have arrived so far, of every operation.
    pub fn requests(&self) -> usize {
        self.requests.lock().unwrap().values().sum()
    }

    /// How many requests of `operation` have arrived so far.
    pub fn requests_of(&self, operation: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }
}
