//! Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1, for the whole site and for
//! each tag and company. XML is written by hand with [`escape::Xml`], which
//! also drops the control characters XML forbids, so any input gives a
//! well-formed feed.
//!
//! An entry reads the same in every feed that lists it, so each briefing
//! within `[feeds] limit` of some scope is rendered once per format (its
//! body made absolute and escaped once), and every feed is put together
//! from those pieces. Both steps run in parallel; the output order is the
//! order of the scopes.

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::enrich::{Briefing, Date};
use crate::escape::{self, Xml};
use crate::render::sink::Hasher;
use crate::render::{Key, OutputFile};
use crate::site::Site;

/// One feed: which briefings, under which title, at which path.
pub struct Scope {
    /// Feed title.
    pub title: String,
    /// Folder below the site root, with a trailing slash (`""`, `tags/ai/`).
    pub folder: String,
    /// Site-relative URL of the page the feed belongs to.
    pub page_url: String,
    /// The briefings the feed lists, as indices into
    /// [`Site::briefings`], newest first: at most `[feeds] limit` of them.
    pub items: Vec<usize>,
}

/// Every feed scope of the site.
pub fn scopes(site: &Site) -> Vec<Scope> {
    let config = &site.config;
    let limit = config.feeds.limit;
    let newest = |indices: &[usize]| indices[..limit.min(indices.len())].to_vec();
    let mut out = vec![Scope {
        title: config.title.clone(),
        folder: String::new(),
        page_url: config.url(""),
        items: (0..limit.min(site.briefings.len())).collect(),
    }];
    for tag in &site.tags {
        out.push(Scope {
            title: format!("{}: {}", config.title, tag.name),
            folder: format!("tags/{}/", tag.slug),
            page_url: tag.url.clone(),
            items: newest(&tag.briefings),
        });
    }
    for entry in &site.companies {
        out.push(Scope {
            title: format!("{}: {}", config.title, entry.company.name),
            folder: format!("companies/{}/", entry.company.slug),
            page_url: entry.company.url.clone(),
            items: newest(&entry.briefings),
        });
    }
    out
}

/// The three feed files of every scope, handed to `sink` as they are made.
/// Fails only when a body kept in the build cache cannot be read back.
pub fn render_to(site: &Site, sink: &dyn crate::render::Sink) -> Result<(), Diagnostic> {
    render_scopes(site, scopes(site), sink)
}

/// The feed files of every scope that lists one of the briefings at
/// `indices` (into [`Site::briefings`]), handed to `sink`.
pub fn render_lists_of(
    site: &Site,
    sink: &dyn crate::render::Sink,
    indices: &[usize],
) -> Result<(), Diagnostic> {
    let mut listing = scopes(site);
    listing.retain(|s| s.items.iter().any(|i| indices.contains(i)));
    render_scopes(site, listing, sink)
}

