//! Property tests for every escaping function, one per output context: any
//! input, once escaped, reads back as the same text in its context and
//! can never open markup, a script or a dangerous URL.

#[path = "hostile/inert.rs"]
mod inert;

use briefing::escape;
use briefing::markdown::{Options, render_inline, slugify_id};
use briefing::slug::{MAX_LEN, is_valid, slugify};
use dom_query::Document;
use proptest::prelude::*;

/// Text with the characters that matter in markup, URLs and XML, mixed
/// with arbitrary Unicode (controls, bidi marks, U+2028…).
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<",
        ">",
        "&",
        "\"",
        "'",
        "/",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "<script>alert(2)</script>",
        "\"><svg onload=alert(3)>",
        "[x](javascript:alert(4))",
        "<!--",
        "-->",
        "]]>",
        "<![CDATA[",
        "&amp;",
        "&#x3C;",
        "javascript:",
        "\u{2028}",
        "\u{2029}",
        "\u{202e}",
        "\0",
        "\u{1b}",
        "\r\n",
        "\t",
        "{{",
        "}}",
        "{%",
        "%}",
        "\u{fffe}",
        "\u{ffff}",
        "é",
        "e\u{301}",
        " ",
        "`",
        "\\",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(String::from), any::<String>()],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

/// What an XML parser gives back for text that `escape::xml` wrote:
/// forbidden characters dropped, line ends normalized.
fn xml_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect();
    kept.replace("\r\n", "\n").replace('\r', "\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// XML (feeds, sitemap): well-formed as text and as an attribute, and
    /// the text reads back.
    #[test]
    fn xml_escaping_is_well_formed_and_round_trips(text in hostile_text()) {
        let x = escape::xml(&text);
        let doc = format!("<r a=\"{x}\" b='{x}'>{x}</r>");
        let parsed = roxmltree::Document::parse(&doc);
        prop_assert!(parsed.is_ok(), "{doc:?}: {parsed:?}");
        let parsed = parsed.unwrap();
        let root = parsed.root_element();
        prop_assert_eq!(root.text().unwrap_or(""), xml_text(&text));
        // Attribute values normalize every whitespace character to a space.
        let spaced: String = xml_text(&text)
            .chars()
            .map(|c| if matches!(c, '\t' | '\n') { ' ' } else { c })
            .collect();
        prop_assert_eq!(root.attribute("a"), Some(spaced.as_str()));
        prop_assert_eq!(root.attribute("b"), Some(spaced.as_str()));
    }

    /// JSON inside `<script>` (JSON-LD): no character that can end or
    /// change the script element, and the value reads back.
    #[test]
    fn json_for_script_cannot_leave_the_script(text in hostile_text()) {
        let value = serde_json::json!({ "name": text, "list": [text.clone()] });
        let json = escape::json_for_script(&value);
        prop_assert!(!json.contains(['<', '>', '&']), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &value);
        let page = format!("<!doctype html><head><script type=\"application/ld+json\">{json}</script></head><p>after</p>");
        let doc = Document::from(page.as_str());
        let scripts = doc.select("script");
        prop_assert_eq!(scripts.length(), 1);
        prop_assert_eq!(scripts.text().to_string(), json);
        prop_assert_eq!(doc.select("p").text().to_string(), "after");
    }

    /// HTML text and attributes, as the theme prints them (Tera with
    /// autoescape on `.html`): the value reads back and creates nothing.
    #[test]
    fn tera_autoescape_keeps_values_as_text(text in hostile_text()) {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template(
            "t.html",
            "<div><p title=\"{{ v }}\" data-x='{{ v }}'>{{ v }}</p><meta content=\"{{ v }}\"></div>",
        )
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("v", &text);
        let html = tera.render("t.html", &ctx).unwrap();
        let doc = Document::fragment(html.as_str());
        prop_assert_eq!(doc.select("p").length(), 1, "{}", html);
        prop_assert_eq!(doc.select("*").length(), 4, "{}", html); // html, div, p, meta
        // The HTML parser turns CR into LF and NUL into U+FFFD (or drops it
        // from text): compare what it does to both sides.
        let expected = text.replace("\r\n", "\n").replace('\r', "\n");
        let in_attr = expected.replace('\0', "\u{fffd}");
        let p = doc.select("p");
        prop_assert_eq!(p.attr("title").map(|v| v.to_string()), Some(in_attr.clone()));
        prop_assert_eq!(p.attr("data-x").map(|v| v.to_string()), Some(in_attr));
        prop_assert_eq!(p.text().to_string(), expected.replace('\0', ""));
    }

    /// Markdown links and images: no `javascript:`, `vbscript:` or `data:`
    /// target survives, however it is spelt.
    #[test]
    fn no_dangerous_url_survives_markdown(url in obfuscated_url(), title in hostile_text()) {
        for unsafe_html in [false, true] {
            // Trusted raw HTML is the site's own choice: with it on, the
            // input holds no raw HTML, only Markdown links and images.
            let title = title.replace(['"', '\\', '\n', '\r'], "");
            let title = if unsafe_html { title.replace('<', "") } else { title };
            let mut inputs = vec![
                format!("[x](<{url}>)"),
                format!("[x]({url})"),
                format!("![x](<{url}> \"{title}\")"),
                format!("[x][r]\n\n[r]: <{url}>"),
                format!("<{url}>"),
            ];
            if !unsafe_html {
                inputs.push(format!("<a href=\"{url}\">x</a> <img src='{url}'>"));
            }
            for markdown in inputs {
                let options = Options { unsafe_html, ..Options::default() };
                let html = render_inline(&markdown, &options);
                let mut problems = Vec::new();
                inert::check_html(&html, true, "inline", &mut problems);
                prop_assert!(problems.is_empty(), "{markdown:?} -> {html:?}: {problems:?}");
            }
        }
    }

    /// Slugs are one safe path segment, or nothing.
    #[test]
    fn slugs_are_safe_segments(text in hostile_text()) {
        if let Some(slug) = slugify(&text) {
            prop_assert!(!slug.is_empty() && slug.len() <= MAX_LEN);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{slug:?}");
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"), "{slug:?}");
            prop_assert!(!inert::is_windows_reserved(&slug), "{slug:?}");
            prop_assert!(is_valid(&slug));
            prop_assert_eq!(slugify(&slug), Some(slug.clone()));
        }
    }

    /// Anchor ids: never empty, URL- and attribute-safe.
    #[test]
    fn anchor_ids_are_safe(text in hostile_text()) {
        let id = slugify_id(&text);
        prop_assert!(!id.is_empty());
        prop_assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{id:?}");
        prop_assert!(!id.starts_with('-') && !id.ends_with('-') && !id.contains("--"), "{id:?}");
    }
}

