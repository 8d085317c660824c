//! The HTTP side of `briefing serve`: which requests are answered (the
//! `Host` check against DNS rebinding), how a URL path becomes an output
//! file (and which paths are refused), content types, and the connection
//! loop with its timeouts.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use percent_encoding::percent_decode_str;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::reload;
use super::state::Shared;

/// A client must send its request headers within this time.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 256;
/// How long open connections get to finish when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The `Host` header values the server answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// Full `host:port` values, lower case.
    exact: Vec<String>,
    /// `--allow-host` names given without a port: any port matches.
    any_port: Vec<String>,
}

impl AllowedHosts {
    /// The loopback names and the bound address on `port`, plus `extra`
    /// (`--allow-host`, with or without a port).
    pub fn new(bind: IpAddr, port: u16, extra: &[String]) -> AllowedHosts {
        let mut exact: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect();
        exact.push(SocketAddr::new(bind, port).to_string());
        if port == 80 {
            // Browsers leave out the default port.
            exact.extend(["127.0.0.1", "localhost", "[::1]"].map(String::from));
        }
        let mut any_port = Vec::new();
        for host in extra {
            let host = host.trim().to_ascii_lowercase();
            if split_port(&host).1.is_some() {
                exact.push(host);
            } else {
                any_port.push(host);
            }
        }
        AllowedHosts { exact, any_port }
    }

    /// Whether a `Host` header value names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        self.exact.contains(&host) || self.any_port.iter().any(|h| *h == split_port(&host).0)
    }

    /// The first allowed value, for messages.
    fn example(&self) -> &str {
        self.exact.first().map_or("127.0.0.1", String::as_str)
    }
}

/// `host:port` → (`host`, `Some(port)`); IPv6 literals keep their brackets.
fn split_port(host: &str) -> (&str, Option<&str>) {
    let colon = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => i,
        _ => return (host, None),
    };
    (&host[..colon], Some(&host[colon + 1..]))
}

/// Everything a request handler needs.
#[derive(Clone)]
pub struct App {
    /// Files and build status.
    pub shared: Arc<Shared>,
    /// Accepted `Host` values.
    pub hosts: Arc<AllowedHosts>,
    /// Becomes `true` when the server stops, ending event streams.
    pub stop: watch::Receiver<bool>,
}

/// The router: one handler, so the `Host` check comes before everything.
pub fn router(app: App) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

async fn dispatch(State(app): State<App>, request: Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    if !host.as_deref().is_some_and(|h| app.hosts.allows(h)) {
        return forbidden_host(&app.hosts);
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "Only GET and HEAD.\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    match request.uri().path() {
        reload::EVENTS_PATH => reload::events(Arc::clone(&app.shared), app.stop.clone()),
        reload::SCRIPT_PATH => reload::script(),
        raw => site_file(&app.shared, raw, request.uri().query()),
    }
}

fn forbidden_host(hosts: &AllowedHosts) -> Response {
    let body = format!(
        "403 Forbidden: this preview server only answers requests addressed to it by \
         its own address (such as http://{}/), which protects it from other web pages \
         (DNS rebinding). To reach it under another host name, restart it with \
         `briefing serve --allow-host NAME`.\n",
        hosts.example()
    );
    text(StatusCode::FORBIDDEN, body)
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// Turns a raw (percent-encoded) URL path into the output path it names,
/// without its leading slash (`/a/b/` → `a/b/`). Refuses `.` and `..`
/// segments, empty segments, encoded slashes and backslashes, backslashes,
/// control characters and invalid UTF-8, so that no request can name
/// anything but a file of the built site by another spelling.
pub fn normalize(raw: &str) -> Result<String, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath)?;
    if rest.is_empty() {
        return Ok(String::new());
    }
    let (body, trailing) = match rest.strip_suffix('/') {
        Some(body) => (body, "/"),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(rest.len());
    for segment in body.split('/') {
        let lower = segment.to_ascii_lowercase();
        if lower.contains("%2f") || lower.contains("%5c") {
            return Err(BadPath);
        }
        let decoded = percent_decode_str(segment)
            .decode_utf8()
            .map_err(|_| BadPath)?;
        let bad_char = |c: char| c == '\\' || c == '/' || c.is_control();
        if decoded.is_empty() || decoded == "." || decoded == ".." || decoded.contains(bad_char) {
            return Err(BadPath);
        }
        out.push_str(&decoded);
        out.push('/');
    }
    out.pop();
    out.push_str(trailing);
    Ok(out)
}

