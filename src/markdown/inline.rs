//! Inline Markdown (a key point or takeaway written in front matter) to
//! inline HTML, with the same URL and raw-HTML rules as a body.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::links::{self, Targets};
use super::text::inline_text;
use super::{LinkResolver, Options, Problem, SpannedEvent, has_raw_html, parse, sanitize};

/// Inline Markdown to inline HTML with no `<p>` (or other block) wrapper.
///
/// The text is read as the inside of a paragraph: a leading `#`, `>`, `-` or
/// `1.` stays text rather than starting a heading, quote or list. Several
/// paragraphs are joined with a space. Links to `.md` files are left as
/// written, since there is no content file to resolve them from.
pub fn render_inline(text: &str, opts: &Options) -> String {
    let source = neutralize_block_start(text.trim());
    let events = parse(&source, opts);
    render_events(&source, events, opts, &Targets::Nowhere, &mut Vec::new())
}

/// Inline Markdown of a content file (a key point), rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineRendered {
    /// The HTML, as [`render_inline`] writes it, with links to other content
    /// files resolved.
    pub html: String,
    /// The visible text of the Markdown as written, trimmed: there a leading
    /// block marker is markup (`- a point` reads `a point`).
    pub text: String,
    /// Problems, with ranges relative to the trimmed Markdown.
    pub problems: Vec<Problem>,
}

/// [`render_inline`] for text that belongs to a content file (a key point):
/// links to other content files are resolved from `content_path`, and the
/// visible text and the problems come with the HTML.
pub fn render_inline_in(
    text: &str,
    opts: &Options,
    content_path: &str,
    resolver: &dyn LinkResolver,
) -> InlineRendered {
    let source = neutralize_block_start(text.trim());
    let events = parse(&source, opts);
    // Read before links are rewritten (an image's alt text is text). Most
    // text is trimmed and starts with no block marker: then one parse
    // serves both.
    let visible = if *source == *text {
        inline_text(&events)
    } else {
        inline_text(&parse(text, opts))
    };
    let mut problems = Vec::new();
    let targets = Targets::Site {
        content_path,
        resolver,
    };
    let html = render_events(&source, events, opts, &targets, &mut problems);
    InlineRendered {
        html,
        text: visible,
        problems,
    }
}

/// The inline HTML of `events`, parsed from `source`.
fn render_events(
    source: &str,
    mut events: Vec<SpannedEvent<'_>>,
    opts: &Options,
    targets: &Targets<'_>,
    problems: &mut Vec<Problem>,
) -> String {
    let needs_sanitizing = !opts.unsafe_html && has_raw_html(&events);
    links::rewrite(&mut events, targets, problems);
    let events = flatten(events);
    let mut html = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(event, _)| event));
    if needs_sanitizing {
        html = sanitize::clean(&html);
    }
    let kept = html.trim_end().len();
    html.truncate(kept);
    html
}

/// Escape the marker that would make `text` start a block (ATX heading,
/// block quote, list item), so that it reads as paragraph text.
fn neutralize_block_start(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let followed_by_space = |at: usize| bytes.get(at).is_none_or(|&b| b == b' ' || b == b'\t');
    let hashes = bytes.iter().take_while(|&&b| b == b'#').count();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let escape_at = match bytes.first() {
        Some(b'>') => Some(0),
        Some(b'#') if hashes <= 6 && followed_by_space(hashes) => Some(0),
        Some(b'-' | b'+' | b'*') if followed_by_space(1) => Some(0),
        Some(b'0'..=b'9')
            if digits <= 9
                && matches!(bytes.get(digits), Some(b'.' | b')'))
                && followed_by_space(digits + 1) =>
        {
            Some(digits)
        }
        _ => None,
    };
    match escape_at {
        // Markers are ASCII, so `at` is a char boundary.
        Some(at) => Cow::Owned(format!("{}\\{}", &text[..at], &text[at..])),
        None => Cow::Borrowed(text),
    }
}

