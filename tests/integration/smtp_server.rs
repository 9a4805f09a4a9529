//! A small SMTP server for tests: accepts every message and keeps it.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::Notify,
};

/// Messages received so far, as raw DATA.
#[derive(Clone, Default)]
pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
}

impl SmtpServer {
    /// Listens on a random local port.
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = SmtpServer {
            port: listener.local_addr().unwrap().port(),
            ..SmtpServer::default()
        };
        let handle = server.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(handle.clone().serve(socket));
            }
        });
        server
    }

    async fn serve(self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 test-smtp ready\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250 test-smtp\r\n"
            } else if command.starts_with("DATA") {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                    data.push_str(&line);
                    data.push('\n');
                }
                self.received.lock().unwrap().push(data);
                self.arrived.notify_waiters();
                b"250 queued\r\n"
            } else if command.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else {
                b"250 ok\r\n"
            };
            let _ = write.write_all(reply).await;
        }
    }

    /// Waits for the `n`th message and returns it.
    pub async fn message(&self, n: usize) -> String {
        loop {
            let arrived = self.arrived.notified();
            if let Some(message) = self.received.lock().unwrap().get(n - 1) {
                return message.clone();
            }
            tokio::time::timeout(std::time::Duration::from_secs(10), arrived)
                .await
                .expect("the SMTP server received a message");
        }
    }
}
