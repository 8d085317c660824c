//! Plain text as copied out of a web page: the first line is the title,
//! each line a paragraph, short unpunctuated lines before a paragraph are
//! headings, `•`/`-`/`*`/`–` lines are bullets ("Label: text" bullets get a
//! bold label), and blog chrome is dropped. Everything else is kept as
//! text: characters Markdown would read as markup are escaped.

use super::boilerplate::{is_boilerplate, starts_related};
use super::lines::{dateline, split_label};
use super::{Extracted, Found};

/// Characters that open a bullet even without a space after them.
const BULLETS_TIGHT: &[char] = &['•', '·', '▪', '◦', '●', '‣'];
/// Characters that open a bullet when a space follows.
const BULLETS_SPACED: &[char] = &['-', '*', '–', '—'];

/// One unit of the text after joining wrapped lines.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Bullet(String),
    Numbered(String, String),
    Line(String),
}

/// Turns copied plain text into a Markdown body and the title (and a
/// dateline, if one follows the title).
pub fn extract(input: &str) -> Extracted {
    let mut out = Extracted::default();
    let (lines, dropped) = without_chrome(input);
    if dropped > 0 {
        out.notes.push(format!(
            "dropped {dropped} line{} of blog chrome (share/like widgets, comment form, related posts, cookie banner)",
            if dropped == 1 { "" } else { "s" }
        ));
    }
    let mut units = units(&lines);
    if let Some(Unit::Line(title)) = units.first().cloned() {
        units.remove(0);
        out.title = Some(Found::new(title, "first line"));
    }
    let header = header(&units, &mut out);
    out.body = render(&units[header..]);
    out
}

/// Reads the header under the title: a dateline ("March 3, 2026", "Posted
/// on … by …"), a byline ("By Jane Roe", or a bare name), reading time and
/// separators, in any order, up to the first other line. Returns how many
/// units it took.
fn header(units: &[Unit], out: &mut Extracted) -> usize {
    let mut taken = 0;
    for unit in units.iter().take(6) {
        let Unit::Line(line) = unit else { break };
        if let Some((date, author)) = dateline(line).filter(|_| out.date.is_none()) {
            out.date = Some(Found::new(date, "dateline under the title"));
            if out.author.is_none() {
                out.author = author.map(|a| Found::new(a, "byline under the title"));
            }
        } else if let Some(name) = byline(line).filter(|_| out.author.is_none()) {
            out.author = Some(Found::new(name, "byline under the title"));
        } else if !is_reading_time(line) && line.chars().any(char::is_alphanumeric) {
            break;
        }
        taken += 1;
    }
    taken
}

/// "By Jane Roe", or a bare name of two to four capitalised words.
fn byline(line: &str) -> Option<String> {
    let words = line.split_whitespace().count();
    super::lines::author_line(line)
        .or_else(|| (2..=4).contains(&words).then(|| line.to_owned()))
        .filter(|name| super::lines::is_name_like(name))
}

/// "4 min read", "5 minute read".
fn is_reading_time(line: &str) -> bool {
    let lower = line.to_lowercase();
    let mut words = lower.split_whitespace();
    let number = words
        .next()
        .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = words.collect();
    number
        && matches!(
            rest.as_slice(),
            ["min" | "mins" | "minute" | "minutes", "read"]
        )
}

/// The lines without blog chrome, and how many were dropped. A "Related"
/// line drops the short lines after it too (titles and dates of other
/// posts), up to the next prose, author line or URL.
fn without_chrome(input: &str) -> (Vec<String>, usize) {
    let mut kept = Vec::new();
    let mut dropped = 0;
    let mut in_related = false;
    for raw in input.lines() {
        let line = raw.replace(['\u{a0}', '\t'], " ").trim().to_owned();
        if line.is_empty() {
            kept.push(line);
            continue;
        }
        if starts_related(&line) {
            in_related = true;
        } else if in_related {
            let ends_block =
                is_prose(&line) || split_label(&line).is_some() || super::lines::is_http_url(&line);
            in_related = !ends_block;
        }
        if in_related || is_boilerplate(&line) {
            dropped += 1;
            continue;
        }
        kept.push(line);
    }
    (kept, dropped)
}

