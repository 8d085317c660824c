//! Telling browsers about rebuilds: the server-sent event stream at
//! `/__briefing/events`, the messages on it, and the small script
//! (`/__briefing/live.js`) that every served HTML page gets, which reloads
//! the page or shows the build errors over it.
//!
//! Events, each with a JSON `data` line:
//!
//! - `ok` `{instance, generation}` — the site builds; sent on connecting and
//!   after a rebuild whose output did not change;
//! - `reload` `{instance, generation, paths, all, millis}` — a rebuild
//!   changed these output files (`all` when it is simpler to say
//!   "everything");
//! - `error` `{instance, generation, diagnostics: [{severity, path, line,
//!   col, message, snippet}]}` — the build failed; the last good site is
//!   still served. Sent on connecting too, while the build is broken.
//!
//! The script reloads its page when the page itself or a file it loaded (a
//! stylesheet, a script, an image, the search index) is among `paths`, and
//! when its page is older than the server's current build (it missed
//! events while disconnected, or the server restarted).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use super::state::Shared;
use crate::diag::{Diagnostic, Severity};

/// URL of the event stream.
pub const EVENTS_PATH: &str = "/__briefing/events";
/// URL of the injected script.
pub const SCRIPT_PATH: &str = "/__briefing/live.js";

/// The injected script; see the comment at its top.
const LIVE_JS: &str = include_str!("live.js");

/// How long a browser waits before reconnecting to a lost event stream.
const RETRY: Duration = Duration::from_secs(1);

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Message {
    /// The event name: `ok`, `reload` or `error`.
    pub event: &'static str,
    /// The JSON payload.
    pub data: Arc<str>,
}

#[derive(Serialize)]
struct OkData<'a> {
    instance: &'a str,
    generation: u64,
}

#[derive(Serialize)]
struct ReloadData<'a> {
    instance: &'a str,
    generation: u64,
    paths: &'a [String],
    all: bool,
    millis: u128,
}

#[derive(Serialize)]
struct ErrorData<'a> {
    instance: &'a str,
    generation: u64,
    diagnostics: Vec<Problem>,
}

/// A diagnostic as the overlay shows it. Plain text: the script puts it in
/// the page with `textContent` only.
#[derive(Serialize)]
struct Problem {
    severity: &'static str,
    path: String,
    line: usize,
    col: usize,
    message: String,
    /// The source snippet as the terminal shows it without color, below the
    /// `path:line:col: message` line (which the overlay lays out itself).
    snippet: String,
}

fn message(event: &'static str, data: &impl Serialize) -> Message {
    // These payloads are plain structs of strings and numbers.
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    Message {
        event,
        data: Arc::from(json),
    }
}

/// The `ok` event.
pub fn ok(instance: &str, generation: u64) -> Message {
    message(
        "ok",
        &OkData {
            instance,
            generation,
        },
    )
}

/// The `reload` event.
pub fn reload(
    instance: &str,
    generation: u64,
    paths: &[String],
    all: bool,
    millis: u128,
) -> Message {
    let data = ReloadData {
        instance,
        generation,
        paths,
        all,
        millis,
    };
    message("reload", &data)
}

/// The `error` event, with every diagnostic of the failed build.
pub fn error(instance: &str, generation: u64, diags: &[Diagnostic]) -> Message {
    let diagnostics = diags
        .iter()
        .map(|d| {
            let rendered = d.render(false);
            let snippet = rendered
                .split_once('\n')
                .map(|(_, rest)| rest.trim_end().to_owned())
                .unwrap_or_default();
            Problem {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                path: d.path.display().to_string(),
                line: d.line,
                col: d.col,
                message: d.message.clone(),
                snippet,
            }
        })
        .collect();
    let data = ErrorData {
        instance,
        generation,
        diagnostics,
    };
    message("error", &data)
}

/// `GET /__briefing/events`: the current state at once, then every
/// message, until the browser leaves or the server stops.
pub fn events(shared: Arc<Shared>, stop: watch::Receiver<bool>) -> Response {
    struct Feed {
        first: Option<Message>,
        receiver: broadcast::Receiver<Message>,
        stop: watch::Receiver<bool>,
        shared: Arc<Shared>,
    }
    let (first, receiver) = shared.subscribe();
    let feed = Feed {
        first: Some(first),
        receiver,
        stop,
        shared,
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        if let Some(first) = feed.first.take() {
            let event = to_event(&first).retry(RETRY);
            return Some((Ok::<_, Infallible>(event), feed));
        }
        let message = tokio::select! {
            received = feed.receiver.recv() => match received {
                Ok(message) => message,
                // Too slow to keep up: the current state makes its script
                // see that its page is stale.
                Err(RecvError::Lagged(_)) => feed.shared.subscribe().0,
                Err(RecvError::Closed) => return None,
            },
            _ = feed.stop.wait_for(|stopping| *stopping) => return None,
        };
        Some((Ok(to_event(&message)), feed))
    });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn to_event(message: &Message) -> Event {
    Event::default().event(message.event).data(&*message.data)
}

/// `GET /__briefing/live.js`.
pub fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

/// Inserts the live-reload script before the last `</body>` (at the end when
/// there is none). `path` is the output file being served, so the script
/// knows which changes concern it.
pub fn inject(html: &[u8], path: &str, generation: u64, instance: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{SCRIPT_PATH}\" defer data-path=\"{}\" data-generation=\"{generation}\" data-instance=\"{}\"></script>",
        crate::escape::xml(path),
        crate::escape::xml(instance),
    );
    let at = rfind_ignore_case(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// The page served for every path while the site has never built: the
/// injected script shows the errors over it and reloads on the first good
/// build.
pub const PLACEHOLDER_PAGE: &str = "<!doctype html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>The site does not build yet</title>
</head>
<body>
<main>
<h1>The site does not build yet</h1>
<p>The problems are listed in the terminal running <code>briefing serve</code>. This page updates by itself as soon as the site builds.</p>
</main>
</body>
</html>
";

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn inject_goes_before_the_last_body_end() {
        let html = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = String::from_utf8(inject(html, "a/index.html", 3, "i")).unwrap();
        let script = out
            .find("<script src=\"/__briefing/live.js\" defer")
            .unwrap();
        assert!(script < out.find("</BODY>").unwrap(), "{out}");
        assert!(out.contains("data-path=\"a/index.html\" data-generation=\"3\""));
        assert!(out.ends_with("</BODY></html>"));
    }

    #[test]
    fn inject_appends_without_a_body_and_escapes_the_path() {
        let out = String::from_utf8(inject(b"<p>x</p>", "a\"b", 1, "i")).unwrap();
        assert!(out.starts_with("<p>x</p><script"), "{out}");
        assert!(out.contains("data-path=\"a&quot;b\""), "{out}");
    }

    #[test]
    fn error_event_carries_position_message_and_snippet() {
        let text: Arc<str> = Arc::from("+++\ntitel = \"x\"\n+++\n");
        let d = Diagnostic::error_at(Path::new("content/a.md"), &text, 4..9, "unknown key");
        let m = error("i", 2, &[d]);
        assert_eq!(m.event, "error");
        let v: serde_json::Value = serde_json::from_str(&m.data).unwrap();
        let p = &v["diagnostics"][0];
        assert_eq!(p["path"], "content/a.md");
        assert_eq!(p["line"], 2);
        assert_eq!(p["col"], 1);
        assert_eq!(p["message"], "unknown key");
        assert!(p["snippet"].as_str().unwrap().contains("titel = \"x\""));
        assert!(!p["snippet"].as_str().unwrap().contains("unknown key"));
    }
}
