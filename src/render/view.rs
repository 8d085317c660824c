//! Typed template contexts: what each theme template receives.
//!
//! Views borrow from the [`Site`](crate::site::Site); nothing here copies the
//! whole site into a page's context. Every string is plain text unless its
//! field name ends in `_html`, which holds HTML that `briefing` produced
//! (Markdown output, sanitized unless the site opts out); templates print
//! those with `| safe` and everything else escaped.

use crate::enrich::Briefing;
use serde::Serialize;

/// Site-wide values, present in every template as `site`.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// One-sentence description of the site.
    pub description: &'a str,
    /// Language tag for `<html lang>`.
    pub language: &'a str,
    /// Absolute base URL with a trailing slash (`https://example.com/briefings/`).
    pub base_url: &'a str,
    /// Path part of the base URL with a trailing slash (`/briefings/`); every
    /// internal link starts with it.
    pub base_path: &'a str,
    /// Main navigation.
    pub nav: &'a [LinkView<'a>],
    /// Published URL of the theme stylesheet (content-hashed name).
    pub stylesheet: &'a str,
    /// Subresource Integrity value of the stylesheet.
    pub stylesheet_integrity: &'a str,
    /// Published URL of the syntax-highlighting stylesheet.
    pub highlight_stylesheet: &'a str,
    /// Subresource Integrity value of the highlighting stylesheet.
    pub highlight_integrity: &'a str,
    /// Copyright or footer line.
    pub footer: &'a str,
    /// The `[extra]` table of `briefing.toml`.
    pub extra: &'a serde_json::Value,
}

/// A link: text and URL (site-relative, starting with `site.base_path`).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView<'a> {
    /// Link text.
    pub name: &'a str,
    /// URL.
    pub url: &'a str,
}

/// A link with a count, for taxonomy indexes.
#[derive(Debug, Serialize)]
pub struct TermView<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL of the term's page.
    pub url: &'a str,
    /// Number of briefings.
    pub count: usize,
}

/// A date as the templates need it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct DateView {
    /// ISO 8601 / RFC 3339, for `<time datetime>` and machine use.
    pub iso: String,
    /// Human form: "26 November 2026".
    pub display: String,
    /// Short form: "26 Nov 2026".
    pub short: String,
}

/// A briefing's [`CardView`], made once per build and shared by every list
/// that shows it: templates receive the card's fields (converted to a
/// template value the first time a page that shows it is rendered); a
/// page's key (see [`super::sink`]) receives only the card's own key,
/// computed once.
#[derive(Debug)]
pub struct Card<'a> {
    view: CardView<'a>,
    /// The card as a template value (cheap to share: Tera values are
    /// reference-counted).
    value: std::sync::OnceLock<tera::Value>,
    /// Fingerprint of the card's view.
    key: super::Key,
}

impl<'a> Card<'a> {
    /// The card of `view`.
    pub fn new(view: CardView<'a>) -> Self {
        let mut h = super::sink::Hasher::new(0);
        h.value(&view);
        Card {
            key: h.finish(),
            view,
            value: std::sync::OnceLock::new(),
        }
    }
}

impl Serialize for Card<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Tera's value serializer is human-readable and takes the value as
        // it is; the compact encoding page keys are hashed from is not, and
        // takes the key.
        if serializer.is_human_readable() {
            self.value
                .get_or_init(|| {
                    // Strings, numbers and lists of them always convert.
                    tera::Value::try_from_serializable(&self.view)
                        .unwrap_or_else(|_| tera::Value::none())
                })
                .serialize(serializer)
        } else {
            self.key.serialize(serializer)
        }
    }
}

/// One briefing as shown in a list (home, tag, company, author pages).
#[derive(Debug, Serialize)]
pub struct CardView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL of the briefing page.
    pub url: &'a str,
    /// Publication date.
    pub date: &'a DateView,
    /// Plain-text summary (≤ 160 characters).
    pub summary: &'a str,
    /// The one-line takeaway, if any.
    pub takeaway: Option<&'a str>,
    /// Authors.
    pub authors: Vec<LinkView<'a>>,
    /// Companies.
    pub companies: Vec<LinkView<'a>>,
    /// Tags.
    pub tags: Vec<LinkView<'a>>,
    /// Reading time in minutes (at least 1).
    pub reading_minutes: usize,
    /// Whether the briefing is a draft (only visible with `--drafts`).
    pub draft: bool,
    /// Whether the briefing is dated in the future (only visible with `--future`).
    pub scheduled: bool,
}

