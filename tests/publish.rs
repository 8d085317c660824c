//! The published site: feeds, sitemap, robots, structured data, files for AI
//! readers, hashed assets, and sub-path deploys.

mod harness;

use harness::TestSite;

const ALPHA: &str = "briefings/alpha-omega-the-first-briefing/";

fn built() -> TestSite {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    site
}

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{text}"))
}

/// The JSON of every `<script type="application/ld+json">` in a page.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    html.match_indices(open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            let end = rest.find("</script>").expect("script closed");
            serde_json::from_str(&rest[..end]).expect("valid JSON")
        })
        .collect()
}

#[test]
fn feeds_are_written_for_the_site_tags_and_companies() {
    let site = built();
    for dir in ["", "tags/cloud/", "companies/acme/", "companies/globex/"] {
        let atom = site.output(&format!("{dir}atom.xml"));
        let doc = xml(&atom);
        assert_eq!(doc.root_element().tag_name().name(), "feed");
        let rss = site.output(&format!("{dir}rss.xml"));
        assert_eq!(xml(&rss).root_element().tag_name().name(), "rss");
        let json: serde_json::Value =
            serde_json::from_str(&site.output(&format!("{dir}feed.json"))).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    }
    let atom = site.output("atom.xml");
    let doc = xml(&atom);
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(
        entries.len(),
        3,
        "drafts and future briefings stay out of feeds"
    );
    let title = entries
        .iter()
        .find_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .unwrap();
    assert_eq!(title.text(), Some("Beta follows"));
    // Absolute URLs, the source as a related link, and authors.
    assert!(
        atom.contains("<id>https://example.com/sink/briefings/beta-follows/</id>"),
        "{atom}"
    );
    assert!(atom.contains("rel=\"related\""), "{atom}");
    assert!(atom.contains("<name>Carol Reporter</name>"), "{atom}");
    // Links inside the content are absolute for feed readers.
    assert!(
        atom.contains("href=&quot;https://example.com/sink/briefings/alpha"),
        "{atom}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.output("tags/cloud/feed.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
}

#[test]
fn feeds_stay_well_formed_whatever_the_input() {
    let site = TestSite::fixture("kitchen-sink");
    site.write(
        "content/2025/hostile.md",
        "+++\ntitle = \"Nasty \\u0001 <b>&amp;</b> ]]> \\u000b title\"\ndate = 2025-05-01\ntags = [\"x&y\", \"<z>\"]\n+++\nBody with \u{1} control & <raw>.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for feed in ["atom.xml", "rss.xml", "tags/x-y/atom.xml", "tags/z/rss.xml"] {
        let text = site.output(feed);
        xml(&text);
        assert!(!text.contains('\u{1}') && !text.contains('\u{b}'), "{feed}");
    }
    let sitemap = site.output("sitemap.xml");
    xml(&sitemap);
}

#[test]
fn sitemap_lists_every_page_and_robots_points_to_it() {
    let site = built();
    let sitemap = site.output("sitemap.xml");
    let doc = xml(&sitemap);
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for expected in [
        "https://example.com/sink/",
        "https://example.com/sink/about/",
        "https://example.com/sink/tags/cloud/",
    ] {
        assert!(locs.contains(&expected), "{expected} missing from {locs:?}");
    }
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.com/sink/"))
    );
    assert!(!locs.iter().any(|l| l.contains("404")));
    assert!(
        sitemap.contains("<lastmod>2025-03-01T21:30:00-05:00</lastmod>")
            || sitemap.contains("<lastmod>2025-03-02"),
        "{sitemap}"
    );
    let robots = site.output("robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.com/sink/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn briefing_pages_carry_news_article_structured_data() {
    let site = built();
    let html = site.output(&format!("{ALPHA}index.html"));
    let blocks = json_ld(&html);
    let article = &blocks[0][0];
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(
        article["headline"],
        "Alpha & Omega: <the> first \"briefing\""
    );
    assert_eq!(article["datePublished"], "2025-03-01T00:00:00-05:00");
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(
        article["author"][0]["url"],
        "https://example.com/sink/authors/ada-writer/"
    );
    assert_eq!(
        article["isBasedOn"][0]["url"],
        "https://example.org/news/alpha?a=1&b=2"
    );
    assert_eq!(article["publisher"]["@type"], "Organization");
    let about: Vec<&str> = article["about"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(about, ["Acme", "Globex"]);
    assert_eq!(blocks[0][1]["@type"], "BreadcrumbList");
    // OpenGraph and canonical.
    assert!(
        html.contains("<meta property=\"og:type\" content=\"article\">"),
        "{html}"
    );
    assert!(html.contains(&format!(
        "<link rel=\"canonical\" href=\"https://example.com/sink/{ALPHA}\">"
    )));
    let home = site.output("index.html");
    assert_eq!(json_ld(&home)[0]["@type"], "WebSite");
    let company = site.output("companies/acme/index.html");
    assert_eq!(json_ld(&company)[0][0]["@type"], "Organization");
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let site = TestSite::fixture("kitchen-sink");
    site.write(
        "content/2025/evil.md",
        "+++\ntitle = \"</script><script>alert(1)</script> \\u2028 end\"\nslug = \"evil\"\ndate = 2025-05-01\n+++\nBody.\n",
    );
    assert_eq!(site.run(&["build"]).status, 0);
    let html = site.output("briefings/evil/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert_eq!(
        json_ld(&html)[0][0]["headline"],
        "</script><script>alert(1)</script> \u{2028} end"
    );
}

#[test]
fn llms_txt_and_markdown_twins() {
    let site = built();
    let llms = site.output("llms.txt");
    assert!(llms.starts_with("# Kitchen Sink\n"), "{llms}");
    assert!(
        llms.contains("https://example.com/sink/briefings/gamma/index.md): Gamma in one line."),
        "{llms}"
    );
    let twin = site.output(&format!("{ALPHA}index.md"));
    let front = twin
        .strip_prefix("+++\n")
        .and_then(|t| t.split_once("+++\n"))
        .expect("front matter")
        .0;
    let meta: toml::Table = toml::from_str(front).expect("twin front matter is TOML");
    assert_eq!(
        meta["takeaway"].as_str(),
        Some("Acme is free to choose its partners.")
    );
    assert_eq!(
        meta["key_points"][0].as_str(),
        Some("End of exclusivity: Acme may now sell anywhere.")
    );
    assert_eq!(
        meta["sources"][0]["url"].as_str(),
        Some("https://example.org/news/alpha?a=1&b=2")
    );
    // The promoted blocks are in the front matter, not repeated in the body.
    assert!(!twin.contains("## What changed"), "{twin}");
    assert!(twin.contains("## The details"), "{twin}");
}

#[test]
fn assets_are_hashed_with_integrity() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let site = built();
    let html = site.output("index.html");
    let at = html
        .find("rel=\"stylesheet\" href=\"/sink/style.")
        .expect("hashed stylesheet");
    let tag = &html[at..html[at..].find('>').unwrap() + at];
    let href = tag
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let integrity = tag
        .split("integrity=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let bytes = std::fs::read(
        site.root()
            .join("public")
            .join(href.trim_start_matches("/sink/")),
    )
    .unwrap();
    let expected = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(&bytes))
    );
    assert_eq!(integrity, expected);
}

#[test]
fn every_internal_link_works_under_a_sub_path() {
    let site = TestSite::fixture("kitchen-sink");
    let run = site.run(&["build", "--base-url", "https://user.github.io/briefings/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let public = site.root().join("public");
    for (path, bytes) in harness::tree(&public) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for (i, _) in html.match_indices(attr) {
                let url = html[i + attr.len()..].split('"').next().unwrap();
                if let Some(rest) = url.strip_prefix('/') {
                    assert!(rest.starts_with("briefings/"), "{}: {url}", path.display());
                    let file = rest
                        .strip_prefix("briefings/")
                        .unwrap()
                        .split(['#', '?'])
                        .next()
                        .unwrap();
                    let target = if file.is_empty() || file.ends_with('/') {
                        public.join(file).join("index.html")
                    } else {
                        public.join(file)
                    };
                    assert!(target.is_file(), "{}: broken link {url}", path.display());
                }
            }
        }
    }
}
