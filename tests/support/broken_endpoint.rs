//! An endpoint that answers every request with one fixed HTTP status and an HTML page, as a
//! proxy, a gateway or an emulator without the operation does: not Cognito's JSON error
//! format. Counts the requests it gets, to tell whether the client sent one again.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The page served: HTML with an escape sequence in it (pool text is untrusted, and so is an
/// error page).
pub const PAGE: &str = "<html>\n<head><title>Oops</title></head>\n<body>\u{1b}]0;pwned\u{7}\
                        <h1>Something went wrong</h1><p>nginx</p></body>\n</html>\n";

/// The endpoint, serving on 127.0.0.1 from its own runtime until dropped.
pub struct BrokenEndpoint {
    _rt: tokio::runtime::Runtime,
    pub url: String,
    requests: Arc<AtomicUsize>,
}

impl BrokenEndpoint {
    /// Answers every request with `status` and [`PAGE`] as `text/html`.
    pub fn start(status: u16) -> BrokenEndpoint {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let status = StatusCode::from_u16(status).unwrap();
        rt.spawn(async move {
            let app = Router::new().fallback(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    let mut r: Response = (status, PAGE).into_response();
                    r.headers_mut()
                        .insert("content-type", "text/html".parse().expect("ASCII"));
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

    /// How many requests have arrived so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