fn site_file(shared: &Shared, raw: &str, query: Option<&str>) -> Response {
    let Ok(path) = normalize(raw) else {
        return text(StatusCode::BAD_REQUEST, "400 Bad Request: invalid path.\n");
    };
    let snapshot = shared.snapshot();
    if snapshot.generation == 0 {
        let html = reload::inject(reload::PLACEHOLDER_PAGE.as_bytes(), "", 0, &shared.instance);
        return file(StatusCode::SERVICE_UNAVAILABLE, "index.html", html.into());
    }
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    let found = snapshot.files.get(&key);
    let (status, key, bytes) = match found {
        Some(served) => (StatusCode::OK, key, served.bytes()),
        None if !path.ends_with('/')
            && snapshot.files.contains_key(&format!("{path}/index.html")) =>
        {
            // The raw path was checked above, so it is safe to echo.
            let mut location = format!("{raw}/");
            if let Some(q) = query {
                location = format!("{location}?{q}");
            }
            return redirect(&location);
        }
        None => match snapshot.files.get("404.html") {
            Some(served) => (StatusCode::NOT_FOUND, "404.html".to_owned(), served.bytes()),
            None => return text(StatusCode::NOT_FOUND, "404 Not Found\n"),
        },
    };
    let bytes = if key.ends_with(".html") {
        Bytes::from(reload::inject(
            &bytes,
            &key,
            snapshot.generation,
            &shared.instance,
        ))
    } else {
        bytes
    };
    file(status, &key, bytes)
}

fn file(status: StatusCode, path: &str, bytes: Bytes) -> Response {
    let mut response = (status, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    no_store(headers);
    response
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = (status, body.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    no_store(headers);
    response
}

fn redirect(location: &str) -> Response {
    let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A preview must never be cached: the next edit changes it.
fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The `Content-Type` of an output file, by its name.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    if name == "rss.xml" {
        return "application/rss+xml; charset=utf-8";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Accepts connections until `stop` turns `true`, then gives open ones a
/// moment to finish. Each connection is HTTP/1.1 with a header-read
/// timeout, so a client that never finishes its request is dropped.
pub async fn serve(listener: TcpListener, router: Router, mut stop: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = accept(&listener, &permits) => accepted,
            _ = stop.wait_for(|stopping| *stopping) => break,
        };
        let Some((stream, permit)) = accepted else {
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stop.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                // A broken connection concerns only its client.
                _ = connection.as_mut() => return,
                _ = stop.wait_for(|stopping| *stopping) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
        // Reap finished connections so the set does not grow.
        while tasks.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
}

async fn accept(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> Option<(tokio::net::TcpStream, tokio::sync::OwnedSemaphorePermit)> {
    let permit = Arc::clone(permits).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, _)) => Some((stream, permit)),
        Err(_) => {
            // Out of file descriptors and the like: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_maps_clean_paths() {
        assert_eq!(normalize("/").unwrap(), "");
        assert_eq!(normalize("/a/b/").unwrap(), "a/b/");
        assert_eq!(normalize("/style.css").unwrap(), "style.css");
        assert_eq!(normalize("/tags/caf%C3%A9/").unwrap(), "tags/café/");
        assert_eq!(normalize("/a%20b").unwrap(), "a b");
    }

    #[test]
    fn normalize_refuses_every_escape() {
        for raw in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/a%2f..%2f..%2fx",
            "/a%2Fb",
            "/..%5c..%5cx",
            "/\\..\\x",
            "/a/./b",
            "/a//b",
            "//etc/passwd",
            "/a%00b",
            "/a%0ab",
            "/a%7f",
            "/%ff",
            "relative",
        ] {
            assert_eq!(normalize(raw), Err(BadPath), "{raw}");
        }
    }

    #[test]
    fn hosts_allow_loopback_names_on_the_port_only() {
        let hosts = AllowedHosts::new("127.0.0.1".parse().unwrap(), 4000, &[]);
        assert!(hosts.allows("127.0.0.1:4000"));
        assert!(hosts.allows("LOCALHOST:4000"));
        assert!(hosts.allows("[::1]:4000"));
        assert!(!hosts.allows("localhost:4001"));
        assert!(!hosts.allows("localhost"));
        assert!(!hosts.allows("evil.example:4000"));
        assert!(!hosts.allows("evil.example"));
    }

    #[test]
    fn allow_host_with_and_without_port() {
        let extra = ["Preview.Test".to_owned(), "box.lan:8080".to_owned()];
        let hosts = AllowedHosts::new("0.0.0.0".parse().unwrap(), 4000, &extra);
        assert!(hosts.allows("0.0.0.0:4000"));
        assert!(hosts.allows("preview.test"));
        assert!(hosts.allows("preview.test:4000"));
        assert!(hosts.allows("box.lan:8080"));
        assert!(!hosts.allows("box.lan:4000"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("tags/x/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("rss.xml"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("b/index.md"), "text/markdown; charset=utf-8");
        assert_eq!(content_type("feed.json"), "application/json");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
