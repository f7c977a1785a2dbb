//! TEMPORARY placeholder on main while the local endpoint is built on branch `local`:
//! the public API only. Replaced wholesale by that branch's module.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const LOCAL_REGION: &str = "us-east-1";
pub const LOCAL_ACCESS_KEY_ID: &str = "AKIDLOCALCOGLINK";
pub const LOCAL_SECRET_ACCESS_KEY: &str = "local-secret";

pub struct LocalOptions {
    pub port: u16,
    pub state_file: Option<PathBuf>,
    pub seed: Seed,
}

pub enum Seed {
    Empty,
    Demo,
}

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("the local endpoint is not built on this branch yet")]
    NotBuilt,
}

pub struct LocalServer {
    addr: SocketAddr,
}

impl LocalServer {
    pub async fn start(_opts: LocalOptions) -> Result<LocalServer, LocalError> {
        Err(LocalError::NotBuilt)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(self) {}
}

pub async fn serve_forever(_opts: LocalOptions) -> Result<(), LocalError> {
    Err(LocalError::NotBuilt)
}