/// Drop block structure and keep inline content, a space between blocks.
/// Code block text is kept as text; task markers and footnotes have no
/// meaning in one line and are dropped.
fn flatten(events: Vec<SpannedEvent<'_>>) -> Vec<SpannedEvent<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut pending_space = false;
    for (event, range) in events {
        let inline = match &event {
            Event::Start(tag) => !is_block(tag),
            Event::End(tag) => !is_block_end(*tag),
            Event::Rule | Event::TaskListMarker(_) | Event::FootnoteReference(_) => false,
            _ => true,
        };
        if !inline {
            pending_space |= matches!(event, Event::End(_) | Event::Rule);
            continue;
        }
        if std::mem::take(&mut pending_space) && !out.is_empty() {
            out.push((Event::Text(CowStr::Borrowed(" ")), range.clone()));
        }
        out.push((event, range));
    }
    out
}

fn is_block(tag: &Tag<'_>) -> bool {
    is_block_end(tag.to_end())
}

fn is_block_end(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(text: &str) -> String {
        render_inline(text, &Options::default())
    }

    #[test]
    fn no_paragraph_wrapper() {
        assert_eq!(
            inline("**End of exclusivity:** Microsoft *loses* `first refusal`"),
            "<strong>End of exclusivity:</strong> Microsoft <em>loses</em> <code>first refusal</code>"
        );
        assert_eq!(inline(""), "");
        assert_eq!(inline("a & b < c"), "a &amp; b &lt; c");
    }

    #[test]
    fn links_are_made_safe() {
        assert_eq!(
            inline("[ok](https://example.com) [bad](JaVaScRiPt:alert(1)) ![i](data:x)"),
            "<a href=\"https://example.com\">ok</a> <a href=\"#\">bad</a> \
             <img src=\"#\" alt=\"i\" loading=\"lazy\" />"
        );
        assert_eq!(inline("[x](other.md)"), "<a href=\"other.md\">x</a>");
    }

    #[test]
    fn raw_html_is_sanitized_unless_trusted() {
        assert_eq!(
            inline("Hi <img src=x onerror=alert(1)> <script>x</script>"),
            "Hi <img src=\"x\">"
        );
        let trusted = Options {
            unsafe_html: true,
            ..Options::default()
        };
        assert_eq!(
            render_inline("Hi <b onclick=x>b</b>", &trusted),
            "Hi <b onclick=x>b</b>"
        );
    }

    #[test]
    fn block_markers_stay_text() {
        assert_eq!(inline("# 1 priority"), "# 1 priority");
        assert_eq!(inline("> quoted"), "&gt; quoted");
        assert_eq!(inline("- not a list"), "- not a list");
        assert_eq!(inline("2025. A big year"), "2025. A big year");
        assert_eq!(inline("*emphasis* first"), "<em>emphasis</em> first");
        assert_eq!(inline("#hashtag"), "#hashtag");
    }

    #[test]
    fn a_content_file_gets_the_visible_text_too() {
        let resolver = |path: &str| (path == "2025/b.md").then(|| "/briefings/b/".to_owned());
        let point =
            |text: &str| render_inline_in(text, &Options::default(), "2025/a.md", &resolver);
        let rendered = point("See [*B*](b.md) and ![a chart](c.png) `now`");
        assert_eq!(
            rendered.html,
            "See <a href=\"/briefings/b/\"><em>B</em></a> and \
             <img src=\"c.png\" alt=\"a chart\" loading=\"lazy\" /> <code>now</code>"
        );
        assert_eq!(rendered.text, "See B and a chart now");
        assert!(rendered.problems.is_empty());
        // The HTML keeps a leading marker as text; the text reads it as markup.
        let rendered = point("- not a list\nreally ");
        assert_eq!(rendered.html, "- not a list\nreally");
        assert_eq!(rendered.text, "not a list really");
        let rendered = point("[gone](missing.md)");
        assert_eq!(rendered.html, "<a href=\"#\">gone</a>");
        assert_eq!(rendered.problems.len(), 1);
    }

    #[test]
    fn several_blocks_are_joined() {
        assert_eq!(inline("one\n\ntwo\n- three"), "one two three");
        assert_eq!(inline("line\nbreak"), "line\nbreak");
    }

    #[test]
    fn smart_punctuation_follows_options() {
        let smart = Options {
            smart_punctuation: true,
            ..Options::default()
        };
        assert_eq!(render_inline("\"It's\" -- ok...", &smart), "“It’s” – ok…");
        assert_eq!(inline("\"It's\" -- ok..."), "\"It's\" -- ok...");
    }
}
