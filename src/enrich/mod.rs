//! Stage 3, derive: from a parsed file to a complete [`Briefing`] (or page,
//! company profile, story intro), with everything the author did not write
//! inferred: key points, takeaway, source, author, summary, word count,
//! reading time, table of contents, companies.

pub mod companies;
pub mod extract;
pub mod sections;
pub mod text;

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::ZonedDateTime as Zoned;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::{self, Highlighter, LinkResolver, Rendered, TocEntry};
use crate::render::view::DateView;
use crate::source::SourceFile;
use crate::source::frontmatter::Parsed;
use crate::source::schema::{BriefingMatter, RawDate, resolve_date};
use companies::CompanyMatcher;
use extract::{Extraction, Wanted};

/// The result of enriching one file: the item and its warnings, or every
/// diagnostic (errors and warnings) when it has errors.
pub type Enriched<T> = Result<(T, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Splits collected diagnostics into the result: `Err` when any is an error.
pub fn conclude<T>(item: impl FnOnce() -> Option<T>, diags: Vec<Diagnostic>) -> Enriched<T> {
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    match item() {
        Some(item) => Ok((item, diags)),
        None => Err(diags),
    }
}

/// What every page's enrichment shares: loaded once per build.
pub struct Env<'a> {
    /// Site configuration.
    pub config: &'a Config,
    /// Markdown options from the config.
    pub markdown: markdown::Options,
    /// The syntax set.
    pub highlighter: &'a Highlighter,
    /// URLs of the other content files.
    pub resolver: &'a dyn LinkResolver,
    /// Company names and aliases.
    pub companies: &'a CompanyMatcher,
    /// The build's notion of "now", for scheduling.
    pub now: jiff::Timestamp,
}

/// A date with its display forms.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Date {
    /// The date in the site's time zone.
    pub zoned: Zoned,
    /// Forms for templates.
    pub view: DateView,
}

impl Date {
    fn new(zoned: Zoned) -> Self {
        Date {
            view: text::date_view(&zoned),
            zoned,
        }
    }
}

/// One key point.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KeyPoint {
    /// The bold lead-in, without its colon.
    pub label: Option<String>,
    /// The point as inline HTML.
    pub html: String,
    /// The point as plain text, label included (for search and feeds).
    pub text: String,
}

/// A source the briefing is based on.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// Absolute http(s) URL.
    pub url: String,
    /// Title, or the URL's host when none was given.
    pub title: String,
    /// Publisher, if given.
    pub publisher: Option<String>,
}

/// One entry of the visible update history.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Update {
    /// When.
    pub date: Date,
    /// What changed.
    pub note: String,
}

/// Where a content item came from, for messages after this stage.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The file (not kept in the build cache: the build has just read it).
    #[serde(skip)]
    pub file: SourceFile,
    /// Byte span of each front-matter value.
    pub spans: BTreeMap<String, Range<usize>>,
    /// Span of the opening front-matter delimiter.
    pub opening: Range<usize>,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

impl Origin {
    fn new<T>(file: &SourceFile, parsed: &Parsed<T>) -> Self {
        Origin {
            file: file.clone(),
            spans: parsed.spans.clone(),
            opening: parsed.opening.clone(),
            body_offset: parsed.body_offset,
        }
    }

    /// An error at a front-matter key's value (or the opening line when absent).
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let span = self
            .spans
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.opening.clone());
        Diagnostic::error_at(&self.file.display_path, self.file.text(), span, message)
    }

    /// An error at a byte range of the body.
    pub fn error_in_body(&self, range: &Range<usize>, message: impl Into<String>) -> Diagnostic {
        let span = range.start + self.body_offset..range.end + self.body_offset;
        Diagnostic::error_at(&self.file.display_path, self.file.text(), span, message)
    }
}

