//! Feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1, for the whole site and for
//! each tag and company. XML is written by hand with [`escape::xml`], which
//! also drops the control characters XML forbids, so any input gives a
//! well-formed feed.

use std::fmt::Write as _;

use serde::Serialize;

use crate::enrich::Briefing;
use crate::escape;
use crate::render::OutputFile;
use crate::site::Site;

/// One feed: which briefings, under which title, at which path.
pub struct Scope<'s> {
    /// Feed title.
    pub title: String,
    /// Folder below the site root, with a trailing slash (`""`, `tags/ai/`).
    pub folder: String,
    /// Site-relative URL of the page the feed belongs to.
    pub page_url: String,
    /// Briefings, newest first.
    pub briefings: Vec<&'s Briefing>,
}

/// Every feed scope of the site.
pub fn scopes(site: &Site) -> Vec<Scope<'_>> {
    let config = &site.config;
    let pick = |indices: &[usize]| {
        indices
            .iter()
            .map(|&i| &site.briefings[i])
            .collect::<Vec<_>>()
    };
    let mut out = vec![Scope {
        title: config.title.clone(),
        folder: String::new(),
        page_url: config.url(""),
        briefings: site.briefings.iter().collect(),
    }];
    for tag in &site.tags {
        out.push(Scope {
            title: format!("{}: {}", config.title, tag.name),
            folder: format!("tags/{}/", tag.slug),
            page_url: tag.url.clone(),
            briefings: pick(&tag.briefings),
        });
    }
    for entry in &site.companies {
        out.push(Scope {
            title: format!("{}: {}", config.title, entry.company.name),
            folder: format!("companies/{}/", entry.company.slug),
            page_url: entry.company.url.clone(),
            briefings: pick(&entry.briefings),
        });
    }
    out
}

/// The three feed files of every scope.
pub fn render(site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for scope in scopes(site) {
        let feed = Feed::new(site, &scope);
        files.push(OutputFile {
            path: format!("{}atom.xml", scope.folder),
            bytes: feed.atom().into_bytes(),
        });
        files.push(OutputFile {
            path: format!("{}rss.xml", scope.folder),
            bytes: feed.rss().into_bytes(),
        });
        files.push(OutputFile {
            path: format!("{}feed.json", scope.folder),
            bytes: feed.json().into_bytes(),
        });
    }
    files
}

struct Feed<'a> {
    site: &'a Site,
    scope: &'a Scope<'a>,
    items: &'a [&'a Briefing],
}

impl<'a> Feed<'a> {
    fn new(site: &'a Site, scope: &'a Scope<'a>) -> Self {
        let limit = site.config.feeds.limit.min(scope.briefings.len());
        Feed {
            site,
            scope,
            items: &scope.briefings[..limit],
        }
    }

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

    /// The entry's body: full HTML with absolute links, or the summary.
    fn content(&self, b: &Briefing) -> Option<String> {
        self.site
            .config
            .feeds
            .full_content
            .then(|| absolutize(&self.site.config, &b.body.html))
    }

    fn updated_of(b: &Briefing) -> &crate::enrich::Date {
        b.updated.as_ref().unwrap_or(&b.date)
    }

