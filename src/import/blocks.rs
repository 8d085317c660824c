//! The top-level blocks of a Markdown body, with their byte ranges, so that
//! inference can look at paragraphs, headings and lists and cut or rewrite
//! them in the source text without re-rendering the rest.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// What a top-level block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A heading of this level (1–6).
    Heading(u8),
    /// A paragraph.
    Paragraph,
    /// A bulleted or numbered list.
    List,
    /// Anything else (code, quote, table, rule, HTML).
    Other,
}

/// One top-level block.
#[derive(Debug, Clone)]
pub struct Block {
    /// What it is.
    pub kind: Kind,
    /// Its bytes in the body, from its first character to the start of the
    /// next block (so cutting it also cuts the blank lines after it).
    pub range: Range<usize>,
    /// Its own bytes, without the blank lines after it.
    pub own: Range<usize>,
    /// Plain text of a heading or paragraph (inline markup removed).
    pub text: String,
    /// For a heading: the bytes of its inline content (no `#` markers).
    pub inline: Range<usize>,
    /// For a list: each item's Markdown, marker removed, on one line.
    pub items: Vec<String>,
}

/// The top-level blocks of `body`, in order.
pub fn parse(body: &str) -> Vec<Block> {
    let options = crate::markdown::parser_options(&crate::markdown::Options::default());
    let mut blocks: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    blocks.push(start_block(&tag, range.clone()));
                } else if let Some(block) = blocks.last_mut() {
                    inner_start(block, &tag, range.clone(), depth, body);
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(block) = blocks.last_mut()
                    && matches!(end, TagEnd::Heading(_))
                    && block.inline.is_empty()
                {
                    block.inline = block.own.end..block.own.end;
                }
            }
            Event::Text(text) | Event::Code(text) | Event::InlineHtml(text) => {
                if let Some(block) = blocks.last_mut().filter(|_| depth > 0) {
                    block.text.push_str(&text);
                    extend_inline(block, &range);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(block) = blocks.last_mut().filter(|_| depth > 0) {
                    block.text.push(' ');
                }
            }
            Event::Html(_) | Event::Rule if depth == 0 => {
                blocks.push(start_block(&Tag::HtmlBlock, range));
            }
            _ => {}
        }
    }
    // Each block reaches to the next one, and the last to the end.
    let starts: Vec<usize> = blocks.iter().skip(1).map(|b| b.own.start).collect();
    for (block, next) in blocks
        .iter_mut()
        .zip(starts.into_iter().chain([body.len()]))
    {
        block.range = block.own.start..next.max(block.own.end);
        block.text = block.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    blocks
}

fn start_block(tag: &Tag<'_>, range: Range<usize>) -> Block {
    let kind = match tag {
        Tag::Heading { level, .. } => Kind::Heading(*level as u8),
        Tag::Paragraph => Kind::Paragraph,
        Tag::List(_) => Kind::List,
        _ => Kind::Other,
    };
    Block {
        kind,
        range: range.clone(),
        own: range,
        text: String::new(),
        inline: 0..0,
        items: Vec::new(),
    }
}

fn inner_start(block: &mut Block, tag: &Tag<'_>, range: Range<usize>, depth: usize, body: &str) {
    if block.kind == Kind::List && depth == 1 && matches!(tag, Tag::Item) {
        block.items.push(item_markdown(&body[range.clone()]));
    }
    if matches!(block.kind, Kind::Heading(_)) {
        extend_inline(block, &range);
    }
}

fn extend_inline(block: &mut Block, range: &Range<usize>) {
    if !matches!(block.kind, Kind::Heading(_)) {
        return;
    }
    block.inline = if block.inline.is_empty() {
        range.clone()
    } else {
        block.inline.start.min(range.start)..block.inline.end.max(range.end)
    };
}

/// A list item's Markdown without its marker, joined onto one line.
fn item_markdown(raw: &str) -> String {
    let raw = raw.trim_start();
    let rest = if let Some(rest) = raw.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
        raw[digits..].strip_prefix(['.', ')']).unwrap_or(raw)
    };
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text of a Markdown fragment: what a reader sees, markup removed.
pub fn plain(markdown: &str) -> String {
    let options = crate::markdown::parser_options(&crate::markdown::Options::default());
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_ranges_text_and_items() {
        let body = "# Title *here*\n\nA *para*\nwrapped.\n\n- **A:** one\n- two\n  more\n\n```\ncode\n```\n";
        let blocks = parse(body);
        let kinds: Vec<_> = blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            [Kind::Heading(1), Kind::Paragraph, Kind::List, Kind::Other]
        );
        assert_eq!(&body[blocks[0].inline.clone()], "Title *here*");
        assert_eq!(blocks[0].text, "Title here");
        assert_eq!(&body[blocks[0].range.clone()], "# Title *here*\n\n");
        assert_eq!(blocks[1].text, "A para wrapped.");
        assert_eq!(blocks[2].items, ["**A:** one", "two more"]);
        assert_eq!(blocks[3].range.end, body.len());
    }

    #[test]
    fn numbered_items_lose_their_marker() {
        let blocks = parse("1. first\n2) second\n");
        assert_eq!(blocks[0].items, ["first"]);
        assert_eq!(blocks[1].items, ["second"]);
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain("In *short*, [it](https://x.org) `works`."),
            "In short, it works."
        );
    }
}