/// One key point: an optional bold label and its text.
#[derive(Debug, Serialize)]
pub struct KeyPointView<'a> {
    /// The lead-in ("End of exclusivity"), without the colon.
    pub label: Option<&'a str>,
    /// The point as inline HTML (emphasis, code and links kept).
    pub text_html: &'a str,
}

/// A source the briefing is based on.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// Absolute URL.
    pub url: &'a str,
    /// Title of the source, or the URL's host when none was given.
    pub title: &'a str,
    /// Publisher, if known.
    pub publisher: Option<&'a str>,
}

/// An entry of the visible update history.
#[derive(Debug, Serialize)]
pub struct UpdateView<'a> {
    /// When.
    pub date: &'a DateView,
    /// What changed.
    pub note: &'a str,
}

/// One heading in the table of contents, with its subheadings.
#[derive(Debug, Serialize)]
pub struct TocView<'a> {
    /// Heading level (2–6).
    pub level: u8,
    /// Anchor id.
    pub id: &'a str,
    /// Plain-text title.
    pub title: &'a str,
    /// Nested headings.
    pub children: Vec<TocView<'a>>,
}

/// Where a briefing sits in its story thread.
#[derive(Debug, Serialize)]
pub struct StoryPlaceView<'a> {
    /// Story title.
    pub title: &'a str,
    /// URL of the story timeline.
    pub url: &'a str,
    /// 1-based position of this briefing in the story (oldest first).
    pub position: usize,
    /// Number of briefings in the story.
    pub total: usize,
    /// The briefing before this one in the story.
    pub previous: Option<LinkView<'a>>,
    /// The briefing after this one in the story.
    pub next: Option<LinkView<'a>>,
}

/// Everything a briefing page shows.
#[derive(Debug, Serialize)]
pub struct BriefingView<'a> {
    /// Title.
    pub title: &'a str,
    /// URL of this page.
    pub url: &'a str,
    /// Publication date.
    pub date: &'a DateView,
    /// Last update, if any.
    pub updated: Option<&'a DateView>,
    /// Authors, each linking to an author page.
    pub authors: Vec<LinkView<'a>>,
    /// Reading time in minutes (at least 1).
    pub reading_minutes: usize,
    /// Word count of the body.
    pub word_count: usize,
    /// Plain-text summary.
    pub summary: &'a str,
    /// Key points, in order.
    pub key_points: Vec<KeyPointView<'a>>,
    /// The "in simple terms" takeaway, plain text.
    pub takeaway: Option<&'a str>,
    /// The body as HTML.
    pub content_html: BodyHtml<'a>,
    /// Table of contents of the body.
    pub toc: Vec<TocView<'a>>,
    /// Sources, primary first.
    pub sources: Vec<SourceView<'a>>,
    /// Companies named, each linking to its company page.
    pub companies: Vec<LinkView<'a>>,
    /// Tags.
    pub tags: Vec<LinkView<'a>>,
    /// Place in the story thread, if the briefing belongs to one.
    pub story: Option<StoryPlaceView<'a>>,
    /// Newer briefing (site-wide order).
    pub newer: Option<LinkView<'a>>,
    /// Older briefing (site-wide order).
    pub older: Option<LinkView<'a>>,
    /// Visible update history, oldest first.
    pub updates: Vec<UpdateView<'a>>,
    /// Draft marker.
    pub draft: bool,
    /// Scheduled (future-dated) marker.
    pub scheduled: bool,
    /// The front matter's `extra` table.
    pub extra: &'a serde_json::Value,
}

/// Pagination of a list.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    /// 1-based current page.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// URL of the previous (newer) page.
    pub previous_url: Option<String>,
    /// URL of the next (older) page.
    pub next_url: Option<String>,
}

/// One entry of a story timeline.
#[derive(Debug, Serialize)]
pub struct TimelineEntryView<'a> {
    /// The briefing.
    pub briefing: CardView<'a>,
}

/// A company profile.
#[derive(Debug, Serialize)]
pub struct CompanyView<'a> {
    /// Display name.
    pub name: &'a str,
    /// URL of the company page.
    pub url: &'a str,
    /// Other names the company is known by.
    pub aliases: &'a [String],
    /// Homepage URL, if given.
    pub homepage: Option<&'a str>,
    /// One-line summary, if given.
    pub summary: Option<&'a str>,
    /// The profile body as HTML (empty when the company has no profile file).
    pub content_html: &'a str,
}