    /// Newest update among the entries; a fixed date for an empty feed, so
    /// that output never depends on the clock.
    fn updated_iso(&self) -> String {
        self.items
            .iter()
            .map(|b| Self::updated_of(b).zoned.timestamp())
            .max()
            .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |t| t.to_string())
    }

    fn atom(&self) -> String {
        let x = escape::xml;
        let mut out = String::with_capacity(4096);
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
             <title>{}</title>\n<subtitle>{}</subtitle>\n\
             <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n\
             <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n\
             <id>{}</id>\n<updated>{}</updated>\n<generator>briefing</generator>\n",
            x(&self.site.config.language),
            x(&self.scope.title),
            x(&self.site.config.description),
            x(&self.feed_url("atom.xml")),
            x(&self.abs(&self.scope.page_url)),
            x(&self.feed_url("atom.xml")),
            self.updated_iso(),
        );
        for b in self.items {
            let url = self.abs(&b.url);
            let _ = write!(
                out,
                "<entry>\n<title type=\"text\">{}</title>\n<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n\
                 <id>{}</id>\n<published>{}</published>\n<updated>{}</updated>\n",
                x(&b.title),
                x(&url),
                x(&url),
                b.date.zoned.timestamp(),
                Self::updated_of(b).zoned.timestamp(),
            );
            for a in &b.authors {
                // Every author has a page; the uri is omitted only if not.
                let uri = self
                    .site
                    .author(a)
                    .map(|t| format!("<uri>{}</uri>", x(&self.abs(&t.url))));
                let _ = writeln!(
                    out,
                    "<author><name>{}</name>{}</author>",
                    x(a),
                    uri.unwrap_or_default()
                );
            }
            for c in b.tags.iter().chain(&b.companies) {
                let _ = writeln!(out, "<category term=\"{}\"/>", x(c));
            }
            for s in &b.sources {
                let _ = writeln!(
                    out,
                    "<link href=\"{}\" rel=\"related\" title=\"{}\"/>",
                    x(&s.url),
                    x(&s.title)
                );
            }
            let _ = writeln!(out, "<summary type=\"text\">{}</summary>", x(&b.summary));
            if let Some(html) = self.content(b) {
                let _ = writeln!(out, "<content type=\"html\">{}</content>", x(&html));
            }
            out.push_str("</entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }

    fn rss(&self) -> String {
        let x = escape::xml;
        let mut out = String::with_capacity(4096);
        let last = self
            .items
            .first()
            .map(|b| rfc2822(&b.date))
            .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".to_owned());
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
             <description>{}</description>\n<language>{}</language>\n<lastBuildDate>{}</lastBuildDate>\n\
             <generator>briefing</generator>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            x(&self.scope.title),
            x(&self.abs(&self.scope.page_url)),
            // Readers take a channel description as HTML: escape the text
            // for HTML, then for XML.
            x(&x(if self.site.config.description.is_empty() {
                &self.scope.title
            } else {
                &self.site.config.description
            })),
            x(&self.site.config.language),
            last,
            x(&self.feed_url("rss.xml")),
        );
        for b in self.items {
            let url = self.abs(&b.url);
            let _ = write!(
                out,
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n",
                x(&b.title),
                x(&url),
                x(&url),
                rfc2822(&b.date),
            );
            for a in &b.authors {
                let _ = writeln!(out, "<dc:creator>{}</dc:creator>", x(a));
            }
            for c in b.tags.iter().chain(&b.companies) {
                let _ = writeln!(out, "<category>{}</category>", x(c));
            }
            if let Some(s) = b.sources.first() {
                let _ = writeln!(
                    out,
                    "<source url=\"{}\">{}</source>",
                    x(&s.url),
                    x(&s.title)
                );
            }
            // An item description is HTML to every reader: the summary is
            // text, so it is escaped for HTML before the XML escaping.
            let description = self.content(b).unwrap_or_else(|| x(&b.summary));
            let _ = writeln!(out, "<description>{}</description>", x(&description));
            out.push_str("</item>\n");
        }
        out.push_str("</channel>\n</rss>\n");
        out
    }

    fn json(&self) -> String {
        let items: Vec<JsonItem<'_>> = self
            .items
            .iter()
            .map(|b| JsonItem {
                id: self.abs(&b.url),
                url: self.abs(&b.url),
                external_url: b.sources.first().map(|s| s.url.as_str()),
                title: &b.title,
                summary: &b.summary,
                content_html: self.content(b),
                content_text: (!self.site.config.feeds.full_content).then_some(b.summary.as_str()),
                date_published: b.date.zoned.timestamp().to_string(),
                date_modified: Self::updated_of(b).zoned.timestamp().to_string(),
                authors: b
                    .authors
                    .iter()
                    .map(|a| JsonAuthor {
                        name: a,
                        url: self.site.author(a).map(|t| self.abs(&t.url)),
                    })
                    .collect(),
                tags: b
                    .tags
                    .iter()
                    .chain(&b.companies)
                    .map(String::as_str)
                    .collect(),
            })
            .collect();
        let feed = JsonFeed {
            version: "https://jsonfeed.org/version/1.1",
            title: &self.scope.title,
            home_page_url: self.abs(&self.scope.page_url),
            feed_url: self.feed_url("feed.json"),
            description: &self.site.config.description,
            language: &self.site.config.language,
            items,
        };
        let mut json = serde_json::to_string_pretty(&feed).unwrap_or_default();
        json.push('\n');
        json
    }
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'a str,
    items: Vec<JsonItem<'a>>,
}

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

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// RFC 2822 date, as RSS wants it.
fn rfc2822(date: &crate::enrich::Date) -> String {
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
    html.replace("href=\"/", &format!("href=\"{origin}/"))
        .replace("src=\"/", &format!("src=\"{origin}/"))
}
