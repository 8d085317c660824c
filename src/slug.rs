//! Slugs: the URL segment of a briefing, tag, company, author, story or page.
//!
//! A slug is ASCII `[a-z0-9-]`, never empty, never `.` or `..`, never starts
//! or ends with `-`, and is at most [`MAX_LEN`] bytes long, so it is always a
//! safe single path segment on every file system and host.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest slug, in bytes.
pub const MAX_LEN: usize = 80;

/// Slug of free text: accents folded (`é` → `e`), everything that is not an
/// ASCII letter or digit turned into one `-`, lower-cased, cut at a `-` to
/// [`MAX_LEN`]. Returns `None` when nothing usable is left (a title written
/// only in a non-Latin script, or only punctuation).
pub fn slugify(text: &str) -> Option<String> {
    let capacity = text.len().min(MAX_LEN + 1);
    // Normalisation is the slow part, and it leaves ASCII as it is: most
    // titles and terms skip it.
    if text.is_ascii() {
        slug_from(text.chars(), capacity)
    } else {
        slug_from(text.nfkd().filter(|c| !is_combining_mark(*c)), capacity)
    }
}

/// The slug of already-decomposed characters.
fn slug_from(chars: impl Iterator<Item = char>, capacity: usize) -> Option<String> {
    let mut slug = String::with_capacity(capacity);
    let mut pending_dash = false;
    for c in chars {
        let c = match c {
            'ß' => 's',
            'æ' | 'Æ' => 'a',
            'ø' | 'Ø' => 'o',
            'đ' | 'Đ' => 'd',
            'ł' | 'Ł' => 'l',
            '&' => {
                // "AT&T" reads better as "at-t" than "att"; keep it a separator.
                pending_dash = !slug.is_empty();
                continue;
            }
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if pending_dash {
                slug.push('-');
                pending_dash = false;
            }
            slug.push(c.to_ascii_lowercase());
            if slug.len() > MAX_LEN {
                break;
            }
        } else if c == '\'' || c == '’' {
            // "OpenAI's" → "openais", not "openai-s".
        } else {
            pending_dash = !slug.is_empty();
        }
    }
    if slug.len() > MAX_LEN {
        slug.truncate(MAX_LEN);
        if let Some(cut) = slug.rfind('-').filter(|&i| i >= MAX_LEN / 2) {
            slug.truncate(cut);
        }
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    if is_windows_device_name(&slug) {
        // `con`, `nul`, `com1`… cannot be a folder on Windows, which many
        // authors and some hosts build on.
        slug.push_str("-1");
    }
    (!slug.is_empty()).then_some(slug)
}

/// Names Windows reserves for devices (in any case, and a slug has no
/// extension that could follow them).
fn is_windows_device_name(slug: &str) -> bool {
    let numbered = |prefix: &str| {
        slug.strip_prefix(prefix)
            .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
    };
    matches!(slug, "con" | "prn" | "aux" | "nul") || numbered("com") || numbered("lpt")
}

/// Whether `s` already is a valid slug (what [`slugify`] would leave unchanged).
pub fn is_valid(s: &str) -> bool {
    slugify(s).as_deref() == Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_titles() {
        assert_eq!(
            slugify("OpenAI and Microsoft reset their partnership").as_deref(),
            Some("openai-and-microsoft-reset-their-partnership")
        );
        assert_eq!(
            slugify("  GPT-5: what's new?  ").as_deref(),
            Some("gpt-5-whats-new")
        );
        assert_eq!(slugify("OpenAI’s deal").as_deref(), Some("openais-deal"));
    }

    #[test]
    fn accents_are_folded() {
        assert_eq!(slugify("Café Société").as_deref(), Some("cafe-societe"));
        assert_eq!(slugify("Straße Øresund").as_deref(), Some("strase-oresund"));
    }

    #[test]
    fn hostile_text_gives_a_safe_segment() {
        for input in ["../../etc/passwd", "a/b\\c", "CON", "a\u{202e}b\u{0}c"] {
            let slug = slugify(input).unwrap();
            assert!(is_valid(&slug), "{input:?} -> {slug:?}");
            assert!(!slug.contains(['/', '\\', '.']), "{slug}");
        }
        assert_eq!(slugify(".."), None);
        assert_eq!(slugify("."), None);
        assert_eq!(slugify("a\u{202e}b\u{0}c").as_deref(), Some("a-b-c"));
        assert_eq!(slugify("../../etc/passwd").as_deref(), Some("etc-passwd"));
    }

    #[test]
    fn windows_device_names_are_not_slugs() {
        for (input, slug) in [
            ("CON", "con-1"),
            ("nul", "nul-1"),
            ("Com1", "com1-1"),
            ("lpt9", "lpt9-1"),
        ] {
            assert_eq!(slugify(input).as_deref(), Some(slug), "{input}");
            assert!(is_valid(slug), "{slug}");
        }
        assert_eq!(slugify("console").as_deref(), Some("console"));
        assert_eq!(slugify("com10").as_deref(), Some("com10"));
    }

    #[test]
    fn nothing_usable_is_none() {
        assert_eq!(slugify(""), None);
        assert_eq!(slugify("!!! ---"), None);
        assert_eq!(slugify("人工知能"), None);
    }

    #[test]
    fn long_titles_are_cut_on_a_dash() {
        let title = "word ".repeat(40);
        let slug = slugify(&title).unwrap();
        assert!(slug.len() <= MAX_LEN, "{}", slug.len());
        assert!(slug.ends_with("word"), "{slug}");
        let one = "a".repeat(200);
        assert_eq!(slugify(&one).unwrap().len(), MAX_LEN);
    }

    #[test]
    fn case_and_normalization_variants_collide() {
        // Composed and decomposed é, and different cases, give one slug.
        assert_eq!(slugify("Caf\u{e9}"), slugify("CAFE\u{301}"));
    }
}
