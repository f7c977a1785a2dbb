//! Connections the simulator can drop without an HTTP response.
//!
//! axum answers every request, so a dropped connection is made below it: the listener wraps
//! each socket in a [`DroppableStream`] and hands the handler a [`ConnHandle`] to it (as the
//! connection's "address", reached through `ConnectInfo`). `ConnHandle::drop_connection` makes
//! every later read and write of the stream fail; the handler's response then cannot be
//! written, hyper gives the connection up and the socket is closed. The client has sent its
//! whole request and reads end-of-stream where the response should be (the SDK reports a
//! dispatch failure, "connection closed before message completed").

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections can be dropped by the handler.
pub struct DroppableListener(pub TcpListener);

/// The per-connection handle handlers receive through `ConnectInfo<ConnHandle>`.
#[derive(Clone, Debug)]
pub struct ConnHandle {
    pub peer: SocketAddr,
    dropped: Arc<AtomicBool>,
}

impl ConnHandle {
    /// Closes the connection without answering the request in flight.
    pub fn drop_connection(&self) {
        self.dropped.store(true, Ordering::SeqCst);
    }
}

pub struct DroppableStream {
    inner: TcpStream,
    dropped: Arc<AtomicBool>,
}

impl DroppableStream {
    fn check(&self) -> io::Result<()> {
        if self.dropped.load(Ordering::SeqCst) {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection dropped by the local endpoint's fault simulation",
            ))
        } else {
            Ok(())
        }
    }
}

impl Listener for DroppableListener {
    type Io = DroppableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (inner, peer) = Listener::accept(&mut self.0).await;
        // Answers are single small writes; don't let Nagle delay them.
        let _ = inner.set_nodelay(true);
        let dropped = Arc::new(AtomicBool::new(false));
        let handle = ConnHandle {
            peer,
            dropped: dropped.clone(),
        };
        (DroppableStream { inner, dropped }, handle)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            peer: self.0.local_addr()?,
            dropped: Arc::default(),
        })
    }
}

impl Connected<IncomingStream<'_, DroppableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, DroppableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

impl AsyncRead for DroppableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for DroppableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
