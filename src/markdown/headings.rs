//! Heading adapter: a unique id on every heading, a self-link anchor on
//! h2–h4, and the table of contents.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::ids::{IdRegistry, sanitize_explicit_id, slugify_id};
use super::{SpannedEvent, TocEntry, escape, text};

/// Give every heading an id (explicit `{#id}` kept, else the slug of its
/// text), add anchors, and return the table of contents.
///
/// Custom attributes (`{data-x=1}`) are written only when the site trusts raw
/// HTML: an attribute name such as `a/onclick` would otherwise smuggle in an
/// event handler.
pub(crate) fn render(
    events: &mut [SpannedEvent<'_>],
    ids: &mut IdRegistry,
    keep_attributes: bool,
) -> Vec<TocEntry> {
    reserve_explicit_ids(events, ids);
    let mut flat = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &mut events[start].0
        else {
            start += 1;
            continue;
        };
        let (level, id, classes, attrs) = (
            *level,
            id.take(),
            std::mem::take(classes),
            std::mem::take(attrs),
        );
        // Headings hold inline content only, so the first heading end closes it.
        let Some(len) = events[start..]
            .iter()
            .position(|(event, _)| matches!(event, Event::End(TagEnd::Heading(_))))
        else {
            break;
        };
        let end = start + len;
        let title = text::inline_text(&events[start + 1..end]);
        let explicit = id.as_deref().and_then(sanitize_explicit_id);
        let id = match explicit {
            Some(explicit) => ids.claim(&explicit, true),
            None => ids.claim(&slugify_id(&title), false),
        };
        let attrs = if keep_attributes { attrs } else { Vec::new() };
        events[start].0 = Event::Html(open_tag(level, &id, &classes, &attrs).into());
        events[end].0 = Event::Html(close_tag(level, &id).into());
        flat.push(TocEntry {
            level: level as u8,
            id,
            title,
            children: Vec::new(),
        });
        start = end + 1;
    }
    nest(flat)
}

/// Reserve every usable explicit id first, so that a heading early in the
/// page cannot take an id the author gave a later one.
fn reserve_explicit_ids(events: &[SpannedEvent<'_>], ids: &mut IdRegistry) {
    for (event, _) in events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event
            && let Some(id) = sanitize_explicit_id(id)
        {
            ids.reserve(&id);
        }
    }
}

type Attributes<'e> = [(CowStr<'e>, Option<CowStr<'e>>)];

fn open_tag(
    level: HeadingLevel,
    id: &str,
    classes: &[CowStr<'_>],
    attrs: &Attributes<'_>,
) -> String {
    let mut html = format!("<{level} id=\"{}\"", escape::html(id));
    if !classes.is_empty() {
        html.push_str(" class=\"");
        escape::push_html(&mut html, &classes.join(" "));
        html.push('"');
    }
    for (name, value) in attrs {
        html.push(' ');
        escape::push_html(&mut html, name);
        html.push_str("=\"");
        escape::push_html(&mut html, value.as_deref().unwrap_or(""));
        html.push('"');
    }
    html.push('>');
    html
}

/// The closing tag, after a self-link on h2–h4 (the levels a reader links
/// to). The anchor is hidden from assistive technology and from the tab
/// order: the heading text already says everything, and the `#` would only
/// be noise read aloud.
fn close_tag(level: HeadingLevel, id: &str) -> String {
    match level {
        HeadingLevel::H2 | HeadingLevel::H3 | HeadingLevel::H4 => format!(
            "<a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></{level}>\n",
            escape::html(id)
        ),
        _ => format!("</{level}>\n"),
    }
}

/// Turn headings in page order into a tree: each heading holds the deeper
/// ones after it. A page that starts at h3 and later has an h2 gets both at
/// the top level; nothing is dropped.
fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut roots = Vec::new();
    // The open path from a root down to the latest heading.
    let mut open: Vec<TocEntry> = Vec::new();
    for entry in flat {
        while open.last().is_some_and(|last| last.level >= entry.level) {
            close_last(&mut open, &mut roots);
        }
        open.push(entry);
    }
    while !open.is_empty() {
        close_last(&mut open, &mut roots);
    }
    roots
}

