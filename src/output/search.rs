//! The client-side search index, `search-index.json`: one small object per
//! published briefing, read by `static/search.js` on the search page.
//!
//! Keys are one or two letters because the whole index is downloaded by
//! every reader who searches; the script documents the same keys. The body
//! is cut so that a long briefing does not dominate the download.

use serde::Serialize;

use crate::enrich::Briefing;
use crate::render::OutputFile;
use crate::site::Site;

/// Path of the index below the output directory (and below the base path).
pub const PATH: &str = "search-index.json";

/// Most characters of body text an entry carries.
pub const BODY_CHARS: usize = 2_000;

/// How far back from the limit a cut may move to end on a word boundary;
/// further than this (one enormous "word") the cut falls mid-word instead.
const WORD_SLACK: usize = 200;

/// One briefing in the index. Every field borrows from the site.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    /// Title.
    t: &'a str,
    /// Site-relative URL, base path included.
    u: &'a str,
    /// ISO date, for sorting and `<time datetime>`.
    d: &'a str,
    /// Display date.
    ds: &'a str,
    /// Summary.
    s: &'a str,
    /// Key points as plain text, labels included.
    k: Vec<&'a str>,
    /// Takeaway; left out when there is none, to keep the file small.
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<&'a str>,
    /// Tags.
    g: &'a [String],
    /// Companies.
    c: &'a [String],
    /// Plain-text body, at most [`BODY_CHARS`] characters.
    b: &'a str,
}

impl<'a> Entry<'a> {
    fn new(b: &'a Briefing) -> Self {
        Entry {
            t: &b.title,
            u: &b.url,
            d: &b.date.view.iso,
            ds: &b.date.view.display,
            s: &b.summary,
            k: b.key_points.iter().map(|p| p.text.as_str()).collect(),
            w: b.takeaway.as_deref(),
            g: &b.tags,
            c: &b.companies,
            b: cut(&b.body.plain_text, BODY_CHARS),
        }
    }
}

/// The search index of `site`: a JSON array in the site's order (newest
/// first), which the script relies on to break ranking ties.
pub fn render(site: &Site) -> OutputFile {
    let entries: Vec<Entry<'_>> = site.briefings.iter().map(Entry::new).collect();
    let bytes = serde_json::to_vec(&entries)
        .expect("entries hold only strings and lists of strings, which always serialize");
    OutputFile {
        path: PATH.to_owned(),
        bytes,
    }
}

/// `text` cut to at most `max` characters (never inside a UTF-8 sequence),
/// ending on whitespace when one is near the limit. The result is a prefix
/// of `text` without trailing whitespace.
fn cut(text: &str, max: usize) -> &str {
    let Some((limit, _)) = text.char_indices().nth(max) else {
        return text;
    };
    let hard = &text[..limit];
    // The cut already falls between words when whitespace follows it.
    if text[limit..].starts_with(char::is_whitespace) {
        return hard.trim_end();
    }
    let floor = hard
        .char_indices()
        .rev()
        .nth(WORD_SLACK)
        .map_or(0, |(i, _)| i);
    match hard.rfind(char::is_whitespace) {
        Some(space) if space > floor => hard[..space].trim_end(),
        _ => hard,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(cut("a few words", 2000), "a few words");
        assert_eq!(cut("", 10), "");
        assert_eq!(cut("exactly10!", 10), "exactly10!");
    }

    #[test]
    fn long_text_ends_on_a_word() {
        let text = "alpha beta gamma delta";
        assert_eq!(cut(text, 13), "alpha beta");
        // The limit falls right before a space: the whole word is kept.
        assert_eq!(cut(text, 10), "alpha beta");
        assert_eq!(cut(text, 11), "alpha beta");
    }

    #[test]
    fn cuts_on_char_boundaries() {
        let text = "é".repeat(3000);
        let out = cut(&text, BODY_CHARS);
        assert_eq!(out.chars().count(), BODY_CHARS);
        let mixed = "日本語のテキスト ".repeat(400);
        let out = cut(&mixed, BODY_CHARS);
        assert!(out.chars().count() <= BODY_CHARS);
        assert!(out.ends_with('ト'), "{}", &out[out.len() - 12..]);
    }

    #[test]
    fn one_huge_word_is_cut_mid_word() {
        let text = format!("lead {}", "x".repeat(5000));
        let out = cut(&text, BODY_CHARS);
        assert_eq!(out.chars().count(), BODY_CHARS);
    }

    #[test]
    fn entries_use_short_keys_and_omit_a_missing_takeaway() {
        let tags = vec!["cloud".to_owned()];
        let companies = vec!["Acme".to_owned()];
        let entry = Entry {
            t: "T",
            u: "/base/briefings/t/",
            d: "2025-03-01T00:00:00Z",
            ds: "1 March 2025",
            s: "S",
            k: vec!["Label: point"],
            w: None,
            g: &tags,
            c: &companies,
            b: "Body",
        };
        let json = serde_json::to_string(&entry).unwrap();
        assert_eq!(
            json,
            r#"{"t":"T","u":"/base/briefings/t/","d":"2025-03-01T00:00:00Z","ds":"1 March 2025","s":"S","k":["Label: point"],"g":["cloud"],"c":["Acme"],"b":"Body"}"#
        );
        let with = Entry {
            w: Some("In short"),
            ..entry
        };
        let json = serde_json::to_string(&with).unwrap();
        assert!(
            json.contains(r#""k":["Label: point"],"w":"In short","g""#),
            "{json}"
        );
    }
}
