//! The client-side search: `search-index.json` and the `/search/` page, on
//! the kitchen-sink fixture (base path `/sink/`).

mod harness;

use harness::TestSite;
use serde_json::Value;

fn built() -> TestSite {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    site
}

fn index(site: &TestSite) -> Vec<Value> {
    let text = site.output("search-index.json");
    let value: Value = serde_json::from_str(&text).expect("search-index.json is JSON");
    value.as_array().expect("the index is an array").clone()
}

fn entry<'a>(entries: &'a [Value], title_start: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["t"].as_str().is_some_and(|t| t.starts_with(title_start)))
        .unwrap_or_else(|| panic!("no entry titled {title_start}…"))
}

#[test]
fn index_lists_every_published_briefing_newest_first() {
    let site = built();
    let entries = index(&site);
    let titles: Vec<&str> = entries.iter().map(|e| e["t"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        [
            "Beta follows",
            "Alpha & Omega: <the> first \"briefing\"",
            "Gamma"
        ]
    );
    // Neither the draft nor the embargoed briefing leaks through the index.
    let text = site.output("search-index.json");
    assert!(
        !text.contains("A draft") && !text.contains("Not ready"),
        "{text}"
    );
    assert!(
        !text.contains("From the future") && !text.contains("Embargoed"),
        "{text}"
    );
    for e in &entries {
        let body = e["b"].as_str().expect("every entry has a body");
        assert!(body.chars().count() <= 2000, "{}", body.chars().count());
        assert!(e["u"].as_str().unwrap().starts_with("/sink/briefings/"));
    }
}

#[test]
fn index_entry_carries_the_briefing_metadata() {
    let site = built();
    let entries = index(&site);
    let alpha = entry(&entries, "Alpha");
    let mut keys: Vec<&str> = alpha
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["b", "c", "d", "ds", "g", "k", "s", "t", "u", "w"]);
    assert_eq!(alpha["t"], "Alpha & Omega: <the> first \"briefing\"");
    assert_eq!(
        alpha["u"],
        "/sink/briefings/alpha-omega-the-first-briefing/"
    );
    // Read in the site's time zone (America/New_York).
    assert_eq!(alpha["d"], "2025-03-01T00:00:00-05:00");
    assert_eq!(alpha["ds"], "1 March 2025");
    assert!(
        alpha["s"]
            .as_str()
            .unwrap()
            .starts_with("Acme and Globex changed how they work together"),
        "{alpha}"
    );
    // Key points as plain text, labels included, markup gone.
    let points: Vec<&str> = alpha["k"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(points.len(), 3, "{points:?}");
    assert_eq!(points[0], "End of exclusivity: Acme may now sell anywhere.");
    assert!(points[1].starts_with("Dated terms: "), "{points:?}");
    assert_eq!(points[2], "A point without a label.");
    assert_eq!(alpha["w"], "Acme is free to choose its partners.");
    assert_eq!(alpha["g"], serde_json::json!(["Cloud", "Partnerships"]));
    let companies = alpha["c"].as_array().unwrap();
    assert!(companies.contains(&Value::from("Acme")), "{companies:?}");
    assert!(companies.contains(&Value::from("Globex")), "{companies:?}");
    // The body is the visible text: no sanitized script, no code block.
    let body = alpha["b"].as_str().unwrap();
    assert!(body.contains("The details"), "{body}");
    assert!(!body.contains("alert("), "{body}");
    assert!(!body.contains("println!"), "{body}");

    // A briefing without a takeaway leaves the key out (or null).
    let beta = entry(&entries, "Beta");
    assert!(beta.get("w").is_none_or(Value::is_null), "{beta}");
    assert_eq!(beta["k"], serde_json::json!([]));
}

#[test]
fn long_bodies_are_cut_on_a_word() {
    let site = TestSite::fixture("kitchen-sink");
    let words = "Sentence with several words in it. ".repeat(200);
    site.write(
        "content/2025/long.md",
        &format!("+++\ntitle = \"Long\"\ndate = 2025-02-02\n+++\n{words}\n"),
    );
    assert_eq!(site.run(&["build"]).status, 0);
    let entries = index(&site);
    let body = entry(&entries, "Long")["b"].as_str().unwrap().to_owned();
    let n = body.chars().count();
    assert!((1800..=2000).contains(&n), "{n}");
    assert!(words.starts_with(&body), "the cut body is a prefix");
    assert!(!body.ends_with(' '));
    // It ends with a whole word.
    assert!(words[body.len()..].starts_with(' '), "{body}");
}

#[test]
fn index_is_deterministic() {
    let site = built();
    let first = site.output("search-index.json");
    assert_eq!(site.run(&["build"]).status, 0);
    assert_eq!(first, site.output("search-index.json"));
}

#[test]
fn search_page_works_under_the_base_path() {
    let site = built();
    let html = site.output("search/index.html");
    assert!(
        html.contains("<form class=\"search-form\" role=\"search\""),
        "{html}"
    );
    assert!(html.contains("type=\"search\""), "{html}");
    assert!(html.contains("name=\"q\""), "{html}");
    assert!(html.contains("aria-live=\"polite\""), "{html}");

    // Without JavaScript: say so, and point to the browsable indexes.
    let start = html.find("<noscript>").expect("a <noscript> fallback");
    let end = html[start..].find("</noscript>").unwrap() + start;
    let fallback = &html[start..end];
    assert!(fallback.contains("needs JavaScript"), "{fallback}");
    for href in ["/sink/tags/", "/sink/companies/", "/sink/stories/"] {
        assert!(fallback.contains(&format!("href=\"{href}\"")), "{fallback}");
    }

    // The script finds the index through its own data-index attribute.
    assert!(
        html.contains("data-index=\"/sink/search-index.json\""),
        "{html}"
    );
    let script = html
        .split("<script src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a <script src> on the page");
    let file = script
        .strip_prefix("/sink/")
        .unwrap_or_else(|| panic!("script under the base path: {script}"));
    assert!(site.root().join("public").join(file).is_file(), "{script}");
    assert!(file.contains("search") && file.ends_with(".js"), "{file}");
}

#[test]
fn search_page_escapes_the_site_title() {
    let site = TestSite::fixture("kitchen-sink");
    let config = std::fs::read_to_string(site.root().join("briefing.toml")).unwrap();
    site.write(
        "briefing.toml",
        &config.replace(
            "title = \"Kitchen Sink\"",
            "title = \"Sink <b>&</b> \\\"Co\\\"\"",
        ),
    );
    assert_eq!(site.run(&["build"]).status, 0);
    let html = site.output("search/index.html");
    assert!(
        html.contains("<title>Search · Sink &lt;b&gt;&amp;&lt;&#x2F;b&gt;")
            || html.contains("<title>Search · Sink &lt;b&gt;&amp;&lt;/b&gt;"),
        "{html}"
    );
    assert!(!html.contains("<b>&</b>"), "{html}");
}
