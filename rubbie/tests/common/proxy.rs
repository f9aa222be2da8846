//! A TCP proxy on loopback between rubbie and its database, which a test cuts (open connections
//! dropped, new ones refused, as when the server is down) and restores, to see rubbie with its
//! database away.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// A running proxy; dropped, it stops.
pub struct Proxy {
    /// Where the proxy listens.
    pub addr: SocketAddr,
    target: SocketAddr,
    /// The accept loop (absent while cut) and every open link.
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    /// Starts a proxy to `target` on a free loopback port.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Proxy { addr: listener.local_addr().unwrap(), target, tasks: Arc::default() };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(link.abort_handle());
            }
        });
        self.tasks.lock().unwrap().push(accept.abort_handle());
    }

    /// The database goes away: open connections are dropped and new ones refused.
    pub fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// The database is back, on the same address.
    pub async fn restore(&self) {
        let listener = loop {
            // The aborted accept loop may not have released the port yet.
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        };
        self.serve(listener);
    }

    /// `url` with its host and port replaced by the proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let start = url.find("://").unwrap() + 3;
        let rest = &url[start..];
        let host_start = rest.find('@').map(|i| i + 1).unwrap_or(0);
        let host_end = rest[host_start..].find(['/', '?']).map(|i| host_start + i).unwrap_or(rest.len());
        format!("{}{}{}{}", &url[..start], &rest[..host_start], self.addr, &rest[host_end..])
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}
/// The `host:port` of a server URL, resolved.
pub fn target_of(url: &str) -> SocketAddr {
    let rest = &url[url.find("://").unwrap() + 3..];
    let rest = &rest[rest.find('@').map(|i| i + 1).unwrap_or(0)..];
    let host = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let default_port = if url.starts_with("postgres") { 5432 } else { 3306 };
    let host = if host.contains(':') { host.to_owned() } else { format!("{host}:{default_port}") };
    std::net::ToSocketAddrs::to_socket_addrs(&host).unwrap().next().unwrap()
}
