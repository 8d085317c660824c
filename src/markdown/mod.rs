//! Stage 2, render: Markdown body -> HTML plus what later stages need to know
//! about it (table of contents, anchor ids, plain text, links, problems).
//!
//! The body is parsed once by [`parse`] into pulldown-cmark events with byte
//! offsets. Enrichment may drop whole blocks from that list (a `Source:` line
//! promoted to metadata), then [`render`] runs the events through one small
//! adapter per concern, in this order:
//!
//! 1. `text`: the visible plain text and word count, read before anything
//!    is rewritten;
//! 2. `nesting`: quotes and lists nested absurdly deep are flattened;
//! 3. `links`: link and image destinations made safe (`url_safety`),
//!    links to other content files resolved (`content_links`), images
//!    rendered with `loading="lazy"`;
//! 4. `headings`: unique heading ids (`ids`), self-link anchors, the
//!    table of contents;
//! 5. `footnotes`: stable footnote ids and back links, notes moved to the
//!    end of the body;
//! 6. `highlight`: fenced code through syntect's class-based HTML;
//! 7. `alerts` and `tables`: GFM alerts and scrollable tables;
//! 8. `pulldown_cmark::html::push_html` writes what is left, and
//!    `sanitize` cleans the result only when the body contained raw HTML
//!    that the site does not trust.
//!
//! Adapters inject their own markup as `Event::Html`, which the writer copies
//! verbatim; that is why every adapter escapes what it interpolates
//! (`escape`).

mod alerts;
mod content_links;
mod escape;
mod footnotes;
mod headings;
mod highlight;
mod ids;
mod inline;
mod links;
mod nesting;
mod sanitize;
mod tables;
mod text;
mod url_safety;

#[cfg(test)]
mod tests;

use std::ops::Range;

use pulldown_cmark::{Event, Parser};
use serde::{Deserialize, Serialize};

pub use highlight::Highlighter;
pub use ids::slugify_id;
pub use inline::{InlineRendered, render_inline, render_inline_in};

/// One parser event with the byte range of the source it came from, relative
/// to the body that was parsed.
pub type SpannedEvent<'e> = (Event<'e>, Range<usize>);

/// Markdown options from the site config.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Turn straight quotes into curly ones, `--` into dashes and `...` into
    /// an ellipsis.
    pub smart_punctuation: bool,
    /// Trust raw HTML written in Markdown and pass it through unchanged.
    /// Link and image URLs written in Markdown are checked either way.
    pub unsafe_html: bool,
}

/// pulldown-cmark options for a body: tables, footnotes, strikethrough, task
/// lists, heading attributes (`{#id .class}`), GFM alerts (`> [!NOTE]`), and
/// smart punctuation when the site asks for it.
///
/// Math and sub/superscript stay off: `$` and `~` are common in news text.
pub fn parser_options(opts: &Options) -> pulldown_cmark::Options {
    use pulldown_cmark::Options as O;
    let mut options = O::ENABLE_TABLES
        | O::ENABLE_FOOTNOTES
        | O::ENABLE_STRIKETHROUGH
        | O::ENABLE_TASKLISTS
        | O::ENABLE_HEADING_ATTRIBUTES
        | O::ENABLE_GFM;
    if opts.smart_punctuation {
        options |= O::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Parse a body once into events with byte offsets relative to `body`.
///
/// Enrichment inspects these events and may drop some top-level blocks
/// before handing them to [`render`].
pub fn parse<'a>(body: &'a str, opts: &Options) -> Vec<SpannedEvent<'a>> {
    Parser::new_ext(body, parser_options(opts))
        .into_offset_iter()
        .collect()
}

/// Resolves links between content files.
pub trait LinkResolver: Sync {
    /// `path` is relative to `content/`, normalised, with `/` separators,
    /// e.g. `"2025/other.md"`. Returns the site URL of that file
    /// (`"/base/briefings/other/"`), or `None` when there is no such file.
    fn resolve(&self, path: &str) -> Option<String>;
}

/// Any `Fn(&str) -> Option<String>` resolves links, e.g. a closure over the
/// site's map from content paths to URLs.
impl<F> LinkResolver for F
where
    F: Fn(&str) -> Option<String> + Sync,
{
    fn resolve(&self, path: &str) -> Option<String> {
        self(path)
    }
}

