//! GFM alert adapter: `> [!NOTE]` and friends become a titled box instead of
//! a block quote.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::SpannedEvent;

/// Replace alert block quotes (pulldown-cmark has already recognised the
/// `[!KIND]` marker) with `<div class="markdown-alert …">` and a title.
pub(crate) fn render(events: &mut [SpannedEvent<'_>]) {
    for (event, _) in events {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = names(*kind);
                *event = Event::Html(
                    format!(
                        "<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\">\n\
                         <p class=\"markdown-alert-title\">{title}</p>\n"
                    )
                    .into(),
                );
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                *event = Event::Html(CowStr::Borrowed("</div>\n"));
            }
            _ => {}
        }
    }
}

/// The class suffix and the visible title of an alert kind.
fn names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    fn html(body: &str) -> String {
        let mut events = parse(body, &Options::default());
        render(&mut events);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        html
    }

    #[test]
    fn every_kind_gets_a_titled_box() {
        assert_eq!(
            html("> [!WARNING]\n> Check the *date*.\n"),
            "<div class=\"markdown-alert markdown-alert-warning\" role=\"note\">\n\
             <p class=\"markdown-alert-title\">Warning</p>\n\
             <p>Check the <em>date</em>.</p>\n</div>\n"
        );
        for (marker, class, title) in [
            ("NOTE", "note", "Note"),
            ("tip", "tip", "Tip"),
            ("IMPORTANT", "important", "Important"),
            ("CAUTION", "caution", "Caution"),
        ] {
            let out = html(&format!("> [!{marker}]\n> x\n"));
            assert!(
                out.starts_with(&format!(
                    "<div class=\"markdown-alert markdown-alert-{class}\""
                )),
                "{out}"
            );
            assert!(out.contains(&format!(">{title}</p>")), "{out}");
        }
    }

    #[test]
    fn plain_quotes_and_nested_alerts() {
        assert_eq!(
            html("> quote\n"),
            "<blockquote>\n<p>quote</p>\n</blockquote>\n"
        );
        let nested = html("> outer\n>\n> > [!TIP]\n> > inner\n");
        assert!(
            nested.starts_with(
                "<blockquote>\n<p>outer</p>\n<div class=\"markdown-alert markdown-alert-tip\""
            ),
            "{nested}"
        );
        assert!(
            nested.ends_with("<p>inner</p>\n</div>\n</blockquote>\n"),
            "{nested}"
        );
    }
}