/// How one of a scope's feed files is printed.
type Print = fn(&Feed<'_>) -> String;

/// The three feed files of a scope: each file's name, and how it is
/// printed.
const FILES: [(&str, Print); 3] = [
    ("atom.xml", |feed| feed.atom()),
    ("rss.xml", |feed| feed.rss()),
    ("feed.json", |feed| feed.json()),
];

fn render_scopes(
    site: &Site,
    scopes: Vec<Scope>,
    sink: &dyn crate::render::Sink,
) -> Result<(), Diagnostic> {
    let file_key = |scope: Option<Key>, name: &str| {
        scope.map(|k| Hasher::new(k).bytes(name.as_bytes()).finish())
    };
    // Each scope with its key and, for each file, whether the sink holds
    // it made from the same briefings: a scope whose three files it holds
    // is not rendered again.
    let todo: Vec<(Scope, Option<Key>, [bool; 3])> = scopes
        .into_iter()
        .filter_map(|scope| {
            let key = scope_key(site, &scope);
            let kept = FILES.map(|(name, _)| {
                file_key(key, name)
                    .is_some_and(|k| sink.unchanged(&format!("{}{name}", scope.folder), k))
            });
            (!kept.iter().all(|&k| k)).then_some((scope, key, kept))
        })
        .collect();
    let scopes: Vec<&Scope> = todo.iter().map(|(scope, _, _)| scope).collect();
    let entries = Entries::render(site, &scopes)?;
    todo.par_iter().for_each(|(scope, key, kept)| {
        let feed = Feed {
            site,
            scope,
            entries: &entries,
        };
        for ((name, print), _) in FILES.iter().zip(kept).filter(|(_, kept)| !**kept) {
            let bytes = print(&feed).into_bytes();
            let key =
                file_key(*key, name).unwrap_or_else(|| crate::render::sink::key_of_bytes(&bytes));
            let path = format!("{}{name}", scope.folder);
            sink.put(OutputFile { path, bytes }, key);
        }
    });
    Ok(())
}

/// What a scope's feeds are made from, when every briefing they list
/// carries its digest, which stands for the briefing, the site's settings
/// and the program: the scope and those digests. `None` (render them)
/// for a scope without briefings, or with one whose digest is unknown.
fn scope_key(site: &Site, scope: &Scope) -> Option<Key> {
    if scope.items.is_empty() {
        return None;
    }
    let mut h = Hasher::new(0);
    h.bytes(b"feeds");
    h.value(&(&scope.title, &scope.folder, &scope.page_url));
    for &i in &scope.items {
        h.value(&site.briefings[i].digest?);
    }
    Some(h.finish())
}

/// One briefing as an entry of each feed format, ready to be copied into
/// every feed that lists it.
struct Entry {
    /// The Atom `<entry>` element, with its final newline.
    atom: String,
    /// The RSS `<item>` element, with its final newline.
    rss: String,
    /// The JSON Feed item, pretty-printed and indented for its place in
    /// the `items` array, without a separator.
    json: String,
}

/// The entries of every briefing that some feed lists.
struct Entries {
    /// Indices into [`Site::briefings`], ascending and distinct.
    indices: Vec<usize>,
    /// The entry of each index in `indices`, in the same order.
    rendered: Vec<Entry>,
}

impl Entries {
    fn render(site: &Site, scopes: &[&Scope]) -> Result<Self, Diagnostic> {
        let mut indices: Vec<usize> = scopes
            .iter()
            .flat_map(|s| s.items.iter().copied())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        let rendered = indices
            .par_iter()
            .map(|&i| Entry::new(site, &site.briefings[i]))
            .collect::<Result<_, _>>()?;
        Ok(Entries { indices, rendered })
    }

    /// The entry of the briefing at `index`.
    fn get(&self, index: usize) -> &Entry {
        let at = self
            .indices
            .binary_search(&index)
            .expect("every briefing of every scope was rendered");
        &self.rendered[at]
    }
}

impl Entry {
    fn new(site: &Site, b: &Briefing) -> Result<Self, Diagnostic> {
        let config = &site.config;
        let url = config.absolute(&b.url);
        // The full body with absolute links, or none (then the summary
        // stands in).
        let html = if config.feeds.full_content {
            let body = b.html().map_err(|err| {
                Diagnostic::error_file(&b.origin.file.display_path, err.to_string())
            })?;
            Some(absolutize(config, &body))
        } else {
            None
        };
        // Atom content and the RSS description are the same escaped HTML.
        let escaped_html = html.as_deref().map(escape::xml);
        Ok(Entry {
            atom: atom_entry(site, b, &url, escaped_html.as_deref()),
            rss: rss_item(b, &url, escaped_html.as_deref()),
            json: json_item(site, b, url, html),
        })
    }
}

fn atom_entry(site: &Site, b: &Briefing, url: &str, content: Option<&str>) -> String {
    let mut out = String::with_capacity(1024 + content.map_or(0, str::len));
    let _ = write!(
        out,
        "<entry>\n<title type=\"text\">{}</title>\n<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n\
         <id>{}</id>\n<published>{}</published>\n<updated>{}</updated>\n",
        Xml(&b.title),
        Xml(url),
        Xml(url),
        b.date.zoned.timestamp(),
        updated_of(b).zoned.timestamp(),
    );
    for a in &b.authors {
        let _ = write!(out, "<author><name>{}</name>", Xml(a));
        // Every author has a page; the uri is omitted only if not.
        if let Some(term) = site.author(a) {
            let _ = write!(out, "<uri>{}</uri>", Xml(&site.config.absolute(&term.url)));
        }
        out.push_str("</author>\n");
    }
    for c in b.tags.iter().chain(&b.companies) {
        let _ = writeln!(out, "<category term=\"{}\"/>", Xml(c));
    }
    for s in &b.sources {
        let _ = writeln!(
            out,
            "<link href=\"{}\" rel=\"related\" title=\"{}\"/>",
            Xml(&s.url),
            Xml(&s.title)
        );
    }
    let _ = writeln!(out, "<summary type=\"text\">{}</summary>", Xml(&b.summary));
    if let Some(html) = content {
        out.push_str("<content type=\"html\">");
        out.push_str(html);
        out.push_str("</content>\n");
    }
    out.push_str("</entry>\n");
    out
}

fn rss_item(b: &Briefing, url: &str, content: Option<&str>) -> String {
    let mut out = String::with_capacity(1024 + content.map_or(0, str::len));
    let _ = write!(
        out,
        "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n",
        Xml(&b.title),
        Xml(url),
        Xml(url),
        rfc2822(&b.date),
    );
    for a in &b.authors {
        let _ = writeln!(out, "<dc:creator>{}</dc:creator>", Xml(a));
    }
    for c in b.tags.iter().chain(&b.companies) {
        let _ = writeln!(out, "<category>{}</category>", Xml(c));
    }
    if let Some(s) = b.sources.first() {
        let _ = writeln!(
            out,
            "<source url=\"{}\">{}</source>",
            Xml(&s.url),
            Xml(&s.title)
        );
    }
    out.push_str("<description>");
    match content {
        Some(html) => out.push_str(html),
        // An item description is HTML to every reader: the summary is
        // text, so it is escaped for HTML before the XML escaping.
        None => {
            let _ = write!(out, "{}", Xml(&escape::xml(&b.summary)));
        }
    }
    out.push_str("</description>\n</item>\n");
    out
}

/// Indentation of an item inside the `items` array of a pretty-printed
/// feed: two levels of two spaces.
const JSON_ITEM_INDENT: &str = "    ";

fn json_item(site: &Site, b: &Briefing, url: String, html: Option<String>) -> String {
    let item = JsonItem {
        id: url.clone(),
        url,
        external_url: b.sources.first().map(|s| s.url.as_str()),
        title: &b.title,
        summary: &b.summary,
        content_text: html.is_none().then_some(b.summary.as_str()),
        content_html: html,
        date_published: b.date.zoned.timestamp().to_string(),
        date_modified: updated_of(b).zoned.timestamp().to_string(),
        authors: b
            .authors
            .iter()
            .map(|a| JsonAuthor {
                name: a,
                url: site.author(a).map(|t| site.config.absolute(&t.url)),
            })
            .collect(),
        tags: b
            .tags
            .iter()
            .chain(&b.companies)
            .map(String::as_str)
            .collect(),
    };
    indent(&serde_json::to_string_pretty(&item).unwrap_or_default())
}

/// `pretty` (JSON printed at the top level) indented as an element of the
/// feed's `items` array. JSON strings hold no raw line break, so every
/// line break in the text is formatting.
fn indent(pretty: &str) -> String {
    let mut out = String::with_capacity(pretty.len() + pretty.len() / 8);
    for (i, line) in pretty.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(JSON_ITEM_INDENT);
        out.push_str(line);
    }
    out
}

