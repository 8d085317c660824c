//! Internal links: where a link in a page leads inside the built site, and
//! whether the site serves that file and the anchor it names.

use std::collections::{HashMap, HashSet};

use percent_encoding::percent_decode_str;

use crate::render::OutputFile;

/// A made-up origin to resolve site URLs against: `Url::join` needs an
/// absolute base, and a reserved `.invalid` host can never be a real link's.
const LOCAL_ORIGIN: &str = "http://site.invalid";

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Not checked: `mailto:`, `tel:`, a bare `#` (a removed link), a path
    /// outside the site's base path.
    Ignored,
    /// An absolute http(s) URL on another site.
    External(String),
    /// A file of this site.
    Internal {
        /// Path below the output root, percent-decoded (`briefings/x/`).
        path: String,
        /// The anchor, percent-decoded, when there is one.
        fragment: Option<String>,
    },
}

/// How the site is addressed: what makes a link internal.
#[derive(Debug, Clone, Copy)]
pub struct SiteUrls<'a> {
    /// Path prefix of every page (`/` or `/sub/`).
    pub base_path: &'a str,
    /// The absolute base URL (`https://example.org/sub/`), when configured:
    /// links written with it are internal too.
    pub base_url: Option<&'a str>,
}

impl SiteUrls<'_> {
    /// Where `link` (as it appears in the page at `page_url`) leads. Relative
    /// links resolve against the page, `#frag` names the page itself.
    pub fn classify(&self, link: &str, page_url: &str) -> Target {
        let link = link.trim();
        if link.is_empty() || link == "#" {
            return Target::Ignored;
        }
        let local = match self.base_url {
            // A link to the site's own absolute URL is checked offline, like
            // a root-relative one, instead of asking the live site.
            Some(base) if link.starts_with(base) => {
                format!("{}{}", self.base_path, &link[base.len()..])
            }
            _ => link.to_owned(),
        };
        let Ok(origin) = url::Url::parse(LOCAL_ORIGIN) else {
            return Target::Ignored;
        };
        let Ok(page) = origin.join(page_url) else {
            return Target::Ignored;
        };
        let Ok(resolved) = page.join(&local) else {
            return Target::Ignored;
        };
        if resolved.origin() != origin.origin() {
            return match resolved.scheme() {
                "http" | "https" if resolved.host_str().is_some() => {
                    Target::External(external_url(link))
                }
                _ => Target::Ignored,
            };
        }
        let Some(rest) = resolved.path().strip_prefix(self.base_path) else {
            return Target::Ignored;
        };
        Target::Internal {
            path: decode(rest),
            fragment: resolved.fragment().filter(|f| !f.is_empty()).map(decode),
        }
    }
}

/// The URL to request for an external link: as written, except that a
/// protocol-relative `//host/x` gets https.
fn external_url(written: &str) -> String {
    if written.starts_with("//") {
        format!("https:{written}")
    } else {
        written.to_owned()
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The files of the built site, and the anchors each HTML file defines.
pub struct Served<'f> {
    files: HashMap<&'f str, &'f [u8]>,
    /// Ids found in an HTML file, scanned on first use: most pages are
    /// never the target of an anchor.
    ids: HashMap<&'f str, HashSet<String>>,
}

impl<'f> Served<'f> {
    /// Indexes the output files.
    pub fn new(files: &'f [OutputFile]) -> Self {
        Served {
            files: files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes.as_slice()))
                .collect(),
            ids: HashMap::new(),
        }
    }

    /// The output file that serves `path` (`x/` → `x/index.html`; `x` also
    /// finds `x/index.html`, as static hosts redirect it there).
    pub fn find(&self, path: &str) -> Option<&'f str> {
        let path = path.split('?').next().unwrap_or_default();
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.to_owned(), format!("{path}/index.html")]
        };
        candidates
            .iter()
            .find_map(|c| self.files.get_key_value(c.as_str()).map(|(k, _)| *k))
    }

    /// Whether the served file `file` defines the anchor `id`. Files that
    /// are not HTML cannot be checked and count as having it.
    pub fn has_id(&mut self, file: &'f str, id: &str) -> bool {
        if !file.ends_with(".html") {
            return true;
        }
        let Some(bytes) = self.files.get(file).copied() else {
            return false;
        };
        self.ids
            .entry(file)
            .or_insert_with(|| ids_in(bytes))
            .contains(id)
    }
}

/// Every `id="…"` (or `id='…'`) value in an HTML document, unescaped.
pub fn ids_in(html: &[u8]) -> HashSet<String> {
    attribute_values(&String::from_utf8_lossy(html), "id")
        .into_iter()
        .collect()
}

/// Every value of the attribute `name` in an HTML fragment, unescaped, in
/// document order. A cheap scan, not a parser: the HTML is the build's own.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!("{name}=");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&needle) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + needle.len()..];
        // `data-id=` or `grid=` are other attributes: the name must start
        // after whitespace.
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            continue;
        };
        let value = &rest[1..];
        if let Some(end) = value.find(quote) {
            values.push(unescape(&value[..end]));
            rest = &value[end..];
        }
    }
    values
}

