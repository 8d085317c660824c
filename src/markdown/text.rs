//! The visible text of a body, for search, summaries and word counts.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::SpannedEvent;

/// The visible text of `events`: blocks on their own lines, table cells
/// separated by spaces. Code blocks, image alt text, raw HTML, task markers
/// and footnote numbers are not text a reader reads as the article.
pub(crate) fn plain_text(events: &[SpannedEvent<'_>]) -> String {
    // The visible text is rarely longer than its source: one allocation.
    let source_len = events.last().map_or(0, |(_, range)| range.end);
    let mut text = String::with_capacity(source_len);
    // Depth inside content that is not prose; images and code can nest.
    let mut hidden = 0usize;
    for (event, _) in events {
        match event {
            Event::Start(tag) if is_hidden(tag) => hidden += 1,
            Event::End(tag) if is_hidden_end(*tag) => hidden = hidden.saturating_sub(1),
            _ if hidden > 0 => {}
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::End(TagEnd::TableCell) => text.push(' '),
            Event::Start(tag) if is_block(tag) => end_line(&mut text),
            Event::End(tag) if is_block_end(*tag) => end_line(&mut text),
            _ => {}
        }
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text
}

/// Words in `text`: whitespace-separated tokens with a letter or digit, so a
/// spaced dash or a bullet is not a word.
pub(crate) fn word_count(text: &str) -> usize {
    let mut words = 0;
    // The class of the last character that was whitespace or a letter or
    // digit: a word is counted at its first letter or digit.
    let mut last = Class::Space;
    // Byte by byte, so that ASCII costs a table lookup: a non-ASCII char is
    // decoded at its first byte, and its other bytes are passed over.
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        let class = if byte.is_ascii() {
            ASCII_CLASSES[usize::from(byte)]
        } else if is_char_start(byte) {
            let c = text[at..].chars().next().expect("a char starts here");
            Class::of(c)
        } else {
            Class::Other
        };
        if class == Class::Alphanumeric && last != Class::Alphanumeric {
            words += 1;
        }
        if class != Class::Other {
            last = class;
        }
    }
    words
}

/// What a character is to [`word_count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Alphanumeric,
    Other,
}

impl Class {
    /// The class of `c`, by the rules of `char`.
    fn of(c: char) -> Class {
        if c.is_whitespace() {
            Class::Space
        } else if c.is_alphanumeric() {
            Class::Alphanumeric
        } else {
            Class::Other
        }
    }
}

/// [`Class::of`] every ASCII character, looked up rather than worked out,
/// since [`word_count`] runs over every byte of every body.
const ASCII_CLASSES: [Class; 128] = {
    let mut classes = [Class::Other; 128];
    let mut byte = 0;
    while byte < 128 {
        // As `char::is_whitespace` has it: the vertical tab is whitespace,
        // unlike for `u8::is_ascii_whitespace`.
        if matches!(byte, b'\t'..=b'\r' | b' ') {
            classes[byte as usize] = Class::Space;
        } else if byte.is_ascii_alphanumeric() {
            classes[byte as usize] = Class::Alphanumeric;
        }
        byte += 1;
    }
    classes
};

/// Whether `byte` starts a char in UTF-8 (it is not a continuation byte).
fn is_char_start(byte: u8) -> bool {
    byte & 0b1100_0000 != 0b1000_0000
}

/// The text of inline events (a heading's content), trimmed.
pub(crate) fn inline_text(events: &[SpannedEvent<'_>]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// Start a new line unless the text is empty or already on one.
fn end_line(text: &mut String) {
    // A table row ends with the space that separated its cells.
    let kept = text.trim_end_matches(' ').len();
    text.truncate(kept);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
}

fn is_hidden(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::CodeBlock(_) | Tag::Image { .. } | Tag::MetadataBlock(_) | Tag::HtmlBlock
    )
}

fn is_hidden_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::CodeBlock | TagEnd::Image | TagEnd::MetadataBlock(_) | TagEnd::HtmlBlock
    )
}

fn is_block(tag: &Tag<'_>) -> bool {
    is_block_end(tag.to_end())
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    fn plain(body: &str) -> String {
        plain_text(&parse(body, &Options::default()))
    }

    #[test]
    fn blocks_become_lines_and_code_is_left_out() {
        let body = "# What changed\n\nMicrosoft *keeps* `API` access,\nfor now.  \nReally.\n\n\
                    ```rust\nfn main() {}\n```\n\n    indented code\n\n\
                    - one\n  - two\n- [x] three\n\n> quoted ![chart](c.png)\n";
        assert_eq!(
            plain(body),
            "What changed\nMicrosoft keeps API access, for now.\nReally.\none\ntwo\nthree\nquoted"
        );
    }

    #[test]
    fn tables_footnotes_and_raw_html() {
        let body = "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^n].\n\n[^n]: The note.\n\n\
                    <div>raw</div>\n\nEnd <b>bold</b>.";
        assert_eq!(plain(body), "a b\n1 2\nNote.\nThe note.\nEnd bold.");
    }

    #[test]
    fn words_need_a_letter_or_digit() {
        assert_eq!(word_count("OpenAI — and Microsoft: 13 billion • reset."), 6);
        assert_eq!(word_count(""), 0);
        assert_eq!(
            word_count(&plain("Two *words*\n\n```\nnot counted\n```")),
            2
        );
    }

    #[test]
    fn word_count_classifies_as_char_does() {
        // Whitespace-separated tokens with a letter or digit, by `char` rules.
        let by_chars = |text: &str| {
            text.split(char::is_whitespace)
                .filter(|token| token.chars().any(char::is_alphanumeric))
                .count()
        };
        for text in [
            "a\x0Bb c\x0Cd\re\tf\ng",
            "a\x1Fb \x7F",
            "next\u{85}line no\u{A0}break em\u{2003}space",
            "café crème, Straße",
            "日本 語 ١٢٣ — • –",
            "\u{1F600} x\u{1F600}",
        ] {
            assert_eq!(word_count(text), by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn inline_text_of_a_heading() {
        let events = parse("## The `gpt-5` *launch*", &Options::default());
        assert_eq!(
            inline_text(&events[1..events.len() - 1]),
            "The gpt-5 launch"
        );
    }
}
