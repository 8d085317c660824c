//! The client-side search index, `search-index.json`: one small object per
//! published briefing, read by `static/search.js` on the search page.
//!
//! Keys are one or two letters because the whole index is downloaded by
//! every reader who searches; the script documents the same keys. The body
//! is cut so that a long briefing does not dominate the download.

use std::borrow::Cow;

use bytes::Bytes;
use rayon::prelude::*;
use serde::Serialize;

use crate::cache::SharedStr;
use crate::enrich::Briefing;
use crate::render::Key;
use crate::render::sink::Hasher;
use crate::site::Site;

/// Path of the index below the output directory (and below the base path).
pub const PATH: &str = "search-index.json";

/// Most characters of body text an entry carries.
pub const BODY_CHARS: usize = 2_000;

/// How far back from the limit a cut may move to end on a word boundary;
/// further than this (one enormous "word") the cut falls mid-word instead.
const WORD_SLACK: usize = 200;

/// Briefings per run printed by one task: enough to keep the tasks few.
const CHUNK: usize = 256;

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

/// The search index of `briefings` (the site's, newest first: the script
/// relies on that order to break ranking ties), a JSON array handed to
/// `sink` in the parts it is printed in. `entries` holds each briefing's
/// entry where it was made before (taken out of the briefings, so that the
/// index can be joined while the pages are rendered from them); the others
/// are made now. Returns every entry, for a caller that keeps them.
///
/// The index is keyed by its entries, not printed to be keyed: when no
/// entry changed (an edit below the part of the body it shows, say), the
/// sink keeps the index it has without it being joined again.
pub fn render_to(
    briefings: &[Briefing],
    entries: Vec<Option<SharedStr>>,
    sink: &dyn crate::render::Sink,
) -> Vec<SharedStr> {
    let entries: Vec<SharedStr> = briefings
        .par_iter()
        .zip(entries)
        .map(|(b, entry)| entry.unwrap_or_else(|| entry_json(b).into()))
        .collect();
    // Each run is keyed on its own thread, then the index by its runs' keys.
    let run_keys: Vec<Key> = entries
        .par_chunks(CHUNK)
        .map(|run| {
            let mut h = Hasher::new(0);
            for entry in run {
                h.bytes(entry.as_bytes());
            }
            h.finish()
        })
        .collect();
    let mut h = Hasher::new(0);
    h.bytes(b"index");
    for key in &run_keys {
        h.value(key);
    }
    let key = h.finish();
    if !sink.unchanged(PATH, key) {
        // Handed over as the entries where they lie, never joined in
        // memory.
        let parts = array_parts(entries.iter().map(|e| Bytes::from_owner(e.clone())));
        sink.put_parts(PATH.to_owned(), parts, key);
    }
    entries
}

/// The entry of `b`, as the build made it or made now.
fn entry_of(b: &Briefing) -> Cow<'_, str> {
    match &b.search_entry {
        Some(entry) => Cow::Borrowed(entry.as_str()),
        None => Cow::Owned(entry_json(b)),
    }
}

/// The entry of `b` in the index, as compact JSON: made once per briefing
/// (and cached with it), so that an index is mostly joined, not printed.
/// Empty if it cannot be printed (entries hold only strings, numbers and
/// lists of them, so never).
pub fn entry_json(b: &Briefing) -> String {
    serde_json::to_string(&Entry::new(b)).unwrap_or_default()
}

/// The parts of the compact JSON array of `entries` (each compact JSON;
/// empty ones are left out), in order: the brackets, the commas and the
/// entries, which join into the array's text.
fn array_parts(entries: impl IntoIterator<Item = Bytes>) -> Vec<Bytes> {
    let entries = entries.into_iter();
    let mut parts = Vec::with_capacity(entries.size_hint().0 * 2 + 2);
    parts.push(Bytes::from_static(b"["));
    for entry in entries.filter(|entry| !entry.is_empty()) {
        if parts.len() > 1 {
            parts.push(Bytes::from_static(b","));
        }
        parts.push(entry);
    }
    parts.push(Bytes::from_static(b"]"));
    parts
}

/// The entries of a run, comma-separated (empty ones left out), in a
/// buffer sized once.
fn joined<'a>(entries: impl Iterator<Item = Cow<'a, str>>) -> Vec<u8> {
    let entries: Vec<Cow<'a, str>> = entries.filter(|entry| !entry.is_empty()).collect();
    let len: usize = entries.iter().map(|entry| entry.len() + 1).sum();
    let mut part = Vec::with_capacity(len);
    for entry in &entries {
        if !part.is_empty() {
            part.push(b',');
        }
        part.extend_from_slice(entry.as_bytes());
    }
    part
}

/// The index of a site held in memory and patched (`serve`), in runs of
/// [`CHUNK`] briefings: after an edit, only the run of the briefing edited
/// is joined again, and the file shares the others with the index before.
#[derive(Debug, Clone)]
pub struct Runs {
    /// Each run's entries, joined, with their key.
    runs: Vec<(Bytes, Key)>,
}

impl Runs {
    /// The runs of the whole index.
    pub fn new(site: &Site) -> Runs {
        Runs::of(&site.briefings, entry_of)
    }

