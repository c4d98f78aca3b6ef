//! A TCP proxy between the service and Neo4j that cuts a connection at its next Bolt COMMIT:
//! before the server gets it (nothing is stored), or after the server got it and answered,
//! without passing the answer on (stored, but the service cannot know).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A COMMIT message as a Bolt chunk: length 2, an empty structure with signature 0x12, end.
const COMMIT: [u8; 6] = [0x00, 0x02, 0xB0, 0x12, 0x00, 0x00];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cut {
    Off = 0,
    BeforeCommit = 1,
    AfterCommit = 2,
}

pub struct BoltProxy {
    pub port: u16,
    cut: Arc<AtomicU8>,
}

impl BoltProxy {
    /// Listens on a free port and relays every connection to Neo4j at `target`.
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy listens");
        let port = listener.local_addr().expect("proxy address").port();
        let cut = Arc::new(AtomicU8::new(Cut::Off as u8));
        let armed = Arc::clone(&cut);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                // A server that is down refuses: so does the proxy, by closing at once.
                if let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await {
                    tokio::spawn(relay(client, server, Arc::clone(&armed)));
                }
            }
        });
        Self { port, cut }
    }

    /// Cuts the connection that sends the next COMMIT, once.
    pub fn cut_next_commit(&self, cut: Cut) {
        self.cut.store(cut as u8, Ordering::SeqCst);
    }

    /// Whether the cut asked for has happened.
    pub fn cut_done(&self) -> bool {
        self.cut.load(Ordering::SeqCst) == Cut::Off as u8
    }
}

async fn relay(client: TcpStream, server: TcpStream, cut: Arc<AtomicU8>) {
    let (mut client_in, mut client_out) = client.into_split();
    let (mut server_in, mut server_out) = server.into_split();
    // Set once COMMIT went to the server: its answer ends the connection instead of passing.
    let swallow = AtomicBool::new(false);
    let upstream = async {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let n = match client_in.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            let data = &buffer[..n];
            let armed = cut.load(Ordering::SeqCst);
            if armed != Cut::Off as u8
                && data.windows(COMMIT.len()).any(|w| w == COMMIT)
                && cut.compare_exchange(armed, Cut::Off as u8, Ordering::SeqCst, Ordering::SeqCst).is_ok()
            {
                if armed == Cut::BeforeCommit as u8 {
                    return;
                }
                swallow.store(true, Ordering::SeqCst);
            }
            if server_out.write_all(data).await.is_err() {
                return;
            }
        }
    };
    let downstream = async {
        let mut buffer = vec![0; 64 * 1024];
        loop {
            let n = match server_in.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if swallow.load(Ordering::SeqCst) || client_out.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    };
    // When either side ends, both connections are dropped, that is closed.
    tokio::select! {
        () = upstream => {}
        () = downstream => {}
    }
}