/// Groups lines into units: a bullet, a numbered item, or a line, joining
/// a hard-wrapped line onto the one before it.
fn units(lines: &[String]) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut after_blank = true;
    for line in lines {
        if line.is_empty() {
            after_blank = true;
            continue;
        }
        let unit = if let Some(text) = bullet(line) {
            Unit::Bullet(text.to_owned())
        } else if let Some((n, text)) = numbered(line) {
            Unit::Numbered(n.to_owned(), text.to_owned())
        } else {
            let continues = !after_blank
                && line.starts_with(|c: char| c.is_lowercase())
                && matches!(units.last(), Some(Unit::Line(prev) | Unit::Bullet(prev)) if !ends_sentence(prev));
            if continues && let Some(Unit::Line(prev) | Unit::Bullet(prev)) = units.last_mut() {
                prev.push(' ');
                prev.push_str(line);
                continue;
            }
            Unit::Line(line.clone())
        };
        units.push(unit);
        after_blank = false;
    }
    units
}

/// The text of a bullet line, marker removed.
fn bullet(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    let rest = &line[first.len_utf8()..];
    let opens = BULLETS_TIGHT.contains(&first)
        || (BULLETS_SPACED.contains(&first) && rest.starts_with(' '));
    if !opens {
        return None;
    }
    let text = rest.trim();
    (!text.is_empty()).then_some(text)
}

/// `1. text` or `1) text`: the number and the text.
fn numbered(line: &str) -> Option<(&str, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = line[digits..].strip_prefix(['.', ')'])?;
    rest.starts_with(' ')
        .then(|| (&line[..digits], rest.trim()))
        .filter(|(_, t)| !t.is_empty())
}

/// Writes the units as Markdown.
fn render(units: &[Unit]) -> String {
    let mut out = String::new();
    let mut prev_item = false;
    for (i, unit) in units.iter().enumerate() {
        let item = !matches!(unit, Unit::Line(_));
        if !out.is_empty() {
            out.push_str(if item && prev_item { "\n" } else { "\n\n" });
        }
        match unit {
            Unit::Bullet(text) => {
                out.push_str("- ");
                out.push_str(&item_markdown(text));
            }
            Unit::Numbered(n, text) => {
                out.push_str(&format!("{n}. {}", escape(text)));
            }
            Unit::Line(line) => {
                if is_heading(line, units.get(i + 1)) {
                    out.push_str("## ");
                    out.push_str(&escape(line.trim_end_matches(':')));
                } else {
                    out.push_str(&escape(line));
                }
            }
        }
        prev_item = item;
    }
    out.push('\n');
    out
}

/// A bullet's Markdown: "Label: text" gets a bold label.
fn item_markdown(text: &str) -> String {
    match split_label(text) {
        Some((label, rest)) => format!("**{}:** {}", escape(label), escape(rest)),
        None => escape(text),
    }
}

/// A short line without final punctuation, followed by prose or a list, is a
/// heading. A line ending in a colon is one only when a list follows it.
fn is_heading(line: &str, next: Option<&Unit>) -> bool {
    let words = line.split_whitespace().count();
    let shaped = words <= 12
        && line.chars().count() <= 100
        && line.chars().any(char::is_alphabetic)
        && !line.starts_with(|c: char| c.is_lowercase())
        && !ends_sentence(line)
        && !line.ends_with([',', ';'])
        && split_label(line).is_none()
        && !super::lines::is_http_url(line);
    if !shaped {
        return false;
    }
    // "Three reasons stand out:" introduces a list; it is a sentence, not a
    // section, unless it names one ("Key points:").
    if line.ends_with(':') {
        let named =
            super::lines::is_key_point_heading(line) || super::lines::is_takeaway_heading(line);
        return named && matches!(next, Some(Unit::Bullet(_) | Unit::Numbered(..)));
    }
    match next {
        Some(Unit::Bullet(_) | Unit::Numbered(..)) => true,
        Some(Unit::Line(next)) => is_prose(next),
        None => false,
    }
}

/// A line ends a sentence: final `.`, `!`, `?`, `…` or a closing quote.
fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', '…', '"', '”', '’', '\''])
}

/// A line reads as prose: it ends a sentence or is long.
fn is_prose(line: &str) -> bool {
    ends_sentence(line) || line.split_whitespace().count() > 12
}