/// Move the deepest open entry into its parent, or into the roots.
fn close_last(open: &mut Vec<TocEntry>, roots: &mut Vec<TocEntry>) {
    let Some(done) = open.pop() else { return };
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None => roots.push(done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    fn run(body: &str, keep_attributes: bool) -> (String, Vec<TocEntry>, Vec<String>) {
        let mut events = parse(body, &Options::default());
        let mut ids = IdRegistry::default();
        let toc = render(&mut events, &mut ids, keep_attributes);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        (html, toc, ids.into_ids())
    }

    fn entry(level: u8, id: &str, title: &str, children: Vec<TocEntry>) -> TocEntry {
        TocEntry {
            level,
            id: id.into(),
            title: title.into(),
            children,
        }
    }

    #[test]
    fn ids_anchors_and_levels() {
        let (html, _, ids) = run("# Top\n\n## Café *crème*\n\n##### Deep\n", false);
        assert_eq!(
            html,
            "<h1 id=\"top\">Top</h1>\n\
             <h2 id=\"cafe-creme\">Café <em>crème</em><a class=\"anchor\" href=\"#cafe-creme\" \
             aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n\
             <h5 id=\"deep\">Deep</h5>\n"
        );
        assert_eq!(ids, ["top", "cafe-creme", "deep"]);
    }

    #[test]
    fn duplicates_are_numbered_and_never_take_an_explicit_id() {
        let body = "## Intro\n\n## Intro\n\n## Other {#intro-1}\n\n## Intro\n\n## Again {#intro}\n";
        let (_, _, ids) = run(body, false);
        // The explicit `intro` is reserved, so even the first "Intro" avoids it.
        assert_eq!(ids, ["intro-2", "intro-3", "intro-1", "intro-4", "intro"]);
    }

    #[test]
    fn explicit_ids_are_sanitized_and_attributes_dropped_unless_trusted() {
        let body = "## Title {#My_Id .wide onclick=alert(1)}\n\n## Bad {#a\"b}\n";
        let (html, _, ids) = run(body, false);
        assert_eq!(ids, ["My_Id", "a-b"]);
        assert!(
            html.starts_with("<h2 id=\"My_Id\" class=\"wide\">Title<a"),
            "{html}"
        );
        assert!(!html.contains("onclick"));
        let (html, _, _) = run(body, true);
        assert!(html.starts_with("<h2 id=\"My_Id\" class=\"wide\" onclick=\"alert(1)\">"));
    }

    #[test]
    fn empty_and_symbol_headings_get_section() {
        let (_, toc, ids) = run("## !!!\n\n##\n\n## 日本\n", false);
        assert_eq!(ids, ["section", "section-1", "section-2"]);
        assert_eq!(toc[1].title, "");
    }

    #[test]
    fn toc_nests_by_level() {
        let body = "### Early\n\n# Title\n\n## A\n\n### A.1\n\n#### A.1.a\n\n### A.2\n\n## B\n\n#### B deep\n";
        let (_, toc, _) = run(body, false);
        assert_eq!(
            toc,
            [
                entry(3, "early", "Early", vec![]),
                entry(
                    1,
                    "title",
                    "Title",
                    vec![
                        entry(
                            2,
                            "a",
                            "A",
                            vec![
                                entry(3, "a-1", "A.1", vec![entry(4, "a-1-a", "A.1.a", vec![])]),
                                entry(3, "a-2", "A.2", vec![]),
                            ]
                        ),
                        entry(2, "b", "B", vec![entry(4, "b-deep", "B deep", vec![])]),
                    ]
                ),
            ]
        );
    }

    #[test]
    fn toc_titles_skip_markup() {
        let (_, toc, _) = run("## The `o3` <b>model</b>\n", false);
        assert_eq!(toc[0].title, "The o3 model");
    }
}