/// The pretty-printed JSON feed with `head`'s fields and then `items`
/// (each from [`json_item`]), as `serde_json` would print the whole feed,
/// with a final newline.
fn json_feed(head: &JsonHead<'_>, items: &[&str]) -> String {
    let head = serde_json::to_string_pretty(head).unwrap_or_default();
    let fields = head.strip_suffix("\n}").unwrap_or(&head);
    let size = items.iter().map(|item| item.len() + 2).sum::<usize>();
    let mut out = String::with_capacity(fields.len() + size + 32);
    out.push_str(fields);
    out.push_str(",\n  \"items\": [");
    if items.is_empty() {
        out.push(']');
    } else {
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(item);
        }
        out.push_str("\n  ]");
    }
    out.push_str("\n}\n");
    out
}

/// A scope's feeds, put together from the rendered entries.
struct Feed<'a> {
    site: &'a Site,
    scope: &'a Scope,
    entries: &'a Entries,
}

impl Feed<'_> {
    fn abs(&self, url: &str) -> String {
        self.site.config.absolute(url)
    }

    fn feed_url(&self, file: &str) -> String {
        self.abs(
            &self
                .site
                .config
                .url(&format!("{}{file}", self.scope.folder)),
        )
    }

    fn briefings(&self) -> impl ExactSizeIterator<Item = &Briefing> {
        self.scope.items.iter().map(|&i| &self.site.briefings[i])
    }

    fn entries(&self) -> impl ExactSizeIterator<Item = &Entry> {
        self.scope.items.iter().map(|&i| self.entries.get(i))
    }

    /// Room for the header and every entry of one format.
    fn capacity(&self, format: fn(&Entry) -> &str) -> usize {
        2048 + self.entries().map(|e| format(e).len()).sum::<usize>()
    }

    /// Newest update among the entries; a fixed date for an empty feed, so
    /// that output never depends on the clock.
    fn updated_iso(&self) -> String {
        self.briefings()
            .map(|b| updated_of(b).zoned.timestamp())
            .max()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |t| t.to_string())
    }

    fn atom(&self) -> String {
        let config = &self.site.config;
        let mut out = String::with_capacity(self.capacity(|e| &e.atom));
        let self_url = self.feed_url("atom.xml");
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
             <title>{}</title>\n<subtitle>{}</subtitle>\n\
             <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n\
             <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n\
             <id>{}</id>\n<updated>{}</updated>\n<generator>briefing</generator>\n",
            Xml(&config.language),
            Xml(&self.scope.title),
            Xml(&config.description),
            Xml(&self_url),
            Xml(&self.abs(&self.scope.page_url)),
            Xml(&self_url),
            self.updated_iso(),
        );
        for entry in self.entries() {
            out.push_str(&entry.atom);
        }
        out.push_str("</feed>\n");
        out
    }

    fn rss(&self) -> String {
        let config = &self.site.config;
        let mut out = String::with_capacity(self.capacity(|e| &e.rss));
        let last = self
            .briefings()
            .next()
            .map(|b| rfc2822(&b.date))
            .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".to_owned());
        let description = if config.description.is_empty() {
            &self.scope.title
        } else {
            &config.description
        };
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
             <description>{}</description>\n<language>{}</language>\n<lastBuildDate>{}</lastBuildDate>\n\
             <generator>briefing</generator>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            Xml(&self.scope.title),
            Xml(&self.abs(&self.scope.page_url)),
            // Readers take a channel description as HTML: escape the text
            // for HTML, then for XML.
            Xml(&escape::xml(description)),
            Xml(&config.language),
            last,
            Xml(&self.feed_url("rss.xml")),
        );
        for entry in self.entries() {
            out.push_str(&entry.rss);
        }
        out.push_str("</channel>\n</rss>\n");
        out
    }

    fn json(&self) -> String {
        let head = JsonHead {
            version: "https://jsonfeed.org/version/1.1",
            title: &self.scope.title,
            home_page_url: self.abs(&self.scope.page_url),
            feed_url: self.feed_url("feed.json"),
            description: &self.site.config.description,
            language: &self.site.config.language,
        };
        let items: Vec<&str> = self.entries().map(|e| e.json.as_str()).collect();
        json_feed(&head, &items)
    }
}

