//! A TCP proxy between the service and Neo4j that cuts a connection at its next Bolt COMMIT:
//! before the server gets it (nothing is stored), or after the server got it and answered,
//! without passing the answer on (stored, but the service cannot know). It can also silence
//! every connection open at a moment, as a network fault leaves them half-open: nothing
//! passes any more, nothing is closed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};

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
    /// Connections are numbered from 1; those below this number are silent.
    silent_below: Arc<AtomicU64>,
    opened: Arc<AtomicU64>,
}

impl BoltProxy {
    /// Listens on a free port and relays every connection to Neo4j at `target`.
    pub async fn start(target: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy listens");
        let port = listener.local_addr().expect("proxy address").port();
        let cut = Arc::new(AtomicU8::new(Cut::Off as u8));
        let silent_below = Arc::new(AtomicU64::new(0));
        let opened = Arc::new(AtomicU64::new(0));
        let (armed, silence, count) = (Arc::clone(&cut), Arc::clone(&silent_below), Arc::clone(&opened));
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                // A server that is down refuses: so does the proxy, by closing at once.
                if let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await {
                    let number = count.fetch_add(1, Ordering::SeqCst) + 1;
                    let silenced = Silenced { number, below: Arc::clone(&silence) };
                    tokio::spawn(relay(client, server, Arc::clone(&armed), silenced));
                }
            }
        });
        Self { port, cut, silent_below, opened }
    }

    /// From now on nothing passes on the connections open now; new ones work.
    pub fn silence_open_connections(&self) -> u64 {
        let open = self.opened.load(Ordering::SeqCst);
        self.silent_below.store(open + 1, Ordering::SeqCst);
        open
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

/// Whether a connection has been silenced.
struct Silenced {
    number: u64,
    below: Arc<AtomicU64>,
}

impl Silenced {
    /// Holds the connection open without passing anything, once it is silenced.
    async fn hold_if_silenced(&self) {
        if self.number < self.below.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    }
}

async fn relay(client: TcpStream, server: TcpStream, cut: Arc<AtomicU8>, silenced: Silenced) {
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
            silenced.hold_if_silenced().await;
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
            silenced.hold_if_silenced().await;
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
