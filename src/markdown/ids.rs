//! Anchor ids: slugs from text, sanitised explicit ids, and a per-page
//! registry that keeps every id unique.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Text to a URL-safe anchor id: ASCII lowercase letters, digits and `-`,
/// never empty.
///
/// Accents are folded to ASCII (NFKD, combining marks dropped, a few letters
/// that do not decompose spelt out), every other run of characters becomes
/// one `-`, and dashes at either end are trimmed. Text with nothing left
/// (punctuation only, or a non-Latin script) gives `"section"`.
pub fn slugify_id(text: &str) -> String {
    // Normalisation is the slow part, and most headings are plain ASCII.
    if text.is_ascii() {
        slug_from(text.chars())
    } else {
        slug_from(text.nfkd().filter(|&c| !is_combining_mark(c)))
    }
}

/// The slug of already-decomposed characters.
fn slug_from(chars: impl Iterator<Item = char>) -> String {
    let mut slug = String::new();
    let mut dash_pending = false;
    for c in chars {
        let spelt = fold_letter(c);
        if !c.is_ascii_alphanumeric() && spelt.is_none() {
            dash_pending = true;
            continue;
        }
        if dash_pending && !slug.is_empty() {
            slug.push('-');
        }
        dash_pending = false;
        match spelt {
            Some(spelt) => slug.push_str(spelt),
            None => slug.push(c.to_ascii_lowercase()),
        }
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Latin letters that NFKD leaves alone, spelt the way a reader would type
/// them.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'ł' | 'Ł' => "l",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        _ => return None,
    })
}

/// An id the author wrote (`{#Intro}`), made safe to use as an id and a URL
/// fragment: ASCII letters (case kept), digits, `-` and `_` stay, any other
/// run becomes `-`. `None` when nothing usable is left.
pub(crate) fn sanitize_explicit_id(raw: &str) -> Option<String> {
    let mut id = String::with_capacity(raw.len());
    let mut dash_pending = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            if dash_pending && !id.is_empty() {
                id.push('-');
            }
            dash_pending = false;
            id.push(c);
        } else {
            dash_pending = true;
        }
    }
    let id = id.trim_matches('-');
    (!id.is_empty()).then(|| id.to_owned())
}

/// The ids of one page. Explicit ids are reserved up front so that a
/// generated id never takes one, even when the explicit id comes later in
/// the page.
#[derive(Debug, Default)]
pub(crate) struct IdRegistry {
    /// Ids handed out, in order.
    ids: Vec<String>,
    taken: HashSet<String>,
    reserved: HashSet<String>,
    /// Next suffix to try per base, so many duplicates stay linear.
    next_suffix: HashMap<String, usize>,
}

impl IdRegistry {
    /// Keep `id` for an explicit id that [`claim`](Self::claim) will ask for.
    pub(crate) fn reserve(&mut self, id: &str) {
        self.reserved.insert(id.to_owned());
    }

    /// Hand out `base`, or `base-1`, `base-2`, … when it is taken. An
    /// explicit id may use its own reservation; a generated one may not.
    pub(crate) fn claim(&mut self, base: &str, explicit: bool) -> String {
        let free = |registry: &Self, id: &str| {
            !registry.taken.contains(id) && (explicit || !registry.reserved.contains(id))
        };
        let id = if free(self, base) {
            base.to_owned()
        } else {
            let mut n = self.next_suffix.get(base).copied().unwrap_or(1);
            loop {
                let candidate = format!("{base}-{n}");
                n += 1;
                // A suffixed id must not take any reservation either.
                if !self.taken.contains(&candidate) && !self.reserved.contains(&candidate) {
                    self.next_suffix.insert(base.to_owned(), n);
                    break candidate;
                }
            }
        };
        self.taken.insert(id.clone());
        self.ids.push(id.clone());
        id
    }

    /// Every id handed out, in the order it was claimed.
    pub(crate) fn into_ids(self) -> Vec<String> {
        self.ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_accents_and_punctuation() {
        assert_eq!(slugify_id("What changed?"), "what-changed");
        assert_eq!(
            slugify_id("  Café crème — à la carte!  "),
            "cafe-creme-a-la-carte"
        );
        assert_eq!(slugify_id("Straße & Øresund"), "strasse-oresund");
        assert_eq!(
            slugify_id("GPT-4o: the ‘omni’ model"),
            "gpt-4o-the-omni-model"
        );
        assert_eq!(
            slugify_id("ﬁnancial Ｒｅｓｕｌｔｓ ²"),
            "financial-results-2"
        );
        assert_eq!(slugify_id("C++ / Rust__2025"), "c-rust-2025");
    }

    #[test]
    fn slug_is_never_empty() {
        assert_eq!(slugify_id(""), "section");
        assert_eq!(slugify_id("!!! ???"), "section");
        assert_eq!(slugify_id("日本語"), "section");
    }

    #[test]
    fn explicit_ids_keep_case_and_lose_unsafe_characters() {
        assert_eq!(sanitize_explicit_id("Intro_2").as_deref(), Some("Intro_2"));
        assert_eq!(
            sanitize_explicit_id("a\"><script>").as_deref(),
            Some("a-script")
        );
        assert_eq!(sanitize_explicit_id("é"), None);
    }

    #[test]
    fn registry_suffixes_duplicates_around_reservations() {
        let mut ids = IdRegistry::default();
        ids.reserve("intro");
        ids.reserve("intro-1");
        assert_eq!(ids.claim("intro", false), "intro-2");
        assert_eq!(ids.claim("intro", true), "intro");
        assert_eq!(ids.claim("intro", false), "intro-3");
        assert_eq!(ids.claim("intro-1", true), "intro-1");
        assert_eq!(ids.claim("intro", true), "intro-4");
        assert_eq!(
            ids.into_ids(),
            ["intro-2", "intro", "intro-3", "intro-1", "intro-4"]
        );
    }
}
