//! Footnote adapter: numbered references with ids made from the note's name
//! (`fn-name`, `fnref-name`, unique in the page), definitions gathered into
//! a section at the end of the body, each with a link back to where it was
//! first referenced.
//!
//! pulldown-cmark's own rendering uses the raw label as the id (spaces and
//! all) and leaves each definition where it was written, which in an article
//! is usually mid-text.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::ids::{IdRegistry, slugify_id};
use super::{Problem, SpannedEvent, escape};

/// One defined footnote.
struct Note {
    number: usize,
    /// The definition's id.
    id: String,
    /// The first reference's id, when there is a reference.
    ref_id: Option<String>,
    /// Whether the first reference (which carries `ref_id`) is written.
    ref_written: bool,
}

/// A definition being read: its label (lowercased), its events so far, and
/// whether an earlier definition had the same label.
type OpenDefinition<'e> = (String, Vec<SpannedEvent<'e>>, bool);

/// Render footnote references in place and move definitions to the end.
///
/// A label defined twice keeps its first definition, as in GFM; the second
/// is dropped and reported, since two notes cannot share one id.
pub(crate) fn render(
    events: &mut Vec<SpannedEvent<'_>>,
    ids: &mut IdRegistry,
    problems: &mut Vec<Problem>,
) {
    let mut notes = number_notes(events, ids);
    if notes.is_empty() {
        return;
    }
    let mut definitions = Vec::new();
    let mut defined = HashSet::new();
    // Definitions being read; a stack only to stay balanced on odd input,
    // since the parser never nests them.
    let mut open: Vec<OpenDefinition<'_>> = Vec::new();
    events.retain_mut(|(event, range)| {
        match event {
            Event::FootnoteReference(name) => {
                let html = reference(&mut notes, name);
                *event = html;
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                let key = name.to_lowercase();
                let duplicate = !defined.insert(key.clone());
                if duplicate {
                    problems.push(Problem {
                        range: range.clone(),
                        warning: true,
                        message: format!("footnote `[^{name}]` is defined more than once; only the first definition is used"),
                    });
                }
                let html = definition_start(notes.get(&key));
                open.push((key, vec![(html, range.clone())], duplicate));
                return false;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((key, mut inner, false)) = open.pop() {
                    let note = notes.get(&key);
                    close_definition(note, &mut inner, range.clone());
                    definitions.push((note.map_or(usize::MAX, |note| note.number), inner));
                }
                return false;
            }
            _ => {}
        }
        let Some((_, inner, _)) = open.last_mut() else {
            return true;
        };
        inner.push((std::mem::replace(event, Event::Rule), range.clone()));
        false
    });
    // Unclosed definitions cannot come from the parser; keep their text anyway.
    definitions.extend(open.into_iter().map(|(_, inner, _)| (usize::MAX, inner)));
    definitions.sort_by_key(|(number, _)| *number);
    let end = events.last().map_or(0, |(_, range)| range.end);
    events.push((
        Event::Html(CowStr::Borrowed(
            "<section class=\"footnotes\" aria-label=\"Footnotes\">\n",
        )),
        end..end,
    ));
    events.extend(definitions.into_iter().flat_map(|(_, inner)| inner));
    events.push((Event::Html(CowStr::Borrowed("</section>\n")), end..end));
}

