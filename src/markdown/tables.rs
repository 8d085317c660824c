//! Table adapter: tables scroll sideways on narrow screens
//! (`<div class="table-wrap">`), and column alignment is a class
//! (`align-left`, `align-center`, `align-right`) rather than the inline
//! `style` pulldown-cmark writes, which sanitizing would strip and a strict
//! Content-Security-Policy would block.

use pulldown_cmark::{Alignment, CowStr, Event, Tag, TagEnd};

use super::SpannedEvent;

/// Render every table's structure as HTML; cell contents stay events.
pub(crate) fn render(events: &mut [SpannedEvent<'_>]) {
    let mut alignments: Vec<Alignment> = Vec::new();
    let mut in_head = false;
    let mut cell = 0;
    for (event, _) in events {
        let html: &'static str = match event {
            Event::Start(Tag::Table(columns)) => {
                alignments = std::mem::take(columns);
                "<div class=\"table-wrap\">\n<table>\n"
            }
            Event::End(TagEnd::Table) => "</tbody>\n</table>\n</div>\n",
            Event::Start(Tag::TableHead) => {
                in_head = true;
                cell = 0;
                "<thead>\n<tr>"
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                "</tr>\n</thead>\n<tbody>\n"
            }
            Event::Start(Tag::TableRow) => {
                cell = 0;
                "<tr>"
            }
            Event::End(TagEnd::TableRow) => "</tr>\n",
            Event::Start(Tag::TableCell) => {
                let alignment = alignments.get(cell).copied().unwrap_or(Alignment::None);
                cell += 1;
                open_cell(in_head, alignment)
            }
            Event::End(TagEnd::TableCell) if in_head => "</th>",
            Event::End(TagEnd::TableCell) => "</td>",
            _ => continue,
        };
        *event = Event::Html(CowStr::Borrowed(html));
    }
}

fn open_cell(in_head: bool, alignment: Alignment) -> &'static str {
    match (in_head, alignment) {
        (true, Alignment::None) => "<th>",
        (true, Alignment::Left) => "<th class=\"align-left\">",
        (true, Alignment::Center) => "<th class=\"align-center\">",
        (true, Alignment::Right) => "<th class=\"align-right\">",
        (false, Alignment::None) => "<td>",
        (false, Alignment::Left) => "<td class=\"align-left\">",
        (false, Alignment::Center) => "<td class=\"align-center\">",
        (false, Alignment::Right) => "<td class=\"align-right\">",
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
    fn wrapped_with_alignment_classes() {
        assert_eq!(
            html(
                "| Company | Stake | Note |\n|:--|:-:|--:|\n| *OpenAI* | 49% |\n| MS | 27% | x |\n"
            ),
            "<div class=\"table-wrap\">\n<table>\n\
             <thead>\n<tr><th class=\"align-left\">Company</th><th class=\"align-center\">Stake</th>\
             <th class=\"align-right\">Note</th></tr>\n</thead>\n<tbody>\n\
             <tr><td class=\"align-left\"><em>OpenAI</em></td><td class=\"align-center\">49%</td>\
             <td class=\"align-right\"></td></tr>\n\
             <tr><td class=\"align-left\">MS</td><td class=\"align-center\">27%</td>\
             <td class=\"align-right\">x</td></tr>\n\
             </tbody>\n</table>\n</div>\n"
        );
    }

    #[test]
    fn head_only_and_two_tables() {
        let out = html("| a |\n|---|\n\ntext\n\n| b |\n|---|\n| 1 |\n");
        assert_eq!(
            out,
            "<div class=\"table-wrap\">\n<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody>\n\
             </tbody>\n</table>\n</div>\n<p>text</p>\n\
             <div class=\"table-wrap\">\n<table>\n<thead>\n<tr><th>b</th></tr>\n</thead>\n<tbody>\n\
             <tr><td>1</td></tr>\n</tbody>\n</table>\n</div>\n"
        );
    }
}
