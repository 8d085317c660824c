//! Small text rules of enrichment: summaries, reading time, key-point labels,
//! and dates as the templates show them.

use jiff::ZonedDateTime as Zoned;

use crate::render::view::DateView;

/// Longest summary, in characters (ellipsis included).
pub const SUMMARY_MAX: usize = 160;

/// Cuts plain text to at most [`SUMMARY_MAX`] characters on a word boundary,
/// adding an ellipsis when something was cut. Whitespace is collapsed.
pub fn summary(text: &str) -> String {
    // The collapsed text, only as far as the cut needs: one character past
    // the limit tells whether the text goes on.
    // (A character is at most four bytes.)
    let mut collapsed = String::with_capacity(text.len().min(4 * (SUMMARY_MAX + 1)));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > SUMMARY_MAX {
            break;
        }
        if !collapsed.is_empty() {
            collapsed.push(' ');
            chars += 1;
        }
        collapsed.push_str(word);
        chars += word.chars().count();
    }
    if chars <= SUMMARY_MAX {
        return collapsed;
    }
    // Room for the ellipsis.
    let limit = SUMMARY_MAX - 1;
    let cut = collapsed
        .char_indices()
        .nth(limit)
        .map_or(collapsed.len(), |(i, _)| i);
    let head = &collapsed[..cut];
    // Cut on the last space when the text at the limit is inside a word.
    let at_boundary = collapsed[cut..].starts_with(' ');
    let head = if at_boundary {
        head
    } else {
        head.rfind(' ').map_or(head, |i| &head[..i])
    };
    let head = head.trim_end_matches([',', ';', ':', ' ', '—', '–', '-']);
    format!("{head}…")
}

/// Cuts `text` to its first `max` characters.
pub fn truncate_chars(text: &mut String, max: usize) {
    // Chars are counted a run of bytes at a time (`chars().count()` does not
    // decode them): `wanted` bytes hold at most `wanted` chars, and a run
    // stretched to the next char boundary gains no char.
    let mut end = 0;
    let mut wanted = max;
    while wanted > 0 && end < text.len() {
        let mut stop = (end + wanted).min(text.len());
        while !text.is_char_boundary(stop) {
            stop += 1;
        }
        wanted -= text[end..stop].chars().count();
        end = stop;
    }
    text.truncate(end);
}

/// Reading time in whole minutes, at least one.
pub fn reading_minutes(words: usize, words_per_minute: usize) -> usize {
    words.div_ceil(words_per_minute.max(1)).max(1)
}

/// Splits a key point written as `**Label:** text` (or `__Label:__ text`, or
/// `**Label**: text`) into its label and the rest.
pub fn split_label(point: &str) -> (Option<String>, &str) {
    let t = point.trim();
    for marker in ["**", "__"] {
        let Some(inner) = t.strip_prefix(marker) else {
            continue;
        };
        let Some(end) = inner.find(marker) else {
            continue;
        };
        let label = inner[..end].trim();
        let rest = &inner[end + marker.len()..];
        let (label, rest) = match label.strip_suffix(':') {
            Some(label) => (label.trim(), rest),
            None => match rest.trim_start().strip_prefix(':') {
                Some(rest) => (label, rest),
                // A bold phrase without a colon is emphasis, not a label.
                None => continue,
            },
        };
        if !label.is_empty() {
            return (Some(label.to_owned()), rest.trim_start());
        }
    }
    (None, t)
}

/// A date in the three forms templates use.
pub fn date_view(date: &Zoned) -> DateView {
    DateView {
        iso: date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        display: date.strftime("%-d %B %Y").to_string(),
        short: date.strftime("%-d %b %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(summary("  A short\n summary. "), "A short summary.");
    }

    #[test]
    fn long_text_is_cut_on_a_word() {
        let text = "word ".repeat(60);
        let s = summary(&text);
        assert!(s.chars().count() <= SUMMARY_MAX, "{}", s.chars().count());
        assert!(s.ends_with("word…"), "{s}");
        let long_word = "x".repeat(300);
        let s = summary(&format!("a {long_word}"));
        assert_eq!(s, "a…");
    }

    #[test]
    fn cut_exactly_at_a_boundary_keeps_the_last_word() {
        // 159 characters then a space: the whole 159 fit.
        let text = format!("{} tail", "a".repeat(159));
        assert_eq!(summary(&text), format!("{}…", "a".repeat(159)));
    }

    #[test]
    fn the_limit_is_inclusive() {
        let full = "a".repeat(SUMMARY_MAX);
        assert_eq!(summary(&format!(" {full}\n")), full);
        let one_more = format!("{full} b and a long tail {}", "word ".repeat(100));
        assert_eq!(
            summary(&one_more),
            format!("{}…", "a".repeat(SUMMARY_MAX - 1))
        );
    }

    #[test]
    fn multibyte_text_is_cut_on_char_boundaries() {
        let s = summary(&"é ".repeat(200));
        assert!(s.chars().count() <= SUMMARY_MAX);
    }

    #[test]
    fn text_is_cut_after_a_number_of_chars() {
        let cut = |text: &str, max: usize| {
            let mut text = text.to_owned();
            truncate_chars(&mut text, max);
            text
        };
        assert_eq!(cut("abcdef", 4), "abcd");
        assert_eq!(cut("ab", 4), "ab");
        assert_eq!(cut("", 4), "");
        assert_eq!(cut("abc", 0), "");
        assert_eq!(cut("é€😀xyz", 3), "é€😀");
        assert_eq!(cut("a’b’c’d", 4), "a’b’");
        let mixed = "word’s “quote” — é ".repeat(200);
        for max in [0, 1, 7, 100, 2_001, 4_000, 10_000] {
            let by_chars: String = mixed.chars().take(max).collect();
            assert_eq!(cut(&mixed, max), by_chars, "{max}");
        }
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0, 230), 1);
        assert_eq!(reading_minutes(230, 230), 1);
        assert_eq!(reading_minutes(231, 230), 2);
        assert_eq!(reading_minutes(5, 0), 5);
    }

    #[test]
    fn labels_are_split() {
        assert_eq!(
            split_label("**End of exclusivity:** any cloud."),
            (Some("End of exclusivity".into()), "any cloud.")
        );
        assert_eq!(
            split_label("**Azure first**: until 2032"),
            (Some("Azure first".into()), "until 2032")
        );
        assert_eq!(split_label("__AGI:__ gone"), (Some("AGI".into()), "gone"));
        assert_eq!(
            split_label("**Bold** but no label"),
            (None, "**Bold** but no label")
        );
        assert_eq!(split_label("Plain point"), (None, "Plain point"));
        assert_eq!(split_label("****: x"), (None, "****: x"));
    }

    #[test]
    fn dates_render_in_their_zone() {
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let date = jiff::civil::date(2025, 1, 21)
            .to_zoned_datetime(tz)
            .unwrap();
        let view = date_view(&date);
        assert_eq!(view.iso, "2025-01-21T00:00:00-05:00");
        assert_eq!(view.display, "21 January 2025");
        assert_eq!(view.short, "21 Jan 2025");
    }
}
