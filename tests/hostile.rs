//! Hostile input: every case is content an attacker (or an accident) could
//! put in a site, and each test states what `briefing` promises about it.
//!
//! - `inject`: hostile strings in every front-matter field and in the body
//!   render inert in every output (pages, feeds, sitemap, JSON-LD, search
//!   index, `llms.txt`), checked by parsing each file the way its reader
//!   would (`hostile/inert.rs`), while the strings themselves still show.
//! - `broken`: invalid content fails the build, naming every bad file and
//!   line in one run, and leaves the previous output untouched.
//! - `pathological`: huge and deeply nested content (made at run time)
//!   either builds or fails cleanly, within a time limit.
//! - `traps` (file-system traps) and `failure` (killed, concurrent and
//!   failing writes) live in their own files below `hostile/`.
//!
//! Fixtures are under `tests/sites/hostile/`, one file or folder per case.

mod harness;

#[path = "hostile/failure.rs"]
mod failure;
#[path = "hostile/inert.rs"]
mod inert;
#[path = "hostile/support.rs"]
mod support;
#[path = "hostile/traps.rs"]
mod traps;

use std::path::Path;
use std::time::{Duration, Instant};

use harness::{TestSite, copy_tree, tree};
use support::{assert_inert, build_in_memory, fixtures, page_text};