/// Escapes what Markdown would read as markup, so that text stays text
/// (`<script>` shows as `<script>`, `*` as `*`).
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '~' | '|' => true,
            '_' => {
                !(prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric))
            }
            '&' => next.is_some_and(|n| n.is_alphanumeric() || n == '#'),
            '#' | '+' | '-' | '=' => i == 0,
            '.' | ')' => {
                i > 0
                    && chars[..i].iter().all(char::is_ascii_digit)
                    && next.is_none_or(|n| n == ' ')
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_dateline_headings_bullets() {
        let text = "A lab ships a model\nMarch 3, 2026\n\nThe lab shipped it today.\n\nKey points\n• Price: lower than before.\n• Speed: twice as fast.\nWhy it matters\nBecause rivals must respond.\n";
        let ex = extract(text);
        assert_eq!(ex.title.unwrap().value, "A lab ships a model");
        assert_eq!(ex.date.unwrap().value, "March 3, 2026");
        assert_eq!(
            ex.body,
            "The lab shipped it today.\n\n## Key points\n\n- **Price:** lower than before.\n- **Speed:** twice as fast.\n\n## Why it matters\n\nBecause rivals must respond.\n"
        );
    }

    #[test]
    fn a_header_of_byline_reading_time_and_date() {
        let ex = extract("Title\nJane Roe\n4 min read\n·\nMar 3, 2026\n\nBody.\n");
        assert_eq!(ex.author.unwrap().value, "Jane Roe");
        assert_eq!(ex.date.unwrap().value, "Mar 3, 2026");
        assert_eq!(ex.body, "Body.\n");
        let ex = extract("Title\nBackground\nBody text follows here.\n");
        assert!(ex.author.is_none());
        assert_eq!(ex.body, "## Background\n\nBody text follows here.\n");
    }

    #[test]
    fn chrome_and_related_posts_are_dropped() {
        let text = "Title\nBody text here.\nShare this:\nLike this:\nRelated\nAnother post\nMarch 1, 2026\nAuthor: Jane Roe\n";
        let ex = extract(text);
        assert_eq!(ex.body, "Body text here.\n\nAuthor: Jane Roe\n");
        assert!(ex.notes[0].starts_with("dropped 5 lines"), "{:?}", ex.notes);
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let ex = extract("T\n\nThe model is\nfaster than the last one.\n\nNext one.\n");
        assert_eq!(
            ex.body,
            "The model is faster than the last one.\n\nNext one.\n"
        );
    }

    #[test]
    fn short_lines_are_not_headings_unless_prose_follows() {
        assert!(is_heading(
            "What changed",
            Some(&Unit::Line("It did.".into()))
        ));
        assert!(!is_heading(
            "Jane Roe",
            Some(&Unit::Line("Engineer".into()))
        ));
        assert!(!is_heading("It works.", Some(&Unit::Line("Yes.".into()))));
        assert!(!is_heading(
            "Author: Jane",
            Some(&Unit::Line("Yes it is.".into()))
        ));
        assert!(is_heading("Key points:", Some(&Unit::Bullet("a".into()))));
        assert!(!is_heading(
            "Three reasons:",
            Some(&Unit::Bullet("a".into()))
        ));
        assert!(!is_heading(
            "Key points:",
            Some(&Unit::Line("A sentence.".into()))
        ));
        assert!(!is_heading("Last line", None));
    }

    #[test]
    fn bullets_and_numbers() {
        assert_eq!(bullet("• tight"), Some("tight"));
        assert_eq!(bullet("– spaced"), Some("spaced"));
        assert_eq!(bullet("-5% on the day"), None);
        assert_eq!(numbered("2) second"), Some(("2", "second")));
        assert_eq!(numbered("2026 was big"), None);
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<script>alert(1)</script> *x* [a](javascript:b) snake_case _y_"),
            "\\<script\\>alert(1)\\</script\\> \\*x\\* \\[a\\](javascript:b) snake_case \\_y\\_"
        );
        assert_eq!(escape("# not a heading"), "\\# not a heading");
        assert_eq!(escape("2026. A year"), "2026\\. A year");
        assert_eq!(escape("AT&T &amp; co"), "AT\\&T \\&amp; co");
    }
}