/// Number the defined footnotes in order of first appearance (reference or
/// definition, as pulldown-cmark does) and claim their ids. Labels match
/// case-insensitively, as in GFM.
fn number_notes(events: &[SpannedEvent<'_>], ids: &mut IdRegistry) -> HashMap<String, Note> {
    let mut order: Vec<(String, bool)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut defined = HashSet::new();
    for (event, _) in events {
        let (name, is_reference) = match event {
            Event::FootnoteReference(name) => (name, true),
            Event::Start(Tag::FootnoteDefinition(name)) => {
                defined.insert(name.to_lowercase());
                (name, false)
            }
            _ => continue,
        };
        let key = name.to_lowercase();
        let index = *seen.entry(key.clone()).or_insert_with(|| {
            order.push((key, false));
            order.len() - 1
        });
        order[index].1 |= is_reference;
    }
    // A reference whose definition was dropped (enrichment removes blocks)
    // gets no number: it has nothing to point to.
    order.retain(|(key, _)| defined.contains(key));
    let mut notes = HashMap::with_capacity(order.len());
    for (index, (key, referenced)) in order.into_iter().enumerate() {
        let slug = slugify_id(&key);
        let id = ids.claim(&format!("fn-{slug}"), false);
        let ref_id = referenced.then(|| ids.claim(&format!("fnref-{slug}"), false));
        let number = index + 1;
        let note = Note {
            number,
            id,
            ref_id,
            ref_written: false,
        };
        notes.insert(key, note);
    }
    notes
}

/// A reference: a superscript number linking to the note. Only the first
/// reference carries the id the note links back to.
fn reference<'e>(notes: &mut HashMap<String, Note>, name: &str) -> Event<'e> {
    let Some(note) = notes.get_mut(&name.to_lowercase()) else {
        // Its definition was removed: show the label as the author wrote it.
        return Event::Text(format!("[^{name}]").into());
    };
    let id_attr = match &note.ref_id {
        Some(ref_id) if !note.ref_written => format!(" id=\"{}\"", escape::html(ref_id)),
        _ => String::new(),
    };
    note.ref_written = true;
    Event::Html(
        format!(
            "<sup class=\"footnote-reference\"><a href=\"#{}\"{id_attr}>{}</a></sup>",
            escape::html(&note.id),
            note.number
        )
        .into(),
    )
}

/// The opening markup of a definition.
fn definition_start<'e>(note: Option<&Note>) -> Event<'e> {
    let Some(note) = note else {
        return Event::Html(CowStr::Borrowed("<div class=\"footnote-definition\">"));
    };
    let html = format!(
        "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{}</sup>",
        escape::html(&note.id),
        note.number
    );
    Event::Html(html.into())
}

/// Close a definition: a back link to the first reference (inside the last
/// paragraph, so it sits at the end of the text), then `</div>`.
fn close_definition(note: Option<&Note>, inner: &mut Vec<SpannedEvent<'_>>, range: Range<usize>) {
    if let Some(Note {
        number,
        ref_id: Some(ref_id),
        ..
    }) = note
    {
        let link = format!(
            " <a href=\"#{}\" class=\"footnote-backref\" aria-label=\"Back to reference {number}\">↩</a>",
            escape::html(ref_id)
        );
        let at = match inner.last() {
            Some((Event::End(TagEnd::Paragraph), _)) => inner.len() - 1,
            _ => inner.len(),
        };
        inner.insert(at, (Event::Html(link.into()), range.clone()));
    }
    inner.push((Event::Html(CowStr::Borrowed("</div>\n")), range));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    fn run(body: &str) -> (String, Vec<String>) {
        let mut events = parse(body, &Options::default());
        let mut ids = IdRegistry::default();
        let mut problems = Vec::new();
        render(&mut events, &mut ids, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        (html, ids.into_ids())
    }

    #[test]
    fn notes_move_to_the_end_with_back_links() {
        let (html, ids) = run("A[^one].\n\n[^one]: First.\n\nB.\n");
        assert_eq!(
            html,
            "<p>A<sup class=\"footnote-reference\"><a href=\"#fn-one\" id=\"fnref-one\">1</a></sup>.</p>\n\
             <p>B.</p>\n\
             <section class=\"footnotes\" aria-label=\"Footnotes\">\n\
             <div class=\"footnote-definition\" id=\"fn-one\"><sup class=\"footnote-definition-label\">1</sup>\n\
             <p>First. <a href=\"#fnref-one\" class=\"footnote-backref\" aria-label=\"Back to reference 1\">↩</a></p>\n\
             </div>\n</section>\n"
        );
        assert_eq!(ids, ["fn-one", "fnref-one"]);
    }

    #[test]
    fn numbered_by_first_appearance_and_sorted() {
        let body = "x[^b] y[^A] z[^b]\n\n[^a]: Alpha.\n\n[^b]: Beta.\n";
        let (html, ids) = run(body);
        assert!(html.starts_with(
            "<p>x<sup class=\"footnote-reference\"><a href=\"#fn-b\" id=\"fnref-b\">1</a></sup> \
             y<sup class=\"footnote-reference\"><a href=\"#fn-a\" id=\"fnref-a\">2</a></sup> \
             z<sup class=\"footnote-reference\"><a href=\"#fn-b\">1</a></sup></p>\n"
        ));
        let beta = html.find("id=\"fn-b\"").expect("beta note");
        let alpha = html.find("id=\"fn-a\"").expect("alpha note");
        assert!(beta < alpha, "{html}");
        assert_eq!(ids, ["fn-b", "fnref-b", "fn-a", "fnref-a"]);
    }

    #[test]
    fn unreferenced_notes_and_odd_labels() {
        let (html, ids) = run("Text.\n\n[^My Note!]: Unused.\n\n[^my-note]: Other.\n");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-my-note\">"));
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-my-note-1\">"));
        assert!(!html.contains("footnote-backref"));
        assert_eq!(ids, ["fn-my-note", "fn-my-note-1"]);
    }

    #[test]
    fn multi_block_notes_get_the_back_link_at_the_end() {
        let (html, _) = run("A[^n]\n\n[^n]: One.\n\n    ```\n    code\n    ```\n");
        assert!(
            html.ends_with(
                "<pre><code>code\n</code></pre>\n <a href=\"#fnref-n\" class=\"footnote-backref\" \
                 aria-label=\"Back to reference 1\">↩</a></div>\n</section>\n"
            ),
            "{html}"
        );
    }

    #[test]
    fn references_whose_note_was_dropped_stay_text() {
        let body = "A[^gone] and B[^kept].\n\n[^gone]: Removed.\n\n[^kept]: Kept.\n";
        let mut events = parse(body, &Options::default());
        // Enrichment drops whole top-level blocks, as here the definition.
        let block = events
            .iter()
            .find(|(event, _)| matches!(event, Event::Start(Tag::FootnoteDefinition(name)) if &**name == "gone"))
            .map(|(_, range)| range.clone())
            .expect("definition");
        events.retain(|(_, range)| !(block.start <= range.start && range.end <= block.end));
        let mut ids = IdRegistry::default();
        render(&mut events, &mut ids, &mut Vec::new());
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        assert!(html.starts_with("<p>A[^gone] and B<sup class=\"footnote-reference\"><a href=\"#fn-kept\" id=\"fnref-kept\">1</a></sup>.</p>\n"), "{html}");
        assert_eq!(ids.into_ids(), ["fn-kept", "fnref-kept"]);
    }

    #[test]
    fn a_second_definition_is_dropped_and_reported() {
        let body = "A[^a].\n\n[^a]: One.\n\n[^A]: Two.\n";
        let mut events = parse(body, &Options::default());
        let mut problems = Vec::new();
        render(&mut events, &mut IdRegistry::default(), &mut problems);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        assert!(html.contains("One."));
        assert!(!html.contains("Two."));
        assert_eq!(html.matches("id=\"fn-a\"").count(), 1);
        assert_eq!(
            problems,
            [Problem {
                range: 20..31,
                warning: true,
                message:
                    "footnote `[^A]` is defined more than once; only the first definition is used"
                        .into()
            }]
        );
    }

    #[test]
    fn no_footnotes_no_section() {
        let (html, ids) = run("Plain [^not a ref.\n");
        assert_eq!(html, "<p>Plain [^not a ref.</p>\n");
        assert!(ids.is_empty());
    }
}