fn updated_of(b: &Briefing) -> &Date {
    b.updated.as_ref().unwrap_or(&b.date)
}

/// The fields of a JSON feed before its `items`, in the order they are
/// printed.
#[derive(Serialize)]
struct JsonHead<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'a str,
}

/// One JSON Feed item.
#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<&'a str>,
    title: &'a str,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    date_published: String,
    date_modified: String,
    authors: Vec<JsonAuthor<'a>>,
    tags: Vec<&'a str>,
}

/// An author of a JSON Feed item.
#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// RFC 2822 date, as RSS wants it.
fn rfc2822(date: &Date) -> String {
    date.zoned.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// Makes the site's root-relative links in rendered HTML absolute, since a
/// feed reader shows the content away from the site.
pub fn absolutize(config: &crate::config::Config, html: &str) -> String {
    if !config.has_base_url {
        return html.to_owned();
    }
    // Links already carry the base path: prefix only scheme and host.
    let origin = config
        .base_url
        .strip_suffix(config.base_path.as_str())
        .unwrap_or(&config.base_url);
    prefix_root_links(html, origin)
}

/// `html` with `origin` put before the `/` of every `href="/` and
/// `src="/`. One pass finds both: no occurrence of one can overlap one of
/// the other, and the origin (scheme and host of a parsed URL) holds no
/// quote that could make a new one.
fn prefix_root_links(html: &str, origin: &str) -> String {
    const LINK: &str = "=\"/";
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    for (at, _) in html.match_indices(LINK) {
        let before = &html[..at];
        if before.ends_with("href") || before.ends_with("src") {
            let slash = at + LINK.len() - 1;
            out.push_str(&html[copied..slash]);
            out.push_str(origin);
            copied = slash;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests;
