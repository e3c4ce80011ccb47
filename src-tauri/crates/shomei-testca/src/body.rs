//! The body of every answer: either all at once, or streamed from a task through a
//! bounded channel (the 50 MB and slow-drip misbehaviours), so the server never holds a
//! huge answer in memory and stops producing as soon as the client hangs up.

use std::convert::Infallible;
use std::pin::Pin;
#[cfg(feature = "misbehave")]
use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(feature = "misbehave")]
use std::sync::Arc;
use std::task::{Context, Poll};
#[cfg(feature = "misbehave")]
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::mpsc;

/// An answer body.
#[derive(Debug)]
pub(crate) enum AnswerBody {
    /// The whole body; `None` once sent.
    Full(Option<Bytes>),
    /// Chunks produced by a task; the body ends when the task drops its sender.
    /// Only the misbehaviours stream.
    #[cfg_attr(not(feature = "misbehave"), allow(dead_code))]
    Stream(mpsc::Receiver<Bytes>),
}

impl AnswerBody {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        AnswerBody::Full(Some(bytes.into()))
    }

    #[cfg(feature = "misbehave")]
    /// `total` bytes of `fill`, in 64 KiB chunks, produced only as fast as the client reads
    /// them. Every byte handed to the connection is added to `streamed`.
    pub(crate) fn repeated(fill: u8, total: u64, streamed: Arc<AtomicU64>) -> Self {
        const CHUNK: usize = 64 * 1024;
        let chunk = Bytes::from(vec![fill; CHUNK]);
        let (tx, rx) = mpsc::channel(2);
        tokio::spawn(async move {
            let mut left = total;
            while left > 0 {
                let n = left.min(CHUNK as u64);
                // Fails once the client has hung up: stop producing.
                if tx.send(chunk.slice(..n as usize)).await.is_err() {
                    break;
                }
                streamed.fetch_add(n, Ordering::SeqCst);
                left -= n;
            }
        });
        AnswerBody::Stream(rx)
    }

    /// `bytes`, `per_tick` bytes at a time with `tick` between them.
    #[cfg(feature = "misbehave")]
    pub(crate) fn drip(bytes: Bytes, per_tick: usize, tick: Duration) -> Self {
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(async move {
            let mut at = 0;
            while at < bytes.len() {
                let end = (at + per_tick.max(1)).min(bytes.len());
                if tx.send(bytes.slice(at..end)).await.is_err() {
                    break;
                }
                at = end;
                tokio::time::sleep(tick).await;
            }
        });
        AnswerBody::Stream(rx)
    }
}

impl Body for AnswerBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            AnswerBody::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            AnswerBody::Stream(rx) => rx.poll_recv(cx).map(|c| c.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, AnswerBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            AnswerBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            AnswerBody::Full(None) => SizeHint::with_exact(0),
            AnswerBody::Stream(_) => SizeHint::default(),
        }
    }
}