/// Everything [`render`] needs for one body.
pub struct RenderInput<'a, 'e> {
    /// The body's events from [`parse`], possibly with blocks removed.
    pub events: Vec<SpannedEvent<'e>>,
    /// This file, relative to `content/` (`"2025/a.md"`): the base for
    /// relative links to other content files.
    pub content_path: &'a str,
    /// Maps content files to their URLs.
    pub resolver: &'a dyn LinkResolver,
    /// The process-wide syntax set.
    pub highlighter: &'a Highlighter,
    /// The site's Markdown options.
    pub options: &'a Options,
}

/// A rendered body and what was learnt while rendering it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// The body as HTML, safe to embed in a page. Not part of the encoding:
    /// the build cache keeps it apart (see `build::reuse`).
    #[serde(skip)]
    pub html: String,
    /// Headings as a tree: each entry holds the deeper headings after it.
    pub toc: Vec<TocEntry>,
    /// Every id the body defines (headings, footnotes), for anchor checks.
    pub heading_ids: Vec<String>,
    /// The visible text, blocks separated by newlines; code blocks, raw HTML
    /// and image alt text excluded. For search and summaries. A briefing
    /// keeps only as much as its search entry shows. Not part of the
    /// encoding: the build cache keeps the search entry instead.
    #[serde(skip)]
    pub plain_text: String,
    /// Words in `plain_text`.
    pub word_count: usize,
    /// Every Markdown link and image target, after rewriting.
    pub links: Vec<LinkRef>,
    /// Every Markdown image, for lints such as "image without alt text".
    pub images: Vec<ImageRef>,
    /// Content problems found while rendering, in source order.
    pub problems: Vec<Problem>,
}

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// 1 for `<h1>` … 6 for `<h6>`.
    pub level: u8,
    /// The heading's id, unique in the page.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// The deeper headings that follow, up to the next heading of this level
    /// or higher.
    pub children: Vec<TocEntry>,
}

/// Whether a [`LinkRef`] came from a link or an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// `[text](url)`, `<url>` or a reference link.
    Link,
    /// `![alt](url)`.
    Image,
}

/// A link or image target as it appears in the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// The target after rewriting: a resolved content link, `#` for a link
    /// that was removed, `mailto:` for e-mail autolinks, otherwise as written.
    pub url: String,
    /// Where the link is in the body.
    pub range: Range<usize>,
    /// Link or image.
    pub kind: LinkKind,
}

/// An image as it appears in the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// The `src` after rewriting.
    pub src: String,
    /// The alt text; empty when the author wrote none.
    pub alt: String,
    /// Where the image is in the body.
    pub range: Range<usize>,
}

/// Something wrong with the content, found while rendering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The offending source, relative to the body.
    pub range: Range<usize>,
    /// Whether the page still renders correctly (an unsafe URL was removed,
    /// a duplicate footnote ignored) rather than being wrong.
    pub warning: bool,
    /// What is wrong, for `path:line:col: message`.
    pub message: String,
}

/// Render a body's events to HTML; see the module doc for the stages.
pub fn render(input: RenderInput<'_, '_>) -> Rendered {
    let RenderInput {
        mut events,
        content_path,
        resolver,
        highlighter,
        options,
    } = input;
    // Decided on the author's events, before adapters inject their own
    // (trusted) `Event::Html`.
    let needs_sanitizing = !options.unsafe_html && has_raw_html(&events);
    let plain_text = text::plain_text(&events);
    let word_count = text::word_count(&plain_text);
    let source_len = events.last().map_or(0, |(_, range)| range.end);
    nesting::bound(&mut events);

    let mut problems = Vec::new();
    let targets = links::Targets::Site {
        content_path,
        resolver,
    };
    let found = links::rewrite(&mut events, &targets, &mut problems);
    let mut ids = ids::IdRegistry::default();
    let toc = headings::render(&mut events, &mut ids, options.unsafe_html);
    footnotes::render(&mut events, &mut ids, &mut problems);
    highlight::code_blocks(&mut events, highlighter);
    alerts::render(&mut events);
    tables::render(&mut events);

    let mut html = String::with_capacity(source_len + source_len / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(event, _)| event));
    if needs_sanitizing {
        html = sanitize::clean(&html);
    }
    problems.sort_by_key(|problem| (problem.range.start, problem.range.end));
    Rendered {
        html,
        toc,
        heading_ids: ids.into_ids(),
        plain_text,
        word_count,
        links: found.links,
        images: found.images,
        problems,
    }
}

/// Whether the author wrote any raw HTML (blocks, inline tags, comments).
fn has_raw_html(events: &[SpannedEvent<'_>]) -> bool {
    events
        .iter()
        .any(|(event, _)| matches!(event, Event::Html(_) | Event::InlineHtml(_)))
}
