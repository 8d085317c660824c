//! End-to-end tests of `briefing check` on fixture sites. External links are
//! checked against a server on 127.0.0.1 started by the test: no test
//! leaves the machine.

mod harness;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use harness::{Run, TestSite};

/// Keeps any proxy configured on the machine away from loopback requests.
const NO_PROXY: [(&str, &str); 2] = [("NO_PROXY", "127.0.0.1"), ("no_proxy", "127.0.0.1")];

/// The `path:line:col: error: …` lines of a run's stderr.
fn error_lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("content/") && l.contains(": error: "))
        .collect()
}

#[test]
fn clean_site_passes_and_writes_nothing() {
    let site = TestSite::fixture("check/clean");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("Checked 2 briefings, 1 page and 14 internal links in "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with(": no problems found"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "", "no warnings either");
    assert!(!site.root().join("public").exists(), "check never writes");
}

#[test]
fn broken_site_reports_every_problem_at_its_place() {
    let site = TestSite::fixture("check/broken");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let expected = [
        "content/2025/bare.md:1:1: error: briefing has no key points: set `key_points` or write a list under a \"Key points\" heading",
        "content/2025/bare.md:1:1: error: briefing has no source: set `source` in front matter or end the body with a `Source: URL` line",
        "content/2025/bare.md:1:1: error: briefing has no takeaway: set `takeaway` or write a paragraph starting \"In simple terms\"",
        "content/2025/links.md:5:14: error: broken link: nothing is published at `/nowhere/`",
        "content/2025/links.md:8:13: error: broken link: nothing is published at `/briefings/does-not-exist/`",
        "content/2025/links.md:9:1: error: broken anchor: `/briefings/other/` has no `#no-such-heading`",
        "content/2025/links.md:11:12: error: broken anchor: this page has no `#not-here`",
        "content/2025/links.md:15:3: error: broken link: nothing is published at `/briefings/draft/`",
        "content/2025/links.md:15:32: error: image without alt text: describe it between the brackets of `![…](…)`",
        "content/2025/other.md:11:12: error: broken anchor: `/briefings/links/` has no `#absent`",
        "content/companies/acme.md:4:11: error: broken anchor: `/briefings/other/` has no `#gone`",
        "content/companies/acme.md:4:46: error: broken link: it names a content file that is not published (a draft or a future-dated briefing)",
    ];
    assert_eq!(error_lines(&run), expected, "{}", run.stderr);
    // Each with its snippet, then the count line.
    assert!(
        run.stderr
            .contains("11 | Same page: [here](#not-here), but [this works](#present)."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("12 errors and 0 warnings found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.trim_end().ends_with(": 12 problems found"),
        "{}",
        run.stdout
    );
}

#[test]
fn drafts_are_checked_on_request() {
    let site = TestSite::fixture("check/broken");
    let run = site.run(&["check", "--drafts"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let lines = error_lines(&run);
    // The draft is published now: links to it work, and it is linted.
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("/briefings/draft/") || l.contains("not published")),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"content/2025/draft.md:1:1: error: briefing has no source: set `source` in front matter or end the body with a `Source: URL` line"),
        "{lines:#?}"
    );
}

#[test]
fn a_site_that_does_not_build_is_reported_as_the_build_reports_it() {
    let site = TestSite::fixture("invalid/broken-content-link");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("link to a content file that does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("check stopped"), "{}", run.stderr);
}

#[test]
fn http_settings_need_external() {
    let site = TestSite::fixture("check/clean");
    let run = site.run(&["check", "--timeout", "3"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    let run = site.run(&["check", "--external", "--max-per-host", "0"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
}

/// A tiny HTTP server on 127.0.0.1 for the external checks. It counts the
/// requests being answered at once and remembers the most it saw.
struct Server {
    port: u16,
    peak: Arc<AtomicUsize>,
}

impl Server {
    /// Serves until the test process ends; every answer waits `delay`.
    fn start(delay: Duration) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("address").port();
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (a, p) = (Arc::clone(&active), Arc::clone(&peak));
        std::thread::spawn(move || {
            // Bounded: a test sends a few dozen requests at most.
            for stream in listener.incoming().take(200).flatten() {
                let (a, p) = (Arc::clone(&a), Arc::clone(&p));
                std::thread::spawn(move || answer(stream, delay, &a, &p));
            }
        });
        Server { port, peak }
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

fn answer(stream: TcpStream, delay: Duration, active: &AtomicUsize, peak: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
    peak.fetch_max(now, Ordering::SeqCst);
    std::thread::sleep(delay);
    let (status, extra) = match (method, path) {
        (_, "/missing") => ("404 Not Found", ""),
        ("HEAD", "/nohead") => ("405 Method Not Allowed", ""),
        (_, "/moved") => ("301 Moved Permanently", "Location: /ok\r\n"),
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            ("200 OK", "")
        }
        _ => ("200 OK", ""),
    };
    active.fetch_sub(1, Ordering::SeqCst);
    let response =
        format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = (&stream).write_all(response.as_bytes());
}

/// A fixture whose URLs name `PORT`, pointed at `port`.
fn site_on_port(fixture: &str, port: u16, files: &[&str]) -> TestSite {
    let site = TestSite::fixture(fixture);
    for file in files {
        let text = std::fs::read_to_string(site.root().join(file)).expect("fixture file");
        site.write(file, &text.replace("PORT", &port.to_string()));
    }
    site
}

#[test]
fn external_links_are_checked_over_http() {
    let server = Server::start(Duration::ZERO);
    let site = site_on_port(
        "check/external",
        server.port,
        &["content/2025/external.md", "content/companies/acme.md"],
    );
    let started = std::time::Instant::now();
    let run = site.run_with_env(&["check", "--external", "--timeout", "1"], &NO_PROXY);
    assert!(started.elapsed() < Duration::from_secs(8), "took too long");
    assert_eq!(run.status, 1, "{}", run.stderr);
    let base = format!("http://127.0.0.1:{}", server.port);
    let expected = [
        format!(
            "content/2025/external.md:11:1: error: external link `{base}/missing` answered HTTP 404 Not Found"
        ),
        format!(
            "content/2025/external.md:12:1: error: external link `{base}/slow` did not answer within 1 s"
        ),
        format!(
            "content/companies/acme.md:3:12: error: external link `{base}/missing` answered HTTP 404 Not Found"
        ),
    ];
    assert_eq!(error_lines(&run), expected, "{}", run.stderr);
    // ok (with its fragment cut), nohead, moved, the image, /ok again as the
    // source, missing, slow: six distinct URLs.
    assert!(
        run.stdout.contains(", 6 external URLs in "),
        "{}",
        run.stdout
    );
}

/// A site with eight links to distinct URLs of one host, and a source there too.
fn one_host_site(port: u16) -> TestSite {
    let site = TestSite::empty();
    site.write(
        "briefing.toml",
        "title = \"Cap\"\nbase_url = \"https://example.com/\"\n",
    );
    let links: Vec<String> = (1..=8)
        .map(|i| format!("[{i}](http://127.0.0.1:{port}/ok/{i})"))
        .collect();
    site.write(
        "content/a.md",
        &format!(
            "+++\ntitle = \"A\"\ndate = 2025-01-01\nsource = \"http://127.0.0.1:{port}/ok/0\"\n\
             key_points = [\"x\"]\ntakeaway = \"y\"\n+++\n{}\n",
            links.join(" ")
        ),
    );
    site
}

#[test]
fn requests_to_one_host_are_capped() {
    let server = Server::start(Duration::from_millis(150));
    let site = one_host_site(server.port);
    let args = ["check", "--external", "--max-concurrency", "8"];
    let run = site.run_with_env(&args, &NO_PROXY);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(", 9 external URLs in "),
        "{}",
        run.stdout
    );
    assert!(server.peak() <= 2, "{} at once", server.peak());

    let server = Server::start(Duration::from_millis(150));
    let site = one_host_site(server.port);
    let run = site.run_with_env(&["check", "--external", "--max-per-host", "3"], &NO_PROXY);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(server.peak() <= 3, "{} at once", server.peak());
    assert!(server.peak() >= 2, "requests do run side by side");
}
