//! `briefing serve` end to end: the real binary on a copy of the
//! kitchen-sink fixture, spoken to over raw HTTP/1.1 on 127.0.0.1.

#[path = "serve/client.rs"]
mod client;
mod harness;

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use client::Server;
use harness::TestSite;

/// How long a change may take to show.
const CHANGE_DEADLINE: Duration = Duration::from_secs(2);

fn kitchen_sink() -> TestSite {
    TestSite::fixture("kitchen-sink")
}

#[test]
fn serves_pages_from_memory_with_the_live_script() {
    let site = kitchen_sink();
    let server = Server::start(&site, &[]);

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    let html = home.text();
    let script = html
        .find("<script src=\"/__briefing/live.js\" defer")
        .expect("live script injected");
    assert!(script < html.rfind("</body>").unwrap());

    let gamma = server.get("/briefings/gamma/");
    assert_eq!(gamma.status, 200);
    assert!(gamma.text().contains("Gamma mentions"));
    // Drafts and scheduled briefings are part of the preview.
    let draft = server.get("/briefings/a-draft/").text();
    assert!(draft.contains("Not ready.") && draft.contains("badge-draft"));
    let future = server.get("/briefings/from-the-future/").text();
    assert!(future.contains("Embargoed.") && future.contains("badge-scheduled"));
    // Nothing was written to disk.
    assert!(!site.root().join("public").exists());

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.text().contains("__briefing"),
        "only HTML gets the script"
    );
    let types = [
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/search-index.json", "application/json"),
        ("/llms.txt", "text/plain; charset=utf-8"),
        ("/briefings/gamma/index.md", "text/markdown; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/logo.png", "image/png"),
    ];
    for (path, want) in types {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(want), "{path}");
    }

    let live = server.get("/__briefing/live.js");
    assert_eq!(live.status, 200);
    assert_eq!(
        live.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(live.text().contains("EventSource"));
}

#[test]
fn directories_redirect_unknown_paths_get_the_404_page_and_head_works() {
    let site = kitchen_sink();
    let server = Server::start(&site, &[]);

    let tags = server.get("/tags?x=1");
    assert_eq!(tags.status, 301);
    assert_eq!(tags.header("location"), Some("/tags/?x=1"));

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.text().contains("Page not found"));
    assert!(missing.text().contains("/__briefing/live.js"));

    let head = server.request("HEAD", "/", &server.host());
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let length: usize = head.header("content-length").unwrap().parse().unwrap();
    assert_eq!(length, server.get("/").body.len());

    let post = server.request("POST", "/", &server.host());
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn never_serves_files_from_outside_the_built_site() {
    let site = kitchen_sink();
    let outside = tempfile::tempdir().unwrap();
    let secret = "TOP-SECRET-OUTSIDE-THE-SITE";
    std::fs::write(outside.path().join("secret.txt"), secret).unwrap();
    site.write("static/plain.txt", "a plain static file");
    #[cfg(unix)]
    {
        let link = site.root().join("static/leak.txt");
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), link).unwrap();
        let dir = site.root().join("static/leakdir");
        std::os::unix::fs::symlink(outside.path(), dir).unwrap();
    }
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/plain.txt").text(), "a plain static file");

    for path in [
        "/leak.txt",
        "/leakdir/secret.txt",
        "/../Cargo.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/a%2f..%2f..%2fx",
        "/..%5c..%5cx",
        "/\\..\\x",
        "/static/plain.txt/../../../Cargo.toml",
        "/%00",
        "//etc/passwd",
    ] {
        let response = server.get(path);
        assert!(
            matches!(response.status, 400 | 404),
            "{path}: status {}",
            response.status
        );
        let text = response.text();
        assert!(!text.contains(secret), "{path} leaked the secret");
        assert!(!text.contains("[package]"), "{path} leaked Cargo.toml");
        assert!(!text.contains("root:"), "{path} leaked /etc/passwd");
    }
}

#[test]
fn answers_only_requests_addressed_to_itself() {
    let site = kitchen_sink();
    let server = Server::start(&site, &["--allow-host", "preview.test"]);
    let port = server.port;

    let evil = server.request("GET", "/", "evil.example");
    assert_eq!(evil.status, 403);
    assert!(evil.text().contains("--allow-host"), "{}", evil.text());
    let evil_port = server.request("GET", "/", &format!("evil.example:{port}"));
    assert_eq!(evil_port.status, 403);
    let wrong_port = server.request("GET", "/", &format!("localhost:{}", port.wrapping_add(1)));
    assert_eq!(wrong_port.status, 403);
    // The event stream is guarded too.
    let events = server.request("GET", "/__briefing/events", "evil.example");
    assert_eq!(events.status, 403);

    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "preview.test".to_owned(),
        format!("preview.test:{port}"),
    ] {
        assert_eq!(server.request("GET", "/", &host).status, 200, "{host}");
    }
    let no_host = server.raw(b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(no_host.status, 403);
}

