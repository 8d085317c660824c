//! `briefing import`: each sample article (plain text copied from a blog,
//! an HTML page, Markdown) becomes a briefing with the expected metadata
//! and a clean body, against a small fixture site with company profiles;
//! the written file builds; nothing is overwritten without `--force`; and
//! hostile input stays inert.

mod harness;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use harness::{Run, TestSite, main_of, tree};

const TEXT: &str = "tests/fixtures/import/blog-copy.txt";
const HTML: &str = "tests/fixtures/import/page.html";
const MARKDOWN: &str = "tests/fixtures/import/article.md";

const TEXT_PATH: &str = "content/2026/nimbus-labs-opens-its-atlas-models-to-rival-clouds.md";

/// The fixture site (company profiles, one briefing with tags) in a temp dir.
fn site() -> TestSite {
    let site = TestSite::empty();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/site");
    harness::copy_tree(&from, site.root());
    site
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

/// Runs `briefing --site ROOT ARGS…` with `stdin` piped in.
fn run_with_stdin(site: &TestSite, args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("--site")
        .arg(site.root())
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run briefing");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A briefing file split into its parsed front matter and its body.
fn split(text: &str) -> (toml::Table, String) {
    let rest = text.strip_prefix("+++\n").expect("opens with +++");
    let end = rest.find("\n+++\n").expect("closes with +++");
    let matter: toml::Table = toml::from_str(&rest[..=end]).expect("front matter is TOML");
    (matter, rest[end + 5..].trim_start().to_owned())
}

fn strings(matter: &toml::Table, key: &str) -> Vec<String> {
    matter
        .get(key)
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn string(matter: &toml::Table, key: &str) -> Option<String> {
    matter.get(key).and_then(|v| v.as_str()).map(str::to_owned)
}

fn dry_run(site: &TestSite, input: &str, extra: &[&str]) -> (toml::Table, String, Run) {
    let mut args = vec!["import", input, "--dry-run"];
    args.extend_from_slice(extra);
    let run = site.run(&args);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (matter, body) = split(&run.stdout);
    (matter, body, run)
}

#[test]
fn blog_copied_text_becomes_a_briefing() {
    let site = site();
    let before = tree(site.root());
    let (m, body, run) = dry_run(&site, &fixture(TEXT), &[]);
    assert_eq!(tree(site.root()), before, "--dry-run writes nothing");
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Nimbus Labs opens its Atlas models to rival clouds")
    );
    assert_eq!(m["date"].to_string(), "2026-03-03");
    assert_eq!(string(&m, "author").as_deref(), Some("Jane Roe"));
    assert_eq!(
        string(&m, "source").as_deref(),
        Some("https://blog.example.net/2026/03/03/nimbus-atlas-rival-clouds/")
    );
    assert_eq!(
        strings(&m, "key_points"),
        [
            "**Wider availability:** Atlas models will be listed in the Corvid Cloud catalogue from April.",
            "**Same prices:** Nimbus Labs says per-token prices will match those on its own platform.",
            "**Chips:** the hosted models run on accelerators from Halcyon Chips in both clouds.",
        ]
    );
    assert_eq!(
        string(&m, "takeaway").as_deref(),
        Some(
            "Atlas is no longer tied to one cloud, and customers can buy it where they already are."
        )
    );
    assert_eq!(
        strings(&m, "companies"),
        ["Nimbus Labs", "Corvid Cloud", "Halcyon Chips"]
    );
    assert_eq!(strings(&m, "tags"), ["cloud", "open-weights", "pricing"]);
    assert_eq!(
        body,
        "Nimbus Labs said on Tuesday that its Atlas family of language models will be sold through Corvid Cloud as well as through its own platform, ending two years in which the models could be rented from one provider only.\n\n\
         The change matters most to companies that have standardised on one cloud and did not want a second contract just to reach a model.\n\n\
         ## Why it happened\n\n\
         Customers had asked for the models on the clouds where their data already lives, and a rival lab had begun offering similar terms. Selling through more than one provider is becoming the norm rather than the exception.\n\n\
         ## What to watch\n\n\
         Whether the pricing promise holds once demand grows, and whether other model makers answer with open-weights releases.\n"
    );
    for line in [
        "as text (detected)",
        "title: first line",
        "date: dateline under the title — 2026-03-03",
        "author: closing 'Author:' line — Jane Roe",
        "source: closing URL",
        "key points: 3 from the \"Key points\" list — labels: Wider availability, Same prices, Chips",
        "takeaway: \"In simple terms\" paragraph",
        "companies: Nimbus Labs, Corvid Cloud, Halcyon Chips (mentions)",
        "dropped the author's role line \"Software developer / architect\"",
        "Dry run: would write content/2026/nimbus-labs-opens-its-atlas-models-to-rival-clouds.md",
    ] {
        assert!(
            run.stderr.contains(line),
            "missing {line:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn html_page_becomes_a_briefing_without_its_chrome() {
    let site = site();
    let (m, body, run) = dry_run(&site, &fixture(HTML), &[]);
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Corvid Cloud cuts inference prices for open-weights models")
    );
    assert_eq!(m["date"].to_string(), "2026-02-10T08:00:00+00:00");
    assert_eq!(string(&m, "author").as_deref(), Some("Sam Lee"));
    let sources = m["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(
        sources[0]["url"].as_str(),
        Some("https://wire.example.org/2026/02/corvid-cuts-inference-prices")
    );
    assert_eq!(sources[0]["publisher"].as_str(), Some("The Example Wire"));
    assert_eq!(
        strings(&m, "key_points"),
        [
            "**Lower token prices:** generation costs about a third less for open-weights models.",
            "**Same hardware:** the models still run on Halcyon Chips accelerators.",
            "**No commitment:** the new prices need no annual contract.",
        ]
    );
    assert_eq!(
        string(&m, "takeaway").as_deref(),
        Some(
            "Running an open model on Corvid Cloud is now markedly cheaper, and rivals will have to answer."
        )
    );
    assert_eq!(
        strings(&m, "companies"),
        ["Corvid Cloud", "Nimbus Labs", "Halcyon Chips"]
    );
    assert!(
        body.starts_with("Corvid Cloud has lowered what it charges"),
        "{body}"
    );
    // A relative link is made absolute against the canonical URL.
    assert!(
        body.contains("[pricing review](https://wire.example.org/2026/01/corvid-pricing-review)"),
        "{body}"
    );
    assert!(body.contains("\n## What it means\n"), "{body}");
    assert!(body.contains("can open the calculator."), "{body}");
    for chrome in [
        "javascript",
        "Most read",
        "Subscribe",
        "All rights reserved",
        "Sign up",
        "analytics",
        "What changed",
        "Bottom line",
        "By Sam Lee",
        "\n# ",
    ] {
        assert!(!body.contains(chrome), "{chrome:?} left in:\n{body}");
    }
    for line in [
        "as html (detected)",
        "title: og:title",
        "date: article:published_time",
        "author: JSON-LD author — Sam Lee",
        "source: canonical link",
        "publisher: og:site_name — The Example Wire",
        "key points: 3 from the \"What changed\" list",
        "takeaway: \"Bottom line\" paragraph",
    ] {
        assert!(
            run.stderr.contains(line),
            "missing {line:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn markdown_article_becomes_a_briefing() {
    let site = site();
    let (m, body, run) = dry_run(&site, &fixture(MARKDOWN), &[]);
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Halcyon Chips unveils a low-power inference accelerator")
    );
    assert_eq!(m["date"].to_string(), "2026-01-20");
    assert_eq!(string(&m, "author"), None);
    assert_eq!(
        string(&m, "source").as_deref(),
        Some("https://halcyon.example.com/news/low-power-accelerator")
    );
    assert_eq!(
        strings(&m, "key_points"),
        [
            "**Power:** half the energy per token of the previous generation.",
            "**Availability:** samples ship to Nimbus Labs and Corvid Cloud this spring.",
            "**Software:** existing model formats run without changes.",
        ]
    );
    assert_eq!(
        string(&m, "takeaway").as_deref(),
        Some("Cheaper inference is coming, but not before the autumn.")
    );
    assert_eq!(
        strings(&m, "companies"),
        ["Halcyon Chips", "Nimbus Labs", "Corvid Cloud"]
    );
    assert_eq!(strings(&m, "tags"), ["cloud"]);
    assert_eq!(
        body,
        "Halcyon Chips has shown a new accelerator built for serving language models rather than training them, and says it uses about half the energy per generated token of its previous part.\n\n\
         ## What it means\n\n\
         Serving models, not training them, is where most of the cost of running an AI product now sits. A part that halves the energy bill for that work changes the price a cloud can charge per token.\n\n\
         ### The catch\n\n\
         Volume shipments are not expected before the second half of the year, and the company has not published independent benchmarks.\n"
    );
    assert!(
        run.stderr.contains("title: '# ' heading on the first line"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("author: none found"), "{}", run.stderr);
}

#[test]
fn written_briefing_builds_and_shows_key_points_once() {
    let site = site();
    let run = site.run(&["import", &fixture(TEXT)]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), TEXT_PATH);
    assert!(site.root().join(TEXT_PATH).is_file());
    for input in [HTML, MARKDOWN] {
        let run = site.run(&["import", &fixture(input)]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    }
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    let page =
        site.output("briefings/nimbus-labs-opens-its-atlas-models-to-rival-clouds/index.html");
    let main = main_of(&page);
    for once in [
        "Wider availability",
        "Atlas is no longer tied to one cloud",
        "Software developer",
    ] {
        let n = main.matches(once).count();
        let want = usize::from(once != "Software developer");
        assert_eq!(n, want, "{once:?} shown {n} times in:\n{main}");
    }
    assert!(main.contains("Jane Roe"), "{main}");
    assert!(!main.contains("Leave a Reply"), "{main}");
    let company = site.output("companies/halcyon-chips/index.html");
    for title in [
        "Nimbus Labs opens its Atlas models",
        "Corvid Cloud cuts inference prices",
        "Halcyon Chips unveils a low-power",
    ] {
        assert!(company.contains(title), "{title} not on the company page");
    }
}

#[test]
fn never_overwrites_without_force() {
    let site = site();
    assert_eq!(site.run(&["import", &fixture(TEXT)]).status, 0);
    site.write(
        TEXT_PATH,
        "+++\ntitle = \"Edited by hand\"\ndate = 2026-03-03\n+++\nMine.\n",
    );
    let again = site.run(&["import", &fixture(TEXT)]);
    assert_eq!(again.status, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("already exists; pass --force"),
        "{}",
        again.stderr
    );
    let kept = std::fs::read_to_string(site.root().join(TEXT_PATH)).unwrap();
    assert!(kept.contains("Edited by hand"));
    let forced = site.run(&["import", &fixture(TEXT), "--force"]);
    assert_eq!(forced.status, 0, "{}", forced.stderr);
    let replaced = std::fs::read_to_string(site.root().join(TEXT_PATH)).unwrap();
    assert!(
        replaced.contains("Nimbus Labs opens its Atlas models"),
        "{replaced}"
    );
}

#[test]
fn reads_standard_input_and_guesses_a_missing_date() {
    let site = site();
    let before = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let run = run_with_stdin(
        &site,
        &["import", "-", "--dry-run"],
        "Quill Robotics hires a new chief scientist\n\nThe robotics firm named a new head of research.\n",
    );
    let after = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (m, body) = split(&run.stdout);
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Quill Robotics hires a new chief scientist")
    );
    let date = m["date"].to_string();
    assert!(
        date == before.to_string() || date == after.to_string(),
        "{date}"
    );
    assert!(
        run.stderr.contains("date: GUESSED (today), no date found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Importing standard input as text"),
        "{}",
        run.stderr
    );
    assert_eq!(strings(&m, "companies"), ["Quill Robotics"]);
    assert_eq!(body, "The robotics firm named a new head of research.\n");
    assert!(run.stderr.contains("Not inferred:\n"), "{}", run.stderr);
    assert!(run.stderr.contains("key points: no"), "{}", run.stderr);
}

#[test]
fn hostile_text_stays_literal_and_builds() {
    let site = site();
    let text = "Evil +++ \"title\" ''' with <b>tags</b>\nMarch 3, 2026\n\n\
                <script>alert('x')</script> and [a link](javascript:alert(1)) and *stars*.\n\n\
                +++\ndraft = true\n";
    let run = run_with_stdin(&site, &["import", "-", "--from", "text"], text);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let path = run.stdout.trim();
    let written = std::fs::read_to_string(site.root().join(path)).unwrap();
    let (m, body) = split(&written);
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Evil +++ \"title\" ''' with <b>tags</b>")
    );
    assert!(!m.contains_key("draft"), "{written}");
    assert_eq!(
        written.lines().filter(|l| *l == "+++").count(),
        2,
        "{written}"
    );
    assert!(body.contains("\\<script\\>"), "{body}");
    let build = site.run(&["build"]);
    assert_eq!(build.status, 0, "{}", build.stderr);
    let slug = Path::new(path).file_stem().unwrap().to_str().unwrap();
    let page = site.output(&format!("briefings/{slug}/index.html"));
    let main = main_of(&page);
    assert!(!main.contains("<script>alert"), "{main}");
    assert!(main.contains("&lt;script&gt;alert"), "{main}");
    assert!(!main.contains("href=\"javascript"), "{main}");
    assert!(!main.contains("<b>tags</b>"), "{main}");
}

#[test]
fn hostile_html_stays_inert() {
    let site = site();
    let page = "<!doctype html><html><head>\
        <meta property=\"og:title\" content=\"Breakout&#10;+++&#10;draft = true\">\
        <link rel=\"canonical\" href=\"javascript:alert(1)\">\
        </head><body><article><h1>Breakout</h1>\
        <p>The first paragraph of a hostile page is long enough to count as an article, \
        with plenty of words so that the extraction keeps it as the main content here.</p>\
        <p>Click <a href=\"javascript:alert(1)\">here</a> or <a href=\" JaVaScRiPt:alert(2)\">there</a> \
        or <a href=\"data:text/html,boom\">everywhere</a>.</p>\
        <script>alert(3)</script><img src=\"x\" onerror=\"alert(4)\"></article></body></html>";
    let run = run_with_stdin(&site, &["import", "-", "--dry-run"], page);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (m, body) = split(&run.stdout);
    assert_eq!(
        string(&m, "title").as_deref(),
        Some("Breakout +++ draft = true")
    );
    assert!(!m.contains_key("draft"));
    assert!(
        !m.contains_key("source"),
        "a javascript: canonical is no source"
    );
    for bad in ["javascript", "JaVaScRiPt", "data:", "alert", "onerror"] {
        assert!(!body.contains(bad), "{bad} in:\n{body}");
    }
    assert!(
        body.contains("Click here or there or everywhere."),
        "{body}"
    );
}

#[test]
fn forced_text_keeps_html_as_text() {
    let site = site();
    let (m, body, _) = dry_run(&site, &fixture(HTML), &["--from", "text"]);
    assert_eq!(string(&m, "title").as_deref(), Some("<!DOCTYPE html>"));
    assert!(body.contains("\\<script\\>"), "{body}");
}

#[test]
fn usage_and_input_errors_exit_2() {
    let site = site();
    let missing = site.run(&["import", "no-such-file.txt"]);
    assert_eq!(missing.status, 2);
    assert!(
        missing.stderr.contains("no-such-file.txt"),
        "{}",
        missing.stderr
    );
    let empty = run_with_stdin(&site, &["import", "-"], "  \n");
    assert_eq!(empty.status, 2);
    assert!(
        empty.stderr.contains("nothing to import"),
        "{}",
        empty.stderr
    );
    let bad_format = site.run(&["import", &fixture(TEXT), "--from", "pdf"]);
    assert_eq!(bad_format.status, 2);
    let briefing = run_with_stdin(
        &site,
        &["import", "-", "--from", "markdown"],
        "+++\ntitle = \"x\"\n+++\n",
    );
    assert_eq!(briefing.status, 2);
    assert!(
        briefing.stderr.contains("already starts with front matter"),
        "{}",
        briefing.stderr
    );
}
