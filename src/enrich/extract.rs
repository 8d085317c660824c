//! Metadata written in the body: the blocks that become key points, the
//! takeaway, the source and the author, found in the Markdown events.
//!
//! Only top-level blocks are considered. A block promoted to metadata is
//! listed in [`Extraction::removed`] so that rendering skips it and nothing
//! shows twice.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

/// Headings whose first list holds the key points (compared case-insensitively,
/// trailing colon ignored).
const KEY_POINT_HEADINGS: &[&str] = &[
    "key points",
    "what changed",
    "key takeaways",
    "takeaways",
    "tl;dr",
    "tldr",
    "tl;dr:",
    "the key points",
];

/// The lead-in that marks the takeaway paragraph.
const TAKEAWAY_LEAD: &str = "in simple terms";

/// What was found in the body.
#[derive(Debug, Default)]
pub struct Extraction {
    /// Raw Markdown of each key point item, marker stripped, with the item's
    /// byte range in the body.
    pub key_points: Vec<(String, Range<usize>)>,
    /// The takeaway, plain text, lead-in removed.
    pub takeaway: Option<String>,
    /// A source URL from a `Source:` line or a closing bare URL.
    pub source: Option<String>,
    /// An author from an `Author: Name` line.
    pub author: Option<String>,
    /// Event index ranges of the blocks to leave out of the rendered body.
    pub removed: Vec<Range<usize>>,
    /// Plain text of the first paragraph that stays in the body.
    pub first_paragraph: Option<String>,
}

/// What the caller already has from front matter; those are not looked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    /// Look for key points.
    pub key_points: bool,
    /// Look for the takeaway.
    pub takeaway: bool,
    /// Look for a source line.
    pub source: bool,
    /// Look for an author line.
    pub author: bool,
}

