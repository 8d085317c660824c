//! An HTML page: the article is extracted from the page's chrome with
//! `dom_smoothie` (a port of Mozilla's Readability), its metadata read from
//! the markup (OpenGraph, `article:*`, JSON-LD, `<time>`, the canonical
//! link), and its body converted to Markdown with `htmd`. Links keep only
//! http(s) and mailto targets, made absolute against the page's URL; any
//! other link becomes its text.

use dom_query::{Document, Selection};
use dom_smoothie::{Config, Readability};
use serde_json::Value;

use super::{Extracted, Found};

/// JSON-LD types that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "TechArticle",
    "Report",
];

/// Elements never carried into the body.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "iframe", "object", "embed", "form", "button", "input",
    "select", "textarea", "svg", "canvas", "template", "nav", "aside", "footer", "header",
];

/// Extracts the article and its metadata from an HTML page.
pub fn extract(html: &str) -> Extracted {
    let doc = Document::from(html);
    let ld = json_ld_article(&doc);
    let mut notes = Vec::new();
    let mut out = Extracted {
        title: title(&doc, ld.as_ref()),
        date: date(&doc, ld.as_ref()),
        author: author(&doc, ld.as_ref(), &mut notes),
        source: source(&doc, ld.as_ref()),
        publisher: first_of(&[
            meta(&doc, "property", "og:site_name").map(|v| Found::new(v, "og:site_name")),
            ld.as_ref()
                .and_then(|a| name_of(a.get("publisher")?))
                .map(|v| Found::new(v, "JSON-LD publisher")),
        ]),
        notes,
        ..Extracted::default()
    };
    let base = out
        .source
        .as_ref()
        .map(|s| s.value.clone())
        .filter(|u| super::lines::is_http_url(u));
    let (content, readability_title, byline) = article_html(doc, base.as_deref());
    if out.title.is_none() {
        out.title = readability_title.map(|t| Found::new(t, "the page's title"));
    }
    if out.author.is_none() {
        out.author = byline
            .filter(|b| super::lines::is_name_like(b))
            .map(|b| Found::new(b, "byline in the page"));
    }
    out.body = to_markdown(&content, base.as_deref());
    out
}

/// The article's HTML (Readability's choice, else `<article>`, else
/// `<body>`), with Readability's title and byline.
fn article_html(doc: Document, base: Option<&str>) -> (String, Option<String>, Option<String>) {
    let fallback = {
        let article = doc.select("article");
        let chosen = if article.exists() {
            article
        } else {
            doc.select("body")
        };
        chosen.inner_html().to_string()
    };
    let config = Config {
        max_elements_to_parse: 50_000,
        ..Config::default()
    };
    let parsed = Readability::with_document(doc, base, Some(config)).and_then(|mut r| r.parse());
    match parsed {
        Ok(article) if !article.text_content.trim().is_empty() => {
            let title = Some(article.title.trim().to_owned()).filter(|t| !t.is_empty());
            let byline = article.byline.map(|b| clean_byline(&b));
            (article.content.to_string(), title, byline)
        }
        _ => (fallback, None, None),
    }
}

fn clean_byline(byline: &str) -> String {
    let b = byline.split_whitespace().collect::<Vec<_>>().join(" ");
    let b = b
        .strip_prefix("By ")
        .or_else(|| b.strip_prefix("by "))
        .unwrap_or(&b);
    b.trim().to_owned()
}

/// Cleans the article HTML (no scripts or widgets, safe absolute links) and
/// converts it to Markdown.
pub fn to_markdown(content: &str, base: Option<&str>) -> String {
    let doc = Document::fragment(content);
    doc.select(&SKIPPED.join(", ")).remove();
    for link in doc.select("a").iter() {
        match link.attr("href").and_then(|h| safe_url(&h, base)) {
            Some(url) => {
                link.retain_attrs(&["href", "title"]);
                link.set_attr("href", &url);
            }
            None => unwrap(&link),
        }
    }
    for img in doc.select("img").iter() {
        match img.attr("src").and_then(|s| safe_url(&s, base)) {
            Some(url) if !url.starts_with("mailto:") => {
                img.retain_attrs(&["src", "alt", "title"]);
                img.set_attr("src", &url);
            }
            _ => img.remove(),
        }
    }
    let converter = htmd::HtmlToMarkdown::builder()
        .skip_tags(SKIPPED.to_vec())
        .options(htmd::options::Options {
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: htmd::options::HrStyle::Dashes,
            ..htmd::options::Options::default()
        })
        .build();
    converter.convert(&doc.html()).unwrap_or_default()
}