/// A briefing, complete: every field the templates and feeds need.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Briefing {
    /// Where it came from.
    pub origin: Origin,
    /// Title.
    pub title: String,
    /// URL slug.
    pub slug: String,
    /// Site-relative URL (`/base/briefings/slug/`).
    pub url: String,
    /// Publication date.
    pub date: Date,
    /// Last update.
    pub updated: Option<Date>,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// Sources, primary first.
    pub sources: Vec<Source>,
    /// Key points.
    pub key_points: Vec<KeyPoint>,
    /// The "in simple terms" line.
    pub takeaway: Option<String>,
    /// Plain-text summary, at most 160 characters.
    pub summary: String,
    /// Tags as written (deduplicated).
    pub tags: Vec<String>,
    /// Company names (profile names where a profile exists).
    pub companies: Vec<String>,
    /// Story slug.
    pub story: Option<String>,
    /// Draft flag.
    pub draft: bool,
    /// Dated after the build's "now".
    pub scheduled: bool,
    /// Visible update history, oldest first.
    pub updates: Vec<Update>,
    /// Front matter's `extra`.
    #[serde(with = "json_text")]
    pub extra: serde_json::Value,
    /// Rendered body and what rendering learned about it.
    pub body: Rendered,
    /// Byte ranges of the body holding the blocks promoted to metadata (key
    /// points, takeaway…), sorted: see [`Briefing::body_markdown`].
    pub promoted: Vec<Range<usize>>,
    /// Reading time in minutes.
    pub reading_minutes: usize,
    /// What this briefing was enriched from, when the build knows it:
    /// two briefings with the same digest are the same in every field, so
    /// a page showing one can be keyed by its digest instead of its
    /// content. Set by the build, never stored.
    #[serde(skip)]
    pub digest: Option<crate::render::Key>,
    /// The body's HTML as the build cache holds it, for a briefing taken
    /// from the cache or written to it (whose `body.html` is then empty):
    /// see [`Briefing::html`].
    #[serde(skip)]
    pub cached_html: Option<crate::cache::Stored>,
    /// The briefing's entry of the search index, as JSON, for a briefing
    /// taken from the cache (whose `body.plain_text` is then empty): see
    /// `output::search::entry_json`.
    #[serde(skip)]
    pub search_entry: Option<crate::cache::SharedStr>,
}

impl Briefing {
    /// The body as HTML, safe to embed in a page. Reading it back from the
    /// build cache can fail; the error names the briefing.
    pub fn html(&self) -> std::io::Result<std::borrow::Cow<'_, str>> {
        let Some(html) = &self.cached_html else {
            return Ok(std::borrow::Cow::Borrowed(&self.body.html));
        };
        html.text().map_err(|err| {
            std::io::Error::other(format!(
                "could not read the body of `{}` back from the build cache ({err}); build again",
                self.origin.file.display_path.display()
            ))
        })
    }

    /// The body's Markdown without the blocks promoted to metadata (made
    /// from the file when asked for, rather than kept for every briefing).
    pub fn body_markdown(&self) -> String {
        extract::remaining_markdown(parsed_body(&self.origin), &self.promoted)
    }
}

/// A JSON value kept as its text, for encodings that cannot describe
/// themselves (the build cache).
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        value.to_string().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Most tags, companies or authors one briefing may list. Each term gets a
/// page and feeds that list the briefing with all its terms, so the output
/// grows with the square of this number; honest briefings list a handful.
pub const MAX_TERMS: usize = 100;