impl Wanted {
    /// Everything: nothing was given in front matter.
    pub fn all() -> Self {
        Wanted {
            key_points: true,
            takeaway: true,
            source: true,
            author: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum BlockKind {
    Heading(HeadingLevel),
    Paragraph,
    List,
    Other,
}

#[derive(Debug)]
struct Block {
    kind: BlockKind,
    /// Indices into the event list, end exclusive.
    events: Range<usize>,
    /// Plain text of headings and paragraphs (empty for other blocks, whose
    /// text no rule reads).
    text: String,
}

/// Finds the metadata blocks of a body.
pub fn extract(events: &[(Event<'_>, Range<usize>)], body: &str, wanted: Wanted) -> Extraction {
    let blocks = top_level_blocks(events);
    let mut out = Extraction::default();
    if wanted.key_points {
        key_points(&blocks, events, body, &mut out);
    }
    if wanted.takeaway {
        takeaway(&blocks, &mut out);
    }
    if wanted.source {
        source(&blocks, events, &mut out);
    }
    if wanted.author {
        author(&blocks, &mut out);
    }
    out.removed.sort_by_key(|r| r.start);
    out.first_paragraph = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph && !is_removed(&out.removed, &b.events))
        .map(|b| b.text.trim().to_owned())
        .find(|t| !t.is_empty());
    out
}

/// The events that remain once the removed blocks are left out.
pub fn without_removed<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    removed: &[Range<usize>],
) -> Vec<(Event<'a>, Range<usize>)> {
    if removed.is_empty() {
        return events;
    }
    events
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !removed.iter().any(|r| r.contains(i)))
        .map(|(_, e)| e)
        .collect()
}

/// The byte ranges of the body that the removed blocks span (promoted to
/// metadata), sorted.
pub fn promoted_ranges(
    events: &[(Event<'_>, Range<usize>)],
    removed: &[Range<usize>],
) -> Vec<Range<usize>> {
    let mut cuts: Vec<Range<usize>> = removed
        .iter()
        .filter_map(|r| {
            let evs = events.get(r.clone())?;
            let start = evs.iter().map(|(_, b)| b.start).min()?;
            let end = evs.iter().map(|(_, b)| b.end).max()?;
            Some(start..end)
        })
        .collect();
    cuts.sort_by_key(|r| r.start);
    cuts
}

/// The body's Markdown with the `promoted` ranges cut out (for the Markdown
/// twin of a briefing, which carries them as front matter instead).
pub fn remaining_markdown(body: &str, promoted: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for cut in promoted {
        if cut.start >= at {
            out.push_str(body.get(at..cut.start).unwrap_or_default());
            at = cut.end;
        }
    }
    out.push_str(body.get(at..).unwrap_or_default());
    // Cutting blocks leaves runs of blank lines behind.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        blank = if line.trim().is_empty() { blank + 1 } else { 0 };
        if blank <= 1 {
            tidy.push_str(line);
            tidy.push('\n');
        }
    }
    // Trimmed in place: the body is too long to copy again.
    let end = tidy.trim_end().len();
    tidy.truncate(end);
    let start = tidy.len() - tidy.trim_start().len();
    tidy.drain(..start);
    tidy
}

fn is_removed(removed: &[Range<usize>], events: &Range<usize>) -> bool {
    removed
        .iter()
        .any(|r| r.start <= events.start && events.end <= r.end)
}

fn top_level_blocks(events: &[(Event<'_>, Range<usize>)]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(BlockKind, usize, String)> = None;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let (kind, source_len) = match tag {
                        Tag::Heading { level, .. } => (BlockKind::Heading(*level), range.len()),
                        Tag::Paragraph => (BlockKind::Paragraph, range.len()),
                        Tag::List(_) => (BlockKind::List, 0),
                        _ => (BlockKind::Other, 0),
                    };
                    // A kept text is about as long as its source.
                    current = Some((kind, i, String::with_capacity(source_len)));
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((kind, start, text)) = current.take()
                {
                    blocks.push(Block {
                        kind,
                        events: start..i + 1,
                        text,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(text) = kept_text(&mut current) {
                    text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(text) = kept_text(&mut current) {
                    text.push(' ');
                }
            }
            // Top-level raw HTML, rules and the like are blocks of their own.
            _ if depth == 0 => blocks.push(Block {
                kind: BlockKind::Other,
                events: i..i + 1,
                text: String::new(),
            }),
            _ => {}
        }
    }
    blocks
}

/// The text collected for the open block, when it is a heading or a
/// paragraph: no rule reads the text of the others.
fn kept_text(current: &mut Option<(BlockKind, usize, String)>) -> Option<&mut String> {
    match current {
        Some((BlockKind::Heading(_) | BlockKind::Paragraph, _, text)) => Some(text),
        _ => None,
    }
}

fn heading_matches(text: &str, names: &[&str]) -> bool {
    let norm = text.trim().trim_end_matches(':').trim().to_lowercase();
    names.contains(&norm.as_str())
}

fn key_points(
    blocks: &[Block],
    events: &[(Event<'_>, Range<usize>)],
    body: &str,
    out: &mut Extraction,
) {
    let Some(h) = blocks.iter().position(|b| {
        matches!(b.kind, BlockKind::Heading(_)) && heading_matches(&b.text, KEY_POINT_HEADINGS)
    }) else {
        return;
    };
    let BlockKind::Heading(level) = blocks[h].kind else {
        return;
    };
    // The section runs to the next heading of the same or a higher level.
    let end = blocks[h + 1..]
        .iter()
        .position(|b| matches!(b.kind, BlockKind::Heading(l) if l <= level))
        .map_or(blocks.len(), |p| h + 1 + p);
    let section = &blocks[h + 1..end];
    let Some(list_at) = section.iter().position(|b| b.kind == BlockKind::List) else {
        return;
    };
    let list = &section[list_at];
    out.key_points = list_items(&events[list.events.clone()], body);
    if out.key_points.is_empty() {
        return;
    }
    out.removed.push(list.events.clone());
    if section.len() == 1 {
        out.removed.push(blocks[h].events.clone());
    }
}

/// Source text of each item of the list whose events are given, marker and
/// line indentation removed.
fn list_items(events: &[(Event<'_>, Range<usize>)], body: &str) -> Vec<(String, Range<usize>)> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Item) => {
                if depth == 1 {
                    let text = body.get(range.clone()).unwrap_or_default();
                    let item = strip_marker(text);
                    if !item.is_empty() {
                        items.push((item, range.clone()));
                    }
                }
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Item) | Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    items
}

fn strip_marker(item: &str) -> String {
    let trimmed = item.trim_start();
    let rest = if let Some(rest) = trimmed.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = trimmed.len()
            - trimmed
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        trimmed[digits..]
            .strip_prefix(['.', ')'])
            .unwrap_or(trimmed)
    };
    rest.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn takeaway(blocks: &[Block], out: &mut Extraction) {
    for (i, block) in blocks.iter().enumerate() {
        if block.kind == BlockKind::Paragraph && starts_with_lead(&block.text) {
            out.takeaway = Some(strip_lead(&block.text));
            out.removed.push(block.events.clone());
            return;
        }
        let is_heading = matches!(block.kind, BlockKind::Heading(_));
        if is_heading
            && heading_matches(&block.text, &[TAKEAWAY_LEAD])
            && let Some(next) = blocks.get(i + 1).filter(|b| b.kind == BlockKind::Paragraph)
        {
            out.takeaway = Some(capitalize(next.text.trim()));
            out.removed.push(block.events.start..next.events.end);
            return;
        }
    }
}

fn starts_with_lead(text: &str) -> bool {
    let t = text.trim_start();
    t.get(..TAKEAWAY_LEAD.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(TAKEAWAY_LEAD))
}

fn strip_lead(text: &str) -> String {
    let t = text.trim_start();
    let rest = t[TAKEAWAY_LEAD.len()..].trim_start_matches([',', ':', ';', '—', '–', '-', ' ']);
    capitalize(rest.trim())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn source(blocks: &[Block], events: &[(Event<'_>, Range<usize>)], out: &mut Extraction) {
    for block in blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
        let Some(rest) = strip_label(&block.text, "source") else {
            continue;
        };
        let url = link_in(&events[block.events.clone()]).or_else(|| bare_url(rest));
        if let Some(url) = url {
            out.source = Some(url);
            out.removed.push(block.events.clone());
            return;
        }
    }
    // A closing paragraph that is nothing but a URL is the source too.
    if let Some(last) = blocks.last().filter(|b| b.kind == BlockKind::Paragraph)
        && let Some(url) = bare_url(&last.text)
    {
        out.source = Some(url);
        out.removed.push(last.events.clone());
    }
}

fn author(blocks: &[Block], out: &mut Extraction) {
    for block in blocks.iter().filter(|b| b.kind == BlockKind::Paragraph) {
        if let Some(name) = strip_label(&block.text, "author")
            && !name.is_empty()
            && name.chars().count() <= 100
        {
            out.author = Some(name.to_owned());
            out.removed.push(block.events.clone());
            return;
        }
    }
}

/// The text after `Label:` when the paragraph starts with it.
fn strip_label<'t>(text: &'t str, label: &str) -> Option<&'t str> {
    let t = text.trim();
    let head = t.get(..label.len())?;
    if !head.eq_ignore_ascii_case(label) {
        return None;
    }
    t[label.len()..].strip_prefix(':').map(str::trim)
}

fn link_in(events: &[(Event<'_>, Range<usize>)]) -> Option<String> {
    events.iter().find_map(|(e, _)| match e {
        Event::Start(Tag::Link { dest_url, .. }) if is_http(dest_url) => Some(dest_url.to_string()),
        _ => None,
    })
}

fn bare_url(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches('<').trim_end_matches('>');
    (is_http(t) && !t.contains(char::is_whitespace)).then(|| t.to_owned())
}

fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn run(body: &str) -> (Extraction, String) {
        let events: Vec<_> = Parser::new_ext(body, Options::all())
            .into_offset_iter()
            .collect();
        let all = Wanted::all();
        let ex = extract(&events, body, all);
        let kept = without_removed(events, &ex.removed);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, kept.into_iter().map(|(e, _)| e));
        (ex, html)
    }

    fn points(ex: &Extraction) -> Vec<&str> {
        ex.key_points.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn key_points_from_the_what_changed_list() {
        let body = "Intro.\n\n## What changed\n\n- **End of exclusivity:** any cloud.\n- Plain point\n  on two lines.\n\n## Why\n\nBecause.\n";
        let (ex, html) = run(body);
        assert_eq!(
            points(&ex),
            [
                "**End of exclusivity:** any cloud.",
                "Plain point on two lines."
            ]
        );
        assert!(!html.contains("What changed"), "{html}");
        assert!(!html.contains("exclusivity"), "{html}");
        assert!(html.contains("<h2>Why</h2>"), "{html}");
    }

    #[test]
    fn heading_stays_when_its_section_has_more_than_the_list() {
        let body = "## Key points:\n\nSome context.\n\n1. One\n2. Two\n";
        let (ex, html) = run(body);
        assert_eq!(points(&ex), ["One", "Two"]);
        assert!(html.contains("Key points"), "{html}");
        assert!(!html.contains("<li>"), "{html}");
    }

    #[test]
    fn only_the_first_matching_heading_counts() {
        let body = "## TL;DR\n\n- a\n\n## Key takeaways\n\n- b\n";
        let (ex, html) = run(body);
        assert_eq!(points(&ex), ["a"]);
        assert!(html.contains("<li>b</li>"), "{html}");
    }

    #[test]
    fn remaining_markdown_cuts_promoted_blocks() {
        let body =
            "Intro.\n\n## What changed\n\n- a\n- b\n\n## Why\n\nIn simple terms, x.\n\nEnd.\n";
        let events: Vec<_> = Parser::new_ext(body, Options::all())
            .into_offset_iter()
            .collect();
        let all = Wanted::all();
        let ex = extract(&events, body, all);
        assert_eq!(
            remaining_markdown(body, &promoted_ranges(&events, &ex.removed)),
            "Intro.\n\n## Why\n\nEnd."
        );
    }

    #[test]
    fn takeaway_paragraph_is_promoted() {
        let body = "First paragraph.\n\nIn simple terms, OpenAI can sell anywhere.\n";
        let (ex, html) = run(body);
        assert_eq!(ex.takeaway.as_deref(), Some("OpenAI can sell anywhere."));
        assert!(!html.contains("simple terms"), "{html}");
        assert_eq!(ex.first_paragraph.as_deref(), Some("First paragraph."));
    }

    #[test]
    fn takeaway_under_its_own_heading() {
        let (ex, html) = run("## In simple terms\n\nthe deal is open.\n\nMore.\n");
        assert_eq!(ex.takeaway.as_deref(), Some("The deal is open."));
        assert_eq!(html, "<p>More.</p>\n");
    }

    #[test]
    fn source_and_author_lines() {
        let body = "Body.\n\nSource: [OpenAI](https://openai.com/index/x)\n\nAuthor: Jane Doe\n";
        let (ex, html) = run(body);
        assert_eq!(ex.source.as_deref(), Some("https://openai.com/index/x"));
        assert_eq!(ex.author.as_deref(), Some("Jane Doe"));
        assert_eq!(html, "<p>Body.</p>\n");
    }

    #[test]
    fn closing_bare_url_is_the_source() {
        let (ex, html) = run("Body.\n\nhttps://example.com/news\n");
        assert_eq!(ex.source.as_deref(), Some("https://example.com/news"));
        assert_eq!(html, "<p>Body.</p>\n");
        // A URL in the middle of the body is left alone.
        let (ex, _) = run("https://example.com/a\n\nBody.\n");
        assert_eq!(ex.source, None);
    }

    #[test]
    fn unsafe_source_links_are_not_promoted() {
        let (ex, _) = run("Source: [x](javascript:alert(1))\n");
        assert_eq!(ex.source, None);
    }

    #[test]
    fn nothing_wanted_nothing_removed() {
        let body = "## Key points\n\n- a\n\nIn simple terms, b.\n";
        let events: Vec<_> = Parser::new_ext(body, Options::all())
            .into_offset_iter()
            .collect();
        let ex = extract(&events, body, Wanted::default());
        assert!(ex.removed.is_empty());
        assert!(ex.key_points.is_empty() && ex.takeaway.is_none());
    }
}