/// Each injection case, added to the base site, builds; every output is
/// inert; and the hostile strings the case lists under `extra.expect` are
/// shown on its page as text, not dropped.
#[test]
fn injections_render_inert_in_every_output() {
    let cases = support::cases(&fixtures().join("inject"));
    assert!(cases.len() >= 25, "{cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let site = TestSite::empty();
        copy_tree(&fixtures().join("inject-base"), site.root());
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if case.is_dir() {
            copy_tree(case, site.root());
        } else {
            std::fs::copy(case, site.root().join("content/2025").join(&name)).unwrap();
        }
        let built = match build_in_memory(site.root()) {
            Ok(built) => built,
            Err(diags) => {
                let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
                failures.push(format!("{name}: build failed:\n{}", shown.join("\n")));
                continue;
            }
        };
        let problems = assert_inert(&built.files);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
        let mut expected = 0;
        for b in &built.site.briefings {
            let Some(list) = b.extra.get("expect").and_then(|e| e.as_array()) else {
                continue;
            };
            let path = support::page_path(&built, &b.url);
            let html = support::file(&built, &path);
            let shown = page_text(&html);
            for want in list.iter().filter_map(|w| w.as_str()) {
                expected += 1;
                if !shown.contains(want) {
                    failures.push(format!("{name}: {path} does not show {want:?}"));
                }
            }
        }
        if expected == 0 {
            failures.push(format!("{name}: the case lists nothing under extra.expect"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Spot checks on what the generic check cannot know: links with dangerous
/// URLs keep their text but lose their target; Tera syntax stays literal in
/// every output; `llms.txt` keeps hostile titles as escaped text.
#[test]
fn hostile_values_keep_their_text_and_lose_their_power() {
    let site = TestSite::empty();
    copy_tree(&fixtures().join("inject-base"), site.root());
    for case in [
        "body-link-schemes.md",
        "body-tera.md",
        "title.md",
        "slug.md",
    ] {
        let from = fixtures().join("inject").join(case);
        std::fs::copy(from, site.root().join("content/2025").join(case)).unwrap();
    }
    let built = build_in_memory(site.root()).expect("builds");
    let page = support::file(
        &built,
        "briefings/every-spelling-of-a-dangerous-link/index.html",
    );
    let main = harness::main_of(&page);
    // The autolink keeps its text: shown, never followed.
    for text in [
        "<a href=\"#\">a</a>",
        "<a href=\"#\">l</a>",
        "alt=\"n\"",
        "<a href=\"#\">javascript:alert(14)</a>",
    ] {
        assert!(main.contains(text), "{text} in {main}");
    }
    let warnings: Vec<String> = built.warnings.iter().map(ToString::to_string).collect();
    let removed = warnings
        .iter()
        .filter(|w| w.contains("URL removed"))
        .count();
    assert!(removed >= 15, "each unsafe link is reported: {warnings:#?}");

    let tera = support::file(&built, "briefings/tera-config-raw-c/index.html");
    assert!(tera.contains("Literal {{ config }} and {{ site.title | safe }}"));
    let search = support::file(&built, "search-index.json");
    assert!(search.contains("{{__tera_context}}"), "{search}");

    let llms = support::file(&built, "llms.txt");
    assert!(llms.contains("\\</title>\\<script>"), "{llms}");
    // The slug `../../../../tmp/<script>…` is one safe segment.
    assert!(
        built
            .files
            .iter()
            .any(|f| f.path == "briefings/tmp-script-alert-1-script/index.html")
    );
}

/// Every `tests/sites/hostile/broken/CASE` fails with exit 1, printing each
/// `path:line:col` and message its `expected` file lists (all in one run),
/// within a few seconds, and the previous output stays as it was.
#[test]
fn broken_content_fails_naming_every_file_and_line() {
    let cases = support::cases(&fixtures().join("broken"));
    assert!(cases.len() >= 20, "{cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = TestSite::fixture(&format!("hostile/broken/{name}"));
        support::previous_output(&site.root().join("public"));
        let before = tree(&site.root().join("public"));
        let started = Instant::now();
        let run = site.run(&["build"]);
        let took = started.elapsed();
        let expected = std::fs::read_to_string(case.join("expected")).unwrap();
        let mut problems = Vec::new();
        if run.status != 1 {
            problems.push(format!("exit {} instead of 1", run.status));
        }
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            let (location, message) = line.split_once(" | ").expect("`location | message`");
            let found = run
                .stderr
                .lines()
                .any(|l| l.starts_with(&format!("{location}:")) && l.contains(message));
            if !found {
                problems.push(format!("no `{location}: … {message}`"));
            }
        }
        // Content never reaches the terminal as control sequences.
        if run.stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']) {
            problems.push("stderr carries terminal control characters".into());
        }
        if tree(&site.root().join("public")) != before {
            problems.push("the previous output changed".into());
        }
        if took > support::TIME_LIMIT {
            problems.push(format!("took {took:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n{}", problems.join("; "), run.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Content that is valid but absurd, made at run time: each case either
/// builds with inert output or fails naming the file, within the limit.
#[test]
fn pathological_content_builds_or_fails_cleanly() {
    let front = "+++\ntitle = \"Generated\"\ndate = 2025-01-01\n+++\n";
    let items: String = (0..100_000).map(|i| format!("- item {i}\n")).collect();
    let long_title = format!(
        "+++\ntitle = \"{}\"\ndate = 2025-01-01\n+++\nBody.\n",
        "Long title ".repeat(455)
    );
    let tags: Vec<String> = (0..10_000).map(|i| format!("\"tag {i}\"")).collect();
    let many_tags = format!(
        "+++\ntitle = \"Tags\"\ndate = 2025-01-01\ntags = [{}]\n+++\nBody.\n",
        tags.join(",")
    );
    let cases: Vec<(&str, String, bool)> = vec![
        (
            "lists-10000-deep",
            format!("{front}{}deep\n", "- ".repeat(10_000)),
            true,
        ),
        (
            "quotes-10000-deep",
            format!("{front}{}deep\n", "> ".repeat(10_000)),
            true,
        ),
        (
            "mixed-10000-deep",
            format!("{front}{}deep\n", "> - 1. ".repeat(3_400)),
            true,
        ),
        (
            "emphasis-50000",
            format!("{front}{}x\n", "*_".repeat(50_000)),
            true,
        ),
        (
            "links-10000-open",
            format!("{front}{}x\n", "[".repeat(10_000)),
            true,
        ),
        ("list-100000-items", format!("{front}{items}"), true),
        ("title-5000-chars", long_title, true),
        (
            "nul-and-controls-in-body",
            format!("{front}a\0b \u{1b}[2J c\u{202e}d \u{7f}\u{85}\n"),
            true,
        ),
        ("tags-10000", many_tags, false),
        (
            "bom-and-crlf",
            format!("\u{feff}{}", front.replace('\n', "\r\n") + "Body\r\n"),
            true,
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, should_build) in cases {
        let site = TestSite::empty();
        site.write("content/a.md", &text);
        let started = Instant::now();
        let result = build_in_memory(site.root());
        let took = started.elapsed();
        match (result, should_build) {
            (Ok(built), true) => {
                let problems = assert_inert(&built.files);
                if !problems.is_empty() {
                    failures.push(format!("{name}: {}", problems.join("\n")));
                }
            }
            (Err(diags), false) if diags.iter().any(|d| d.path == Path::new("content/a.md")) => {}
            (Ok(_), false) => failures.push(format!("{name}: built, but should fail")),
            (Err(diags), _) => failures.push(format!("{name}: {diags:?}")),
        }
        if took > support::TIME_LIMIT {
            failures.push(format!("{name}: took {took:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A 20 MB briefing: built (or refused) by the real binary within the
/// limit for large files.
#[test]
fn a_20_mb_file_is_handled() {
    let site = TestSite::empty();
    let paragraph = format!("{}end.\n\n", "word ".repeat(19));
    let body = paragraph.repeat(20 * 1024 * 1024 / paragraph.len() + 1);
    site.write(
        "content/big.md",
        &format!("+++\ntitle = \"Big\"\ndate = 2025-01-01\n+++\n{body}"),
    );
    let started = Instant::now();
    let run = site.run(&["build"]);
    let took = started.elapsed();
    assert!(
        run.status == 0 || run.stderr.contains("content/big.md"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(120), "took {took:?}");
    if run.status == 0 {
        let page = site.output("briefings/big/index.html");
        assert!(page.len() > 20 * 1024 * 1024);
    }
}

/// Far-future and year-zero dates are valid dates: held back, or shown.
#[test]
fn extreme_but_valid_dates_build() {
    let site = TestSite::empty();
    site.write(
        "content/far.md",
        "+++\ntitle = \"Far\"\ndate = 9000-06-30\n+++\nBody.\n",
    );
    site.write(
        "content/zero.md",
        "+++\ntitle = \"Zero\"\ndate = 0000-01-01\n+++\nBody.\n",
    );
    let held = build_in_memory(site.root());
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 scheduled"), "{}", run.stdout);
    let built = held.expect("builds with --future");
    assert_eq!(built.site.briefings.len(), 2);
    assert!(assert_inert(&built.files).is_empty());
}