/// The few entities an attribute value may hold.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: SiteUrls<'static> = SiteUrls {
        base_path: "/",
        base_url: None,
    };
    const SUB: SiteUrls<'static> = SiteUrls {
        base_path: "/sub/",
        base_url: Some("https://example.org/sub/"),
    };

    fn internal(path: &str, fragment: Option<&str>) -> Target {
        Target::Internal {
            path: path.into(),
            fragment: fragment.map(Into::into),
        }
    }

    #[test]
    fn root_relative_and_relative_links_resolve_against_the_page() {
        let page = "/briefings/a/";
        assert_eq!(ROOT.classify("/tags/ai/", page), internal("tags/ai/", None));
        assert_eq!(
            ROOT.classify("../b/#why", page),
            internal("briefings/b/", Some("why"))
        );
        assert_eq!(
            ROOT.classify("chart.png", page),
            internal("briefings/a/chart.png", None)
        );
        assert_eq!(ROOT.classify("/", page), internal("", None));
        assert_eq!(
            ROOT.classify("/feed.json?x=1", page),
            internal("feed.json", None)
        );
    }

    #[test]
    fn same_page_anchors_name_the_page() {
        assert_eq!(
            SUB.classify("#key-points", "/sub/about/"),
            internal("about/", Some("key-points"))
        );
        assert_eq!(SUB.classify("#", "/sub/about/"), Target::Ignored);
        assert_eq!(
            ROOT.classify("#caf%C3%A9", "/x/"),
            internal("x/", Some("café"))
        );
    }

    #[test]
    fn sub_path_sites_own_only_their_prefix() {
        let page = "/sub/briefings/a/";
        assert_eq!(
            SUB.classify("/sub/companies/acme/", page),
            internal("companies/acme/", None)
        );
        assert_eq!(SUB.classify("/elsewhere/", page), Target::Ignored);
        assert_eq!(SUB.classify("../../../up/", page), Target::Ignored);
        assert_eq!(
            SUB.classify("https://example.org/sub/tags/", page),
            internal("tags/", None)
        );
        assert_eq!(
            SUB.classify("../../my%20page/", page),
            internal("my page/", None)
        );
    }

    #[test]
    fn other_schemes_are_external_or_ignored() {
        let page = "/a/";
        assert_eq!(
            ROOT.classify("https://example.com/x#y", page),
            Target::External("https://example.com/x#y".into())
        );
        assert_eq!(
            ROOT.classify("//cdn.example.com/x.js", page),
            Target::External("https://cdn.example.com/x.js".into())
        );
        for link in ["mailto:me@example.com", "tel:+1", "ftp://example.com/", ""] {
            assert_eq!(ROOT.classify(link, page), Target::Ignored, "{link}");
        }
    }

    fn site() -> Vec<OutputFile> {
        let file = |path: &str, html: &str| OutputFile {
            path: path.into(),
            bytes: html.as_bytes().to_vec(),
        };
        vec![
            file(
                "index.html",
                r#"<main id="main"><h2 id='top'>x</h2></main>"#,
            ),
            file(
                "briefings/a/index.html",
                r#"<h2 id="why-it-matters">Why</h2><div data-id="fake" id="a&amp;b"></div>"#,
            ),
            file("feed.json", "{}"),
        ]
    }

    #[test]
    fn served_files_follow_pretty_urls() {
        let files = site();
        let served = Served::new(&files);
        assert_eq!(served.find(""), Some("index.html"));
        assert_eq!(served.find("briefings/a/"), Some("briefings/a/index.html"));
        assert_eq!(served.find("briefings/a"), Some("briefings/a/index.html"));
        assert_eq!(served.find("feed.json"), Some("feed.json"));
        assert_eq!(served.find("briefings/b/"), None);
        assert_eq!(served.find("feed.json/"), None);
    }

    #[test]
    fn anchors_are_ids_of_the_target_page() {
        let files = site();
        let mut served = Served::new(&files);
        assert!(served.has_id("index.html", "main"));
        assert!(served.has_id("index.html", "top"));
        assert!(served.has_id("briefings/a/index.html", "why-it-matters"));
        assert!(served.has_id("briefings/a/index.html", "a&b"));
        assert!(!served.has_id("briefings/a/index.html", "fake"));
        assert!(!served.has_id("briefings/a/index.html", "main"));
        // Anchors into other files cannot be checked.
        assert!(served.has_id("feed.json", "anything"));
    }

    #[test]
    fn hrefs_are_read_in_order() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a> <a data-href="no" href='#b'>b</a>"#;
        assert_eq!(attribute_values(html, "href"), ["/a/?x=1&y=2", "#b"]);
    }
}