/// Replaces an element by its children.
fn unwrap(sel: &Selection<'_>) {
    let inner = sel.inner_html();
    sel.replace_with_html(inner);
}

/// `href` as an absolute http(s) or mailto URL, resolved against `base`;
/// `None` for any other scheme (`javascript:`, `data:`…), for in-page
/// anchors and for relative links without a base.
pub fn safe_url(href: &str, base: Option<&str>) -> Option<String> {
    // Browsers ignore whitespace and control characters inside a URL.
    let href: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match url::Url::parse(&href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(base?).ok()?.join(&href).ok()?
        }
        Err(_) => return None,
    };
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

fn meta(doc: &Document, attr: &str, name: &str) -> Option<String> {
    let sel = doc.select(&format!("meta[{attr}=\"{name}\"]"));
    let value = sel.attr("content")?.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

fn text_of(sel: &Selection<'_>) -> Option<String> {
    let text = sel.text().split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn first_of(candidates: &[Option<Found>]) -> Option<Found> {
    candidates.iter().flatten().next().cloned()
}

fn title(doc: &Document, ld: Option<&Value>) -> Option<Found> {
    let h1 = doc.select("h1");
    first_of(&[
        meta(doc, "property", "og:title").map(|v| Found::new(v, "og:title")),
        ld.and_then(|a| a.get("headline")?.as_str().map(str::to_owned))
            .map(|v| Found::new(v, "JSON-LD headline")),
        meta(doc, "name", "twitter:title").map(|v| Found::new(v, "twitter:title")),
        (h1.length() == 1)
            .then(|| text_of(&h1))
            .flatten()
            .map(|v| Found::new(v, "the page's <h1>")),
        text_of(&doc.select("head title"))
            .map(|v| Found::new(without_site_suffix(&v), "the page's <title>")),
    ])
}

/// "Headline | Site" → "Headline": a short last part after a separator is
/// the site's name.
fn without_site_suffix(title: &str) -> String {
    for sep in [" | ", " — ", " – ", " - ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && tail.split_whitespace().count() <= 4
            && head.split_whitespace().count() >= 3
        {
            return head.trim().to_owned();
        }
    }
    title.to_owned()
}

fn date(doc: &Document, ld: Option<&Value>) -> Option<Found> {
    let time = doc.select("article time[datetime], time[datetime]").first();
    first_of(&[
        meta(doc, "property", "article:published_time")
            .map(|v| Found::new(v, "article:published_time")),
        ld.and_then(|a| a.get("datePublished")?.as_str().map(str::to_owned))
            .map(|v| Found::new(v, "JSON-LD datePublished")),
        meta(doc, "itemprop", "datePublished").map(|v| Found::new(v, "itemprop datePublished")),
        meta(doc, "name", "date").map(|v| Found::new(v, "<meta name=\"date\">")),
        time.attr("datetime")
            .map(|v| Found::new(v.trim(), "<time datetime>")),
    ])
}

fn author(doc: &Document, ld: Option<&Value>, notes: &mut Vec<String>) -> Option<Found> {
    let from_ld = ld.and_then(|a| {
        let names = names_of(a.get("author")?);
        if names.len() > 1 {
            notes.push(format!(
                "JSON-LD names {} authors ({}); kept the first",
                names.len(),
                names.join(", ")
            ));
        }
        names.into_iter().next()
    });
    let article_author = meta(doc, "property", "article:author").filter(|a| !a.contains("://"));
    first_of(&[
        from_ld.map(|v| Found::new(v, "JSON-LD author")),
        meta(doc, "name", "author").map(|v| Found::new(v, "<meta name=\"author\">")),
        article_author.map(|v| Found::new(v, "article:author")),
    ])
}

fn source(doc: &Document, ld: Option<&Value>) -> Option<Found> {
    let canonical = doc.select("link[rel=\"canonical\"]").attr("href");
    let ld_url = ld.and_then(|a| {
        a.get("url")
            .and_then(Value::as_str)
            .or_else(|| a.get("mainEntityOfPage")?.get("@id")?.as_str())
            .map(str::to_owned)
    });
    let candidates = [
        canonical.map(|v| Found::new(v.trim(), "canonical link")),
        meta(doc, "property", "og:url").map(|v| Found::new(v, "og:url")),
        ld_url.map(|v| Found::new(v, "JSON-LD url")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|f| super::lines::is_http_url(&f.value))
}

/// The first JSON-LD object describing an article, searching arrays and
/// `@graph`.
fn json_ld_article(doc: &Document) -> Option<Value> {
    doc.select("script[type=\"application/ld+json\"]")
        .iter()
        .filter_map(|s| serde_json::from_str::<Value>(s.text().trim()).ok())
        .find_map(|v| find_article(&v).cloned())
}

fn find_article(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(items) => items.iter().find_map(find_article),
        Value::Object(map) => {
            let is_article = match map.get("@type") {
                Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
                _ => false,
            };
            if is_article {
                Some(value)
            } else {
                map.get("@graph").and_then(find_article)
            }
        }
        _ => None,
    }
}

/// A name from a JSON-LD string, `{ "name": … }` or list of them.
fn name_of(value: &Value) -> Option<String> {
    names_of(value).into_iter().next()
}

fn names_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.trim().to_owned()],
        Value::Object(map) => map
            .get("name")
            .and_then(Value::as_str)
            .map(|s| vec![s.trim().to_owned()])
            .unwrap_or_default(),
        Value::Array(items) => items.iter().flat_map(names_of).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_survive() {
        let base = Some("https://news.example.com/a/b");
        assert_eq!(
            safe_url("../c?x=1", base).as_deref(),
            Some("https://news.example.com/c?x=1")
        );
        assert_eq!(
            safe_url("mailto:a@b.c", None).as_deref(),
            Some("mailto:a@b.c")
        );
        for bad in [
            "javascript:alert(1)",
            " java\tscript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "#section",
            "",
        ] {
            assert_eq!(safe_url(bad, base), None, "{bad}");
        }
        assert_eq!(safe_url("/relative", None), None);
    }

    #[test]
    fn hostile_markup_stays_inert() {
        let md = to_markdown(
            "<p>Hi <a href=\"javascript:alert(1)\">click</a> <a href=\"/x\">ok</a></p><script>alert(2)</script><p onclick=\"x()\">&lt;b&gt;</p>",
            Some("https://e.com/"),
        );
        assert!(!md.contains("javascript"), "{md}");
        assert!(!md.contains("alert(2)"), "{md}");
        assert!(md.contains("click"), "{md}");
        assert!(md.contains("[ok](https://e.com/x)"), "{md}");
    }

    #[test]
    fn the_title_element_loses_the_site_name() {
        assert_eq!(
            without_site_suffix("A long headline here | The Wire"),
            "A long headline here"
        );
        assert_eq!(without_site_suffix("Short - Site"), "Short - Site");
        let doc = Document::from(
            "<html><head><title>Chips get cheaper again - Wire</title></head></html>",
        );
        let found = title(&doc, None).unwrap();
        assert_eq!(
            (found.value.as_str(), found.from.as_str()),
            ("Chips get cheaper again", "the page's <title>")
        );
    }

    #[test]
    fn json_ld_article_in_a_graph() {
        let doc = Document::from(
            r#"<script type="application/ld+json">{"@graph":[{"@type":"WebPage"},{"@type":["NewsArticle"],"headline":"H","author":[{"name":"A B"},{"name":"C D"}],"datePublished":"2026-01-02"}]}</script>"#,
        );
        let ld = json_ld_article(&doc).unwrap();
        assert_eq!(ld["headline"], "H");
        let mut notes = Vec::new();
        assert_eq!(author(&doc, Some(&ld), &mut notes).unwrap().value, "A B");
        assert_eq!(notes.len(), 1);
        assert_eq!(date(&doc, Some(&ld)).unwrap().from, "JSON-LD datePublished");
    }
}