/// Enriches one parsed briefing. `slug` and `url` were decided when every
/// file's URL was known.
pub fn briefing(
    file: &SourceFile,
    parsed: Parsed<BriefingMatter>,
    slug: String,
    url: String,
    env: &Env<'_>,
) -> Enriched<Briefing> {
    let origin = Origin::new(file, &parsed);
    let mut errors = Vec::new();
    let fm = parsed.matter;
    let tz = &env.config.timezone;
    let mut date_of = |key: &str, raw: &RawDate| match resolve_date(raw.as_str(), tz) {
        Ok(z) => Some(Date::new(z)),
        Err(msg) => {
            errors.push(origin.error_at_key(key, msg));
            None
        }
    };
    let date = date_of("date", &fm.date);
    let updated = fm.updated.as_ref().and_then(|d| date_of("updated", d));
    let updates: Vec<Update> = fm
        .updates
        .iter()
        .filter_map(|u| {
            date_of("updates", &u.date).map(|date| Update {
                date,
                note: u.note.clone(),
            })
        })
        .collect();
    if fm.title.trim().is_empty() {
        errors.push(origin.error_at_key("title", "the title is empty"));
    }
    for (key, count) in [
        ("tags", fm.tags.len()),
        ("companies", fm.companies.len()),
        ("authors", fm.authors.len()),
    ] {
        if count > MAX_TERMS {
            let msg = format!("{count} {key} is too many: a briefing may list at most {MAX_TERMS}");
            errors.push(origin.error_at_key(key, msg));
        }
    }
    let mut sources = front_matter_sources(&fm, &origin, &mut errors);

    let body_text = parsed_body(&origin);
    let events = markdown::parse(body_text, &env.markdown);
    let mut authors: Vec<String> = fm
        .author
        .iter()
        .chain(&fm.authors)
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    let wanted = Wanted {
        key_points: fm.key_points.is_empty(),
        takeaway: fm.takeaway.is_none(),
        source: sources.is_empty(),
        author: authors.is_empty(),
    };
    let found: Extraction = extract::extract(&events, body_text, wanted);
    let promoted = extract::promoted_ranges(&events, &found.removed);
    let events = extract::without_removed(events, &found.removed);
    let body = render_body(events, &origin, env, &mut errors);

    if let Some(url) = &found.source {
        let parsed = url::Url::parse(url).ok();
        let host = parsed.as_ref().and_then(url::Url::host_str);
        sources.push(source_from_url(url, host, None, None));
    }
    authors.extend(found.author.clone());
    if authors.is_empty() {
        authors.extend(env.config.author.clone());
    }
    let key_points = if fm.key_points.is_empty() {
        let points = found
            .key_points
            .iter()
            .map(|(text, range)| (text.as_str(), Some(range)));
        key_points(points, &origin, env, &mut errors)
    } else {
        let points = fm.key_points.iter().map(|text| (text.as_str(), None));
        key_points(points, &origin, env, &mut errors)
    };
    let takeaway = fm
        .takeaway
        .clone()
        .or(found.takeaway.clone())
        .map(|t| t.trim().to_owned());
    let summary = match &fm.summary {
        Some(s) => text::summary(s),
        None => text::summary(
            found
                .first_paragraph
                .as_deref()
                .or(takeaway.as_deref())
                .unwrap_or(&fm.title),
        ),
    };
    let companies = companies_of(&fm, &body, env);
    // After this stage only the search index reads the plain text, and only
    // its beginning: the rest is not kept (nor cached).
    let mut body = body;
    text::truncate_chars(&mut body.plain_text, crate::output::search::BODY_CHARS + 1);

    let item = move || {
        let date = date?;
        Some(Briefing {
            title: fm.title.trim().to_owned(),
            slug,
            url,
            scheduled: date.zoned.timestamp() > env.now,
            date,
            updated,
            authors: dedup(authors),
            sources,
            key_points,
            takeaway,
            summary,
            tags: dedup(
                fm.tags
                    .iter()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect(),
            ),
            companies,
            story: fm
                .story
                .as_ref()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            draft: fm.draft,
            updates,
            extra: serde_json::Value::Object(fm.extra),
            reading_minutes: text::reading_minutes(body.word_count, env.config.words_per_minute),
            body,
            promoted,
            origin,
            digest: None,
            cached_html: None,
            search_entry: None,
        })
    };
    conclude(item, errors)
}

