//! What "inert" means for every kind of file a build writes, checked from
//! the outside: HTML is parsed the way a browser parses it (html5ever, via
//! `dom_query`), feeds and the sitemap must be well-formed XML, JSON must
//! parse, and Markdown for AI readers must hold no raw HTML or foreign link.
//!
//! The URL check here is written independently of `briefing`'s own
//! (`markdown::url_safety`), so the two cannot share a blind spot. The same
//! file is compiled into the fuzz targets (`fuzz/`), which assert these
//! invariants on every input.

#![allow(dead_code)]

use dom_query::Document;

/// Schemes that run code or embed a document.
const DANGEROUS: [&str; 3] = ["javascript", "vbscript", "data"];

/// Elements that must never appear in a page, whatever their attributes.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "svg", "math",
    "animate", "set", "handler", "listener", "portal", "template",
];

/// Attributes whose value is a URL that a browser may load or follow.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "background",
    "cite",
    "data",
    "codebase",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "manifest",
    "ping",
    "xlink:href",
];

/// Every problem found in one output file, each naming the file.
pub fn check_file(path: &str, bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(problem) = unsafe_output_path(path) {
        out.push(format!("{path}: unsafe output path: {problem}"));
    }
    let ext = path.rsplit('.').next().unwrap_or("");
    if !matches!(ext, "html" | "xml" | "json" | "txt" | "md") {
        return out; // theme assets (CSS, JS, images) are the theme's own.
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(format!("{path}: not UTF-8"));
        return out;
    };
    match ext {
        "html" => check_html(text, false, path, &mut out),
        "xml" => check_xml(text, path, &mut out),
        "json" => check_json(text, path, &mut out),
        "txt" if path.ends_with("robots.txt") => check_robots(text, path, &mut out),
        "txt" => check_markdown_text(text, path, &mut out),
        "md" => check_twin(text, path, &mut out),
        _ => {}
    }
    out
}

/// Why `path` (relative, `/`-separated) is not a safe place to write, if it
/// is not.
pub fn unsafe_output_path(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return Some("absolute, empty or with a backslash".into());
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Some(format!("segment `{part}`"));
        }
        if part.len() > 255 {
            return Some("segment longer than 255 bytes".into());
        }
        if !part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            return Some(format!(
                "segment `{}` has unsafe characters",
                part.escape_debug()
            ));
        }
        if is_windows_reserved(part) {
            return Some(format!("segment `{part}` is a reserved name on Windows"));
        }
    }
    None
}

/// `CON`, `nul.txt`, `com1`…: names Windows reserves for devices, whatever
/// the case or extension.
pub fn is_windows_reserved(segment: &str) -> bool {
    let stem = segment.split('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// Whether a browser would read `value` as a `javascript:`, `vbscript:` or
/// `data:` URL: it strips leading and trailing C0 controls and spaces,
/// removes tabs and newlines anywhere, and compares the scheme without case.
/// (Entities are already decoded by the HTML or XML parser.)
pub fn is_dangerous_url(value: &str) -> bool {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some((scheme, _)) = cleaned.split_once(':') else {
        return false;
    };
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid && DANGEROUS.iter().any(|d| d.eq_ignore_ascii_case(scheme))
}

/// Checks an HTML page (or, with `fragment`, a piece of one such as a feed
/// entry's content) as a browser would build it.
pub fn check_html(html: &str, fragment: bool, path: &str, out: &mut Vec<String>) {
    let doc = if fragment {
        Document::fragment(html)
    } else {
        Document::from(html)
    };
    for node in doc.root().descendants_it() {
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
        let name = name.to_ascii_lowercase();
        let attrs: Vec<(String, String)> = node
            .attrs()
            .iter()
            .map(|a| {
                (
                    a.name.local.to_string().to_ascii_lowercase(),
                    a.value.to_string(),
                )
            })
            .collect();
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let mut bad = |what: String| out.push(format!("{path}: {what}"));
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            bad(format!("live <{name}> element"));
        }
        match name.as_str() {
            "script" => check_script(&node.text(), attr("type"), attr("src"), fragment, &mut bad),
            "meta" if attr("http-equiv").is_some() => bad("<meta http-equiv>".into()),
            "link" if attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("import")) => {
                bad("<link rel=import>".into());
            }
            "form" => {
                let own =
                    attr("action").is_some_and(|a| a.starts_with('/') && !a.starts_with("//"));
                if fragment || !own {
                    bad(format!("<form> posting to {:?}", attr("action")));
                }
            }
            _ => {}
        }
        for (key, value) in &attrs {
            if key.starts_with("on") {
                bad(format!("event handler `{key}` on <{name}>"));
            }
            if matches!(key.as_str(), "style" | "srcdoc" | "formaction") {
                bad(format!("attribute `{key}` on <{name}>"));
            }
            let is_url = URL_ATTRIBUTES.contains(&key.as_str());
            if is_url && is_dangerous_url(value) {
                bad(format!("<{name} {key}={value:?}>"));
            }
            if key == "srcset" && value.split(',').any(|c| is_dangerous_url(c.trim())) {
                bad(format!("<{name} srcset={value:?}>"));
            }
        }
    }
}

