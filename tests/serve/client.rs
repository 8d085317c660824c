//! A client for `briefing serve` in tests: start the real binary, speak
//! raw HTTP/1.1 to it over 127.0.0.1, and read its server-sent events.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::harness::TestSite;

/// How long the first build may take before the server says where it is.
const START_DEADLINE: Duration = Duration::from_secs(60);

/// A running `briefing serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// One server at a time: the timings asserted here are a person's
    /// expectations on a quiet machine, not on one building nine sites.
    _serial: MutexGuard<'static, ()>,
}

static SERIAL: Mutex<()> = Mutex::new(());

impl Server {
    pub fn start(site: &TestSite, extra: &[&str]) -> Server {
        // A failed test poisons the lock; the next one may still run.
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("--site")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start briefing serve");
        // Both pipes are drained for the whole run, so the server never
        // blocks on a full pipe.
        let (lines, stdout) = std::sync::mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().expect("piped stderr");
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut all = collected.lock().unwrap();
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut server = Server {
            child,
            port: 0,
            stdout,
            stderr,
            _serial: serial,
        };
        let line = server.wait_for_line(START_DEADLINE, |l| l.starts_with("Serving "));
        let url = line.trim_start_matches("Serving ");
        let port = url
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("unexpected URL line: {line}"));
        server.port = port;
        server
    }

    /// The next stdout line matching `want`, or a panic with what was seen.
    pub fn wait_for_line(&self, within: Duration, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if want(&line) => return line,
                Ok(line) => seen.push(line),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => panic!(
                    "no matching line in {within:?}; stdout: {seen:#?}\nstderr:\n{}",
                    self.stderr.lock().unwrap()
                ),
            }
        }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path, &self.host())
    }

    pub fn request(&self, method: &str, path: &str, host: &str) -> Response {
        let head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        self.raw(head.as_bytes())
    }

    /// Sends raw bytes and reads the whole answer.
    pub fn raw(&self, request: &[u8]) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut bytes = Vec::new();
        // A server that closes without answering gives an empty response.
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    /// Polls `path` until its body contains `text`, for up to `within`.
    pub fn wait_for_body(&self, path: &str, text: &str, within: Duration) -> Response {
        let deadline = Instant::now() + within;
        loop {
            let response = self.get(path);
            if response.text().contains(text) {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "`{text}` not served at {path} within {within:?}; stderr:\n{}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn events(&self) -> Events {
        Events::open(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn parse(bytes: &[u8]) -> Response {
        let split = bytes.windows(4).position(|w| w == b"\r\n\r\n");
        let Some(split) = split else {
            return Response {
                status: 0,
                headers: Vec::new(),
                body: Vec::new(),
            };
        };
        let head = String::from_utf8_lossy(&bytes[..split]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let mut body = bytes[split + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
        if chunked {
            body = dechunk(&body);
        }
        Response {
            status,
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&bytes[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || bytes.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&bytes[end + 2..end + 2 + size]);
        bytes = &bytes[(end + 4 + size).min(bytes.len())..];
    }
    out
}

/// A client of `/__briefing/events`, decoding the chunked stream as it comes.
pub struct Events {
    reader: BufReader<TcpStream>,
    pending: String,
}

/// One server-sent event.
#[derive(Debug)]
pub struct SseEvent {
    pub name: String,
    pub data: serde_json::Value,
}

impl Events {
    pub fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        let head = format!("GET /__briefing/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("response head");
            if line.trim().is_empty() {
                break;
            }
            lines.push(line.trim().to_ascii_lowercase());
        }
        assert!(lines[0].contains(" 200 "), "{lines:?}");
        assert!(
            lines.iter().any(|l| l == "content-type: text/event-stream"),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l == "transfer-encoding: chunked"),
            "{lines:?}"
        );
        Events {
            reader,
            pending: String::new(),
        }
    }

    /// The next event (keep-alive comments skipped), or `None` after `within`.
    pub fn next(&mut self, within: Duration) -> Option<SseEvent> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        name = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if data.is_empty() {
                    continue;
                }
                let data = serde_json::from_str(&data).expect("event data is JSON");
                return Some(SseEvent { name, data });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let stream = self.reader.get_ref();
            stream.set_read_timeout(Some(left)).unwrap();
            let mut size = String::new();
            if self.reader.read_line(&mut size).is_err() {
                return None;
            }
            let size = usize::from_str_radix(size.trim(), 16).expect("chunk size");
            let mut chunk = vec![0; size + 2];
            self.reader.read_exact(&mut chunk).expect("chunk");
            self.pending
                .push_str(&String::from_utf8_lossy(&chunk[..size]));
        }
    }

    /// The next event named one of `names`, skipping others.
    pub fn expect(&mut self, names: &[&str], within: Duration) -> SseEvent {
        let deadline = Instant::now() + within;
        let mut skipped = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(event) if names.contains(&event.name.as_str()) => return event,
                Some(event) => skipped.push(event),
                None => panic!("no {names:?} event within {within:?}; got {skipped:#?}"),
            }
        }
    }
}