/// A dangerous scheme hidden every way a browser would still accept, or an
/// arbitrary string.
fn obfuscated_url() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["javascript", "vbscript", "data"]);
    let spelling = prop::collection::vec(0u8..8, 12);
    let colon = prop::sample::select(vec![":", "&colon;", "&#58;", "&#x3a;", "%3A", "&#0000058"]);
    let lead = prop::sample::select(vec!["", " ", "\u{1}", "\t", "&#9;", "%20", "&Tab;"]);
    let hidden = (scheme, spelling, colon, lead).prop_map(|(scheme, how, colon, lead)| {
        let mut out = String::from(lead);
        for (i, c) in scheme.chars().enumerate() {
            match how[i % how.len()] {
                0 => out.push(c.to_ascii_uppercase()),
                1 => out.push_str(&format!("&#{};", c as u32)),
                2 => out.push_str(&format!("&#x{:X}", c as u32)),
                3 => out.push_str(&format!("%{:02X}", c as u32)),
                4 => {
                    out.push(c);
                    out.push('\t');
                }
                5 => {
                    out.push(c);
                    out.push_str("&NewLine;");
                }
                _ => out.push(c),
            }
        }
        out.push_str(colon);
        out.push_str("alert(1)");
        out
    });
    prop_oneof![3 => hidden, 1 => any::<String>().prop_map(|s| s.replace(['<', '>', '\n', '\r'], ""))]
}

/// Feeds, sitemap and `llms.txt` of a whole site whose titles, tags and
/// summaries are arbitrary: well-formed, inert, and the title reads back
/// from the Atom feed. Fewer cases: each one is a whole build.
mod whole_site {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn feeds_and_sitemap_are_well_formed(title in hostile_text(), tag in hostile_text(), summary in hostile_text()) {
            prop_assume!(!title.trim().is_empty());
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path();
            std::fs::create_dir_all(root.join("content")).unwrap();
            std::fs::write(root.join("briefing.toml"), "base_url = \"https://example.org/\"\n[feeds]\nfull_content = false\n").unwrap();
            let mut matter = toml::Table::new();
            matter.insert("title".into(), title.clone().into());
            matter.insert("date".into(), "2025-01-01".into());
            matter.insert("tags".into(), vec![toml::Value::from(tag)].into());
            matter.insert("summary".into(), summary.into());
            let front = toml::to_string(&matter).unwrap();
            std::fs::write(root.join("content/a.md"), format!("+++\n{front}+++\nBody.\n")).unwrap();
            let built = match briefing::build::build(root, &briefing::build::Options::default()) {
                Ok(built) => built,
                // Some strings are not valid content (a title that is all
                // controls makes no slug): a clean diagnostic is fine.
                Err(diags) => {
                    prop_assert!(diags.iter().any(|d| d.is_error() && d.path.ends_with("a.md")), "{diags:?}");
                    return Ok(());
                }
            };
            let mut problems = Vec::new();
            for f in &built.files {
                problems.extend(inert::check_file(&f.path, &f.bytes));
            }
            prop_assert!(problems.is_empty(), "{problems:#?}");
            let atom = built.files.iter().find(|f| f.path == "atom.xml").unwrap();
            let atom = std::str::from_utf8(&atom.bytes).unwrap();
            let doc = roxmltree::Document::parse(atom).unwrap();
            let entry_title = doc
                .descendants()
                .find(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
                .and_then(|n| n.text())
                .unwrap_or("");
            prop_assert_eq!(entry_title, xml_text(title.trim()));
        }
    }
}
