//! A real HTTP CONNECT proxy on 127.0.0.1, written here (Debian's squid would need a
//! service), shared by the proxy tests: it counts the tunnels it opened, can ask
//! for a password, and can divert every tunnel elsewhere (a TLS-inspecting box).
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT proxy. `password`: require `Proxy-Authorization: Basic user:password`.
/// `divert`: tunnel every CONNECT there instead (a TLS-inspecting box stands in
/// for the bank with its own certificate).
pub struct Proxy {
    pub addr: SocketAddr,
    pub tunnels: Arc<AtomicUsize>,
}

pub async fn proxy(password: Option<&'static str>, divert: Option<SocketAddr>) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let count = tunnels.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head
                    .strip_prefix("CONNECT ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .unwrap_or_default()
                    .to_owned();
                if let Some(password) = password {
                    let expected = base64::engine::general_purpose::STANDARD
                        .encode(format!("shomei:{password}"));
                    let authorized = head.lines().any(|l| {
                        l.to_ascii_lowercase().starts_with("proxy-authorization:")
                            && l.ends_with(&format!("Basic {expected}"))
                    });
                    if !authorized {
                        let _ = client
                            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n")
                            .await;
                        return;
                    }
                }
                let upstream = match divert {
                    Some(addr) => TcpStream::connect(addr).await,
                    None => TcpStream::connect(&target).await,
                };
                let Ok(mut upstream) = upstream else { return };
                count.fetch_add(1, Ordering::SeqCst);
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    Proxy { addr, tunnels }
}

impl Proxy {
    /// How many tunnels the proxy opened so far.
    pub fn tunnels(&self) -> usize {
        self.tunnels.load(Ordering::SeqCst)
    }
}