/// Context of `index.html` (home and `/page/N/`).
#[derive(Debug, Serialize)]
pub struct IndexContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// Briefings on this page, newest first.
    pub briefings: Vec<&'a Card<'a>>,
    /// Page navigation.
    pub pagination: PaginationView,
}

/// Context of `briefing.html`.
#[derive(Debug, Serialize)]
pub struct BriefingContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// The briefing.
    pub briefing: BriefingView<'a>,
}

/// Context of `terms.html`: the tag index and the company index.
#[derive(Debug, Serialize)]
pub struct TermsContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// "Tags" or "Companies".
    pub heading: &'a str,
    /// `tags` or `companies`.
    pub taxonomy: &'a str,
    /// Terms with counts, sorted by name.
    pub terms: Vec<TermView<'a>>,
}

/// Context of `tag.html` and `author.html`: a named list of briefings.
#[derive(Debug, Serialize)]
pub struct TermContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// The tag or author name.
    pub name: &'a str,
    /// Folder of this page's feeds (`/base/tags/ai/`: `atom.xml`, `rss.xml`
    /// and `feed.json` are in it), when it has feeds.
    pub feed_dir: Option<String>,
    /// How many briefings it has, on all its pages.
    pub count: usize,
    /// The briefings on this page, newest first
    /// (`paginate_lists` of them at most).
    pub briefings: Vec<&'a Card<'a>>,
    /// Page navigation: page 1 is the tag's or author's URL, page N
    /// is below it at `page/N/`.
    pub pagination: PaginationView,
}

/// Context of `company.html`.
#[derive(Debug, Serialize)]
pub struct CompanyContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// The profile.
    pub company: CompanyView<'a>,
    /// Folder of this company's feeds.
    pub feed_dir: String,
    /// How many briefings name the company, on all its pages.
    pub count: usize,
    /// The briefings on this page that name the company, newest first
    /// (`paginate_lists` of them at most).
    pub briefings: Vec<&'a Card<'a>>,
    /// Page navigation: page 1 is the company's URL, page N is below it
    /// at `page/N/`.
    pub pagination: PaginationView,
}

/// Context of `story.html`.
#[derive(Debug, Serialize)]
pub struct StoryContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// Story title.
    pub title: &'a str,
    /// Plain-text summary, if given.
    pub summary: Option<&'a str>,
    /// The intro body as HTML.
    pub content_html: &'a str,
    /// The story's briefings, oldest first.
    pub timeline: Vec<&'a Card<'a>>,
}

/// Context of `stories.html`: every story thread.
#[derive(Debug, Serialize)]
pub struct StoriesContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// Stories with their briefing counts, most recently active first.
    pub stories: Vec<TermView<'a>>,
}

/// Context of `page.html` (standalone pages such as About).
#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// Page title.
    pub title: &'a str,
    /// Plain-text summary, for the meta description.
    pub summary: &'a str,
    /// Body as HTML.
    pub content_html: &'a str,
    /// Table of contents.
    pub toc: Vec<TocView<'a>>,
    /// The front matter's `extra` table.
    pub extra: &'a serde_json::Value,
}

/// Context of `404.html`.
#[derive(Debug, Serialize)]
pub struct NotFoundContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of the home page.
    pub canonical: String,
    /// Always empty: a missing page has no structured data.
    pub json_ld: String,
    /// The latest briefings, to offer somewhere to go.
    pub briefings: Vec<&'a Card<'a>>,
}

/// Context of `search.html`.
#[derive(Debug, Serialize)]
pub struct SearchContext<'a> {
    /// Site values.
    pub site: &'a SiteView<'a>,
    /// Canonical URL of this page.
    pub canonical: String,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element
    /// (print with `| safe`); empty when the page has none.
    pub json_ld: String,
    /// URL of the search index (`search-index.json`).
    pub index_url: String,
    /// URL of the search script.
    pub script_url: String,
    /// Subresource Integrity value of the search script.
    pub script_integrity: String,
}

/// A briefing's body as HTML, read (from the build cache, perhaps) only
/// when its page is printed: a body that cannot be read fails the page.
#[derive(Debug)]
pub struct BodyHtml<'a>(pub &'a Briefing);

impl Serialize for BodyHtml<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.html() {
            Ok(html) => serializer.serialize_str(&html),
            Err(err) => Err(serde::ser::Error::custom(err)),
        }
    }
}