    /// Joins again the runs of the briefings at `indices` (into
    /// [`Site::briefings`], whose order and number are unchanged).
    pub fn remake(&mut self, site: &Site, indices: &[usize]) {
        self.remake_of(&site.briefings, indices, entry_of);
    }

    fn of<'a, T: Sync>(items: &'a [T], entry: impl Fn(&'a T) -> Cow<'a, str> + Sync) -> Runs {
        let runs = items
            .par_chunks(CHUNK)
            .map(|run| Runs::keyed(joined(run.iter().map(&entry))))
            .collect();
        Runs { runs }
    }

    fn remake_of<'a, T>(
        &mut self,
        items: &'a [T],
        indices: &[usize],
        entry: impl Fn(&'a T) -> Cow<'a, str>,
    ) {
        for &i in indices {
            let at = i / CHUNK;
            let end = ((at + 1) * CHUNK).min(items.len());
            self.runs[at] = Runs::keyed(joined(items[at * CHUNK..end].iter().map(&entry)));
        }
    }

    fn keyed(run: Vec<u8>) -> (Bytes, Key) {
        let key = crate::render::sink::key_of_bytes(&run);
        (Bytes::from(run), key)
    }

    fn parts(&self) -> Vec<Bytes> {
        array_parts(self.runs.iter().map(|(run, _)| run.clone()))
    }

    /// Hands the index to `sink`, unless it holds it already.
    pub fn put(&self, sink: &dyn crate::render::Sink) {
        let mut h = Hasher::new(0);
        h.bytes(b"runs");
        for (_, key) in &self.runs {
            h.value(key);
        }
        let key = h.finish();
        if !sink.unchanged(PATH, key) {
            sink.put_parts(PATH.to_owned(), self.parts(), key);
        }
    }
}

/// `text` cut to at most `max` characters (never inside a UTF-8 sequence),
/// ending on whitespace when one is near the limit. The result is a prefix
/// of `text` without trailing whitespace.
fn cut(text: &str, max: usize) -> &str {
    let Some(limit) = nth_char_start(text, max) else {
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

/// Byte offset of the character at `n` (counting from 0), or `None` when
/// `text` has no more than `n` characters. Counts the bytes that start a
/// character rather than decoding them: bodies are long and most are cut.
fn nth_char_start(text: &str, n: usize) -> Option<usize> {
    if text.len() <= n {
        // Never more characters than bytes.
        return None;
    }
    text.bytes()
        .enumerate()
        // UTF-8 continuation bytes are 0b10xx_xxxx.
        .filter(|&(_, b)| b & 0xC0 != 0x80)
        .nth(n)
        .map(|(i, _)| i)
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
    fn character_starts_are_found_by_bytes() {
        for text in ["", "a", "abc", "é日本🦀x", "🦀🦀"] {
            for n in 0..8 {
                assert_eq!(
                    nth_char_start(text, n),
                    text.char_indices().nth(n).map(|(i, _)| i),
                    "{text:?} {n}"
                );
            }
        }
    }

    #[test]
    fn one_huge_word_is_cut_mid_word() {
        let text = format!("lead {}", "x".repeat(5000));
        let out = cut(&text, BODY_CHARS);
        assert_eq!(out.chars().count(), BODY_CHARS);
    }

    #[test]
    fn the_array_printed_in_parts_equals_the_array_printed_whole() {
        for n in [0, 1, 2, 5] {
            let items: Vec<String> = (0..n).map(|i| format!("<{i}>\u{2028}\"")).collect();
            let whole: Vec<(usize, &str)> = items.iter().map(|s| (s.len(), s.as_str())).collect();
            // An empty entry before each is left out.
            let json = items.iter().flat_map(|s| {
                [
                    Bytes::new(),
                    Bytes::from(serde_json::to_string(&(s.len(), s)).unwrap()),
                ]
            });
            let parts = array_parts(json).concat();
            assert_eq!(
                String::from_utf8(parts).unwrap(),
                serde_json::to_string(&whole).unwrap(),
                "{n} items"
            );
        }
    }

    #[test]
    fn runs_remade_after_an_edit_equal_the_array_printed_again() {
        fn json(s: &String) -> Cow<'_, str> {
            Cow::Owned(serde_json::to_string(s).unwrap())
        }
        let mut items: Vec<String> = (0..2 * CHUNK + 3).map(|i| format!("<{i}>")).collect();
        let whole = |items: &[String]| {
            array_parts(items.iter().map(|i| Bytes::from(json(i).into_owned()))).concat()
        };
        let mut runs = Runs::of(&items, json);
        assert_eq!(runs.parts().concat(), whole(&items));
        // Holds the runs before (which share their bytes with `runs`).
        let kept = runs.clone();
        items[2] = "first run, longer now".into();
        items[2 * CHUNK + 1] = "last".into();
        runs.remake_of(&items, &[2, 2 * CHUNK + 1], json);
        assert_eq!(runs.parts().concat(), whole(&items));
        // The run in the middle is shared with the index before; the
        // others are new.
        let shared: Vec<bool> = kept
            .parts()
            .iter()
            .zip(runs.parts())
            .map(|(a, b)| a.as_ptr() == b.as_ptr())
            .collect();
        assert_eq!(shared.len(), 7, "[ run , run , run ]");
        assert!(!shared[1] && shared[3] && !shared[5], "{shared:?}");
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