#[test]
fn survives_malformed_and_stalled_requests() {
    let site = kitchen_sink();
    let server = Server::start(&site, &[]);
    // A client that never finishes its request head.
    let mut stalled = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    let garbage = server.raw(b"\x00\x01NOT HTTP AT ALL\r\n\r\n");
    assert!(matches!(garbage.status, 0 | 400), "{garbage:?}");
    let huge = format!(
        "GET /{} HTTP/1.1\r\nHost: {}\r\n\r\n",
        "a".repeat(200_000),
        server.host()
    );
    let huge = server.raw(huge.as_bytes());
    assert!(matches!(huge.status, 0 | 400 | 404 | 414 | 431), "{huge:?}");
    assert_eq!(server.get("/").status, 200);
    drop(stalled);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn edits_reload_and_broken_builds_show_errors_without_stopping() {
    let site = kitchen_sink();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    let hello = events.expect(&["ok"], Duration::from_secs(5));
    assert_eq!(hello.data["generation"], 1);

    // An edit is served within two seconds and announced.
    let gamma = "content/2025/gamma.md";
    let good = std::fs::read_to_string(site.root().join(gamma)).unwrap();
    let edited = good.replace("in passing.", "in passing. Freshly edited sentence.");
    site.write(gamma, &edited);
    server.wait_for_body(
        "/briefings/gamma/",
        "Freshly edited sentence.",
        CHANGE_DEADLINE,
    );
    let reload = events.expect(&["reload"], CHANGE_DEADLINE);
    let paths = reload.data["paths"].as_array().unwrap();
    assert!(
        paths.iter().any(|p| p == "briefings/gamma/index.html"),
        "{paths:?}"
    );
    assert!(
        !paths
            .iter()
            .any(|p| p == "briefings/beta-follows/index.html"),
        "only changed files are listed: {paths:?}"
    );
    server.wait_for_line(CHANGE_DEADLINE, |l| l.starts_with("Rebuilt in "));

    // Key points show only on the briefing's own pages: the build is
    // patched, and the terminal says so.
    let points = edited.replace("\"Second point\"", "\"Second point, sharpened\"");
    site.write(gamma, &points);
    server.wait_for_body(
        "/briefings/gamma/",
        "Second point, sharpened",
        CHANGE_DEADLINE,
    );
    events.expect(&["reload"], CHANGE_DEADLINE);
    server.wait_for_line(CHANGE_DEADLINE, |l| l.starts_with("Patched in "));

    // A broken front matter: an error event naming the file and line.
    let broken = points.replace("date = 2025-01-15", "date = 2025-01-15\nbogus_key = 1");
    site.write(gamma, &broken);
    let error = events.expect(&["error"], CHANGE_DEADLINE);
    let problem = error.data["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == gamma)
        .unwrap_or_else(|| panic!("no diagnostic for {gamma}: {}", error.data));
    assert_eq!(problem["line"], 4);
    assert!(problem["message"].as_str().unwrap().contains("bogus_key"));
    let snippet = problem["snippet"].as_str().unwrap();
    assert!(snippet.contains("content/2025/gamma.md:4"), "{snippet}");
    assert!(snippet.contains("bogus_key = 1"), "{snippet}");

    // The last good site is still served, and a new browser hears of the
    // failure at once.
    let still = server.get("/briefings/gamma/");
    assert_eq!(still.status, 200);
    assert!(still.text().contains("Freshly edited sentence."));
    let mut late = server.events();
    let first = late.expect(&["ok", "error", "reload"], Duration::from_secs(5));
    assert_eq!(first.name, "error");

    // Fixing it clears the error everywhere.
    site.write(gamma, &points);
    let fixed = events.expect(&["ok", "reload"], CHANGE_DEADLINE);
    assert_eq!(fixed.data["generation"], 3);
    late.expect(&["ok", "reload"], CHANGE_DEADLINE);
}

#[test]
fn a_site_that_never_built_is_served_once_it_builds() {
    let site = kitchen_sink();
    let gamma = site.root().join("content/2025/gamma.md");
    let good = std::fs::read_to_string(&gamma).unwrap();
    std::fs::write(&gamma, good.replace("+++\ntitle", "+++\ntitel")).unwrap();
    let server = Server::start(&site, &[]);

    let placeholder = server.get("/briefings/gamma/");
    assert_eq!(placeholder.status, 503);
    assert!(placeholder.text().contains("/__briefing/live.js"));
    let mut events = server.events();
    let error = events.expect(&["ok", "error"], Duration::from_secs(5));
    assert_eq!(error.name, "error");
    assert!(error.data.to_string().contains("content/2025/gamma.md"));

    std::fs::write(&gamma, &good).unwrap();
    let reload = events.expect(&["reload"], CHANGE_DEADLINE);
    assert_eq!(reload.data["all"], true);
    server.wait_for_body("/briefings/gamma/", "Gamma mentions", CHANGE_DEADLINE);
}

#[test]
fn editor_temporary_files_do_not_rebuild() {
    let site = kitchen_sink();
    let server = Server::start(&site, &[]);
    let mut events = server.events();
    events.expect(&["ok"], Duration::from_secs(5));
    site.write("content/2025/.gamma.md.swp", "swap");
    site.write("content/2025/gamma.md~", "backup");
    site.write("content/2025/4913", "");
    site.write("notes.txt", "not part of the site");
    assert!(
        events.next(Duration::from_millis(700)).is_none(),
        "temporary files caused a rebuild"
    );
    // A real change still does.
    site.write(
        "briefing.toml",
        &std::fs::read_to_string(site.root().join("briefing.toml"))
            .unwrap()
            .replace("Every feature at once.", "Changed description."),
    );
    let reload = events.expect(&["reload"], CHANGE_DEADLINE);
    assert!(
        reload.data["paths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "index.html")
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly() {
    let site = kitchen_sink();
    let mut server = Server::start(&site, &[]);
    // An open event stream must not hold the server up.
    let _events = server.events();
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    server.wait_for_line(Duration::from_secs(2), |l| l == "Stopped");
}