/// A `<script>` is allowed only as JSON-LD data that parses as JSON, or as
/// the theme's own external script (a site-relative `src`, no inline code).
fn check_script(
    text: &str,
    kind: Option<&str>,
    src: Option<&str>,
    fragment: bool,
    bad: &mut dyn FnMut(String),
) {
    if fragment {
        return bad("<script> inside content".into());
    }
    if kind == Some("application/ld+json") && src.is_none() {
        let lower = text.to_ascii_lowercase();
        if lower.contains("<!--") || lower.contains("<script") || lower.contains("</script") {
            bad("JSON-LD that can change how the script element is parsed".into());
        }
        if serde_json::from_str::<serde_json::Value>(text).is_err() {
            bad(format!("JSON-LD that is not JSON: {}", shorten(text)));
        }
        return;
    }
    let own_file = src.is_some_and(|s| s.starts_with('/') && !s.starts_with("//"));
    if !own_file || !text.trim().is_empty() || kind.is_some() {
        bad(format!("live script (src {src:?}): {}", shorten(text)));
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(120).collect()
}

/// Feeds and sitemaps: well-formed XML, no dangerous URL, and the HTML they
/// carry for feed readers as inert as a page.
pub fn check_xml(text: &str, path: &str, out: &mut Vec<String>) {
    let doc = match roxmltree::Document::parse(text) {
        Ok(doc) => doc,
        Err(err) => return out.push(format!("{path}: not well-formed XML: {err}")),
    };
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let carries_html = match name {
            "content" | "summary" | "title" | "subtitle" | "rights" => {
                node.attribute("type") == Some("html")
            }
            "description" | "encoded" => true,
            _ => false,
        };
        if carries_html {
            let html = node.text().unwrap_or("");
            check_html(html, true, &format!("{path} <{name}>"), out);
        }
        if matches!(
            name,
            "link" | "loc" | "uri" | "url" | "comments" | "docs" | "icon" | "logo"
        ) && let Some(url) = node.text()
            && is_dangerous_url(url)
        {
            out.push(format!("{path}: <{name}> with URL {url:?}"));
        }
        for attr in node.attributes() {
            if matches!(attr.name(), "href" | "src" | "uri" | "url")
                && is_dangerous_url(attr.value())
            {
                out.push(format!(
                    "{path}: <{name} {}={:?}>",
                    attr.name(),
                    attr.value()
                ));
            }
        }
    }
}

/// JSON files (JSON Feed, the search index): valid JSON, no dangerous URL,
/// and `content_html` as inert as a page.
pub fn check_json(text: &str, path: &str, out: &mut Vec<String>) {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => walk_json(&value, None, path, out),
        Err(err) => out.push(format!("{path}: not JSON: {err}")),
    }
}

fn walk_json(value: &serde_json::Value, key: Option<&str>, path: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk_json(v, Some(k), path, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                walk_json(v, key, path, out);
            }
        }
        Value::String(s) => match key {
            Some("content_html" | "summary_html") => {
                check_html(s, true, &format!("{path} {key:?}"), out);
            }
            Some(
                "url" | "external_url" | "home_page_url" | "feed_url" | "icon" | "favicon"
                | "image" | "banner_image" | "avatar" | "u",
            ) if is_dangerous_url(s) => out.push(format!("{path}: {key:?} is {s:?}")),
            _ => {}
        },
        _ => {}
    }
}

/// `robots.txt`: only the directives `briefing` writes.
fn check_robots(text: &str, path: &str, out: &mut Vec<String>) {
    for line in text.lines() {
        let known = ["User-agent: ", "Allow: ", "Disallow: ", "Sitemap: "];
        if !line.is_empty() && !known.iter().any(|k| line.starts_with(k)) {
            out.push(format!("{path}: unexpected line {line:?}"));
        }
    }
}

/// `llms.txt`: Markdown in which content can only ever be text: no raw HTML,
/// and every link one that `briefing` wrote.
pub fn check_markdown_text(text: &str, path: &str, out: &mut Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag};
    for event in Parser::new(text) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                out.push(format!("{path}: raw HTML in Markdown: {}", shorten(&h)));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !is_site_link(&dest_url) =>
            {
                out.push(format!("{path}: Markdown link to {dest_url:?}"));
            }
            _ => {}
        }
    }
}

/// A link `briefing` writes itself: absolute http(s), or root-relative when
/// the site has no `base_url`.
fn is_site_link(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"))
}

/// A briefing's Markdown twin: TOML front matter that parses, and a title
/// line that stays text. The body is the author's Markdown as written.
fn check_twin(text: &str, path: &str, out: &mut Vec<String>) {
    let Some(rest) = text.strip_prefix("+++\n") else {
        return out.push(format!("{path}: twin does not start with `+++`"));
    };
    let Some(end) = rest.find("\n+++\n") else {
        return out.push(format!("{path}: twin front matter is not closed"));
    };
    if let Err(err) = rest[..end + 1].parse::<toml::Table>() {
        out.push(format!("{path}: twin front matter is not TOML: {err}"));
    }
    let after = rest[end + 5..].trim_start_matches('\n');
    let heading = after.lines().next().unwrap_or("");
    if !heading.starts_with("# ") {
        out.push(format!("{path}: twin title line is {heading:?}"));
    }
    check_markdown_text(heading, path, out);
}