/// The body of a parsed file.
pub fn parsed_body(origin: &Origin) -> &str {
    origin
        .file
        .text()
        .get(origin.body_offset..)
        .unwrap_or_default()
}

/// Renders body events, turning rendering problems into diagnostics.
pub fn render_body(
    events: Vec<(pulldown_cmark::Event<'_>, Range<usize>)>,
    origin: &Origin,
    env: &Env<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Rendered {
    let rendered = markdown::render(markdown::RenderInput {
        events,
        content_path: &origin.file.content_path,
        resolver: env.resolver,
        highlighter: env.highlighter,
        options: &env.markdown,
    });
    for problem in &rendered.problems {
        let diag = origin.error_in_body(&problem.range, problem.message.clone());
        errors.push(if problem.warning {
            diag.warning()
        } else {
            diag
        });
    }
    rendered
}

fn front_matter_sources(
    fm: &BriefingMatter,
    origin: &Origin,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let mut out = Vec::new();
    let single = fm
        .source
        .iter()
        .map(|url| ("source", url.as_str(), None, None));
    let listed = fm.sources.iter().map(|s| {
        (
            "sources",
            s.url.as_str(),
            s.title.as_deref(),
            s.publisher.as_deref(),
        )
    });
    for (key, url, title, publisher) in single.chain(listed) {
        match url::Url::parse(url.trim()) {
            Ok(parsed)
                if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() =>
            {
                out.push(source_from_url(
                    url.trim(),
                    parsed.host_str(),
                    title,
                    publisher,
                ));
            }
            _ => errors.push(origin.error_at_key(
                key,
                format!("source URL must be an absolute http(s) URL, not `{url}`"),
            )),
        }
    }
    out
}

/// A source at `url`, whose `host` (parsed by the caller, `www.` dropped)
/// is its title when it has none.
fn source_from_url(
    url: &str,
    host: Option<&str>,
    title: Option<&str>,
    publisher: Option<&str>,
) -> Source {
    Source {
        url: url.to_owned(),
        title: title
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .or_else(|| host.map(|h| h.trim_start_matches("www.")))
            .unwrap_or(url)
            .to_owned(),
        publisher: publisher
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
    }
}

/// Key points from their Markdown text, with the body range of each when it
/// came from the body (for messages; front-matter points point at the key).
fn key_points<'p>(
    points: impl Iterator<Item = (&'p str, Option<&'p Range<usize>>)>,
    origin: &Origin,
    env: &Env<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<KeyPoint> {
    points
        .map(|(point, range)| {
            let (label, rest) = text::split_label(point);
            let path = &origin.file.content_path;
            let rendered = markdown::render_inline_in(rest, &env.markdown, path, env.resolver);
            for p in rendered.problems {
                let diag = match range {
                    Some(range) => origin.error_in_body(range, p.message),
                    None => origin.error_at_key("key_points", p.message),
                };
                errors.push(if p.warning { diag.warning() } else { diag });
            }
            let text = match &label {
                Some(label) => format!("{label}: {}", rendered.text),
                None => rendered.text,
            };
            KeyPoint {
                label,
                html: rendered.html,
                text,
            }
        })
        .collect()
}

fn companies_of(fm: &BriefingMatter, body: &Rendered, env: &Env<'_>) -> Vec<String> {
    let mut names: Vec<String> = fm
        .companies
        .iter()
        .map(|c| {
            env.companies
                .canonical(c)
                .map_or_else(|| c.trim().to_owned(), str::to_owned)
        })
        .filter(|c| !c.is_empty())
        .collect();
    for text in [fm.title.as_str(), body.plain_text.as_str()] {
        names.extend(env.companies.mentions(text).into_iter().map(str::to_owned));
    }
    dedup(names)
}

/// Removes repeated entries, keeping the first.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(i.to_lowercase()))
        .collect()
}

/// Nested table-of-contents entries, for views.
pub type Toc = Vec<TocEntry>;
