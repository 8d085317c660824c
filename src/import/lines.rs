//! Heuristics on one line or paragraph of plain text: datelines, bylines,
//! "Label: text", takeaway lead-ins, key-point headings, URLs, tags. Pure
//! functions, shared by the format readers and by inference.

use super::dates;

/// Headings whose list holds the key points (lower case, no final colon).
const KEY_POINT_HEADINGS: &[&str] = &[
    "key points",
    "the key points",
    "what changed",
    "key takeaways",
    "takeaways",
    "tl;dr",
    "tldr",
];

/// Lead-ins of the takeaway paragraph, and whether a space alone may follow
/// them ("In simple terms the deal…") or punctuation must ("In short, …").
const TAKEAWAY_LEADS: &[(&str, bool)] = &[
    ("in simple terms", true),
    ("in a nutshell", true),
    ("in short", false),
    ("the bottom line", false),
    ("bottom line", false),
];

/// Name particles that may start lower case in a byline.
const PARTICLES: &[&str] = &[
    "de", "da", "van", "von", "der", "den", "la", "le", "bin", "al",
];

/// The site's tags that appear as words in the text, in the site's order.
pub fn tags_in(text: &str, tags: &[String]) -> Vec<String> {
    let words = |s: &str| -> String {
        let spaced: String = s
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        format!(
            " {} ",
            spaced
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        )
    };
    let haystack = words(text);
    tags.iter()
        .filter(|tag| {
            let needle = words(tag);
            needle.trim() != "" && haystack.contains(&needle)
        })
        .cloned()
        .collect()
}

/// A dateline: a date, maybe with a byline ("Posted on March 3, 2026 by
/// Jane Roe", "By Jane Roe · 3 March 2026 · 4 min read"). Returns the date
/// as written and the author.
pub fn dateline(line: &str) -> Option<(String, Option<String>)> {
    let line = line.trim().trim_matches(['*', '_']).trim();
    if line.chars().count() > 120 {
        return None;
    }
    let (mut date, mut author) = (None, None);
    for part in line
        .split([' ', '\u{a0}'])
        .collect::<Vec<_>>()
        .join(" ")
        .split(['·', '|', '•', '—', '–'])
    {
        let part = part.trim();
        let lower = part.to_lowercase();
        if part.is_empty() || (lower.ends_with("read") && lower.contains("min")) {
            continue;
        }
        let (when, by) = match lower.find(" by ") {
            Some(at) => (&part[..at], Some(&part[at + 4..])),
            None if lower.starts_with("by ") => ("", Some(&part[3..])),
            None => (part, None),
        };
        if let Some(name) = by.map(str::trim) {
            author = Some(name.to_owned()).filter(|n| is_name_like(n));
            author.as_ref()?;
        }
        let when = strip_date_label(when);
        if when.is_empty() {
            continue;
        }
        if dates::human(when).is_some() || is_iso_date(when) {
            date = Some(when.to_owned());
        } else {
            return None;
        }
    }
    date.map(|d| (d, author))
}

/// The date part of a dateline without its "Published on"-style label.
pub fn strip_date_label(text: &str) -> &str {
    let mut t = text.trim();
    for label in [
        "published on",
        "published:",
        "published",
        "posted on",
        "posted",
        "updated on",
        "updated:",
        "updated",
        "date:",
        "on",
    ] {
        if let Some(rest) = strip_prefix_ci(t, label) {
            t = rest.trim();
        }
    }
    t
}

fn is_iso_date(text: &str) -> bool {
    dates::parse(text, &jiff::tz::TimeZone::UTC).is_some()
        && text.starts_with(|c: char| c.is_ascii_digit())
}

/// "Label: text" where the label is a few words: the label and the text.
pub fn split_label(text: &str) -> Option<(&str, &str)> {
    let at = text.find(':')?;
    let (label, rest) = (text[..at].trim(), text[at + 1..].trim());
    let words = label.split_whitespace().count();
    let plain_label = !label.contains(['.', '!', '?', ';', '*', '[', ']', '`', '<', '>', '"']);
    (!rest.is_empty()
        && !rest.starts_with("//")
        && (1..=6).contains(&words)
        && label.len() <= 60
        && plain_label)
        .then_some((label, rest))
}

/// A key point's Markdown with its label in bold: `**Label:** text`.
pub fn labelled(item: &str) -> String {
    // "**Label**: text" → "**Label:** text"
    if let Some(rest) = item.strip_prefix("**")
        && let Some(end) = rest.find("**:")
    {
        return format!("**{}:**{}", &rest[..end], &rest[end + 3..]);
    }
    if item.starts_with("**") {
        return item.to_owned();
    }
    match split_label(item) {
        Some((label, rest)) => format!("**{label}:** {rest}"),
        None => item.to_owned(),
    }
}

/// The label of a `**Label:** text` key point.
pub fn label_of(point: &str) -> Option<String> {
    let rest = point.strip_prefix("**")?;
    let end = rest.find(":**")?;
    Some(rest[..end].to_owned()).filter(|l| !l.trim().is_empty())
}

/// Whether a heading names the key points ("Key points", "TL;DR"…).
pub fn is_key_point_heading(text: &str) -> bool {
    let name = text.trim().trim_end_matches(':').trim().to_lowercase();
    KEY_POINT_HEADINGS.contains(&name.as_str())
}

/// "In simple terms, X" → the lead as written and X.
pub fn takeaway_lead(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start();
    TAKEAWAY_LEADS.iter().find_map(|&(lead, space_ok)| {
        let head = t.get(..lead.len())?;
        if !head.eq_ignore_ascii_case(lead) {
            return None;
        }
        let after = &t[lead.len()..];
        let punct = after
            .trim_start()
            .starts_with([',', ':', ';', '—', '–', '-']);
        let spaced = space_ok && after.starts_with(' ');
        let rest = after
            .trim_start_matches([',', ':', ';', '—', '–', '-', ' '])
            .trim();
        ((punct || spaced) && !rest.is_empty()).then_some((head, rest))
    })
}

/// "Author: Jane Roe", "Written by Jane Roe", "By Jane Roe" → the name.
pub fn author_line(text: &str) -> Option<String> {
    let t = text.trim();
    [
        "author:",
        "written by:",
        "written by",
        "posted by",
        "by:",
        "by",
    ]
    .iter()
    .find_map(|label| {
        strip_prefix_ci(t, label).filter(|rest| rest.starts_with(' ') || label.ends_with(':'))
    })
    .map(|name| name.trim().trim_end_matches('.').to_owned())
    .filter(|name| is_name_like(name))
}

/// A person's name: one to five capitalised words (particles allowed), no
/// digits or sentence punctuation.
pub fn is_name_like(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && !name.contains(|c: char| c.is_ascii_digit() || ",;:!?()[]<>/@\"".contains(c))
        && words[0].starts_with(char::is_uppercase)
        && words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase) || PARTICLES.contains(w))
}

/// Whether `text` is one absolute http(s) URL.
pub fn is_http_url(text: &str) -> bool {
    !text.contains(char::is_whitespace) && crate::enrich::sections::is_http_url(text)
}

/// The first http(s) URL in a text.
pub fn first_url(text: &str) -> Option<String> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let url: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '>' | '"' | ']'))
        .collect();
    let url = url.trim_end_matches(['.', ',', ';']).to_owned();
    is_http_url(&url).then_some(url)
}

/// `text` without `prefix`, compared case-insensitively.
pub fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `text` trimmed, its first letter upper case.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.trim().chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether a heading names the takeaway ("In simple terms", "Bottom line").
pub fn is_takeaway_heading(name: &str) -> bool {
    let name = name.trim().trim_end_matches(':').to_lowercase();
    TAKEAWAY_LEADS.iter().any(|(lead, _)| *lead == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_whole_words_in_the_sites_order() {
        let tags = vec![
            "cloud".to_owned(),
            "open-source".to_owned(),
            "chips".to_owned(),
        ];
        assert_eq!(
            tags_in("Open source chips move to the cloud.", &tags),
            ["cloud", "open-source", "chips"]
        );
        assert!(tags_in("Cloudy days; chipset news.", &tags).is_empty());
    }

    #[test]
    fn datelines() {
        assert_eq!(
            dateline("March 3, 2026"),
            Some(("March 3, 2026".into(), None))
        );
        assert_eq!(
            dateline("Posted on March 3, 2026 by Jane Roe"),
            Some(("March 3, 2026".into(), Some("Jane Roe".into())))
        );
        assert_eq!(
            dateline("By Jane Roe · 2026-03-03 · 4 min read"),
            Some(("2026-03-03".into(), Some("Jane Roe".into())))
        );
        assert_eq!(dateline("The launch was on March 3, 2026."), None);
        assert_eq!(dateline("By Jane Roe"), None);
    }

    #[test]
    fn labels_names_and_leads() {
        assert_eq!(split_label("Price: lower"), Some(("Price", "lower")));
        assert_eq!(split_label("https://example.com"), None);
        assert_eq!(split_label("It ended. Then: more"), None);
        assert_eq!(split_label("Label:"), None);
        assert_eq!(author_line("Author: Jane Roe").as_deref(), Some("Jane Roe"));
        assert_eq!(
            author_line("Written by Ana de la Cruz").as_deref(),
            Some("Ana de la Cruz")
        );
        assert_eq!(author_line("By contrast, rivals waited."), None);
        assert_eq!(author_line("Author: see below for details"), None);
        assert_eq!(takeaway_lead("In short, yes."), Some(("In short", "yes.")));
        assert_eq!(
            takeaway_lead("Bottom line: wait."),
            Some(("Bottom line", "wait."))
        );
        assert_eq!(takeaway_lead("In short supply, chips rose."), None);
        assert_eq!(
            takeaway_lead("The bottom line — wait."),
            Some(("The bottom line", "wait."))
        );
        assert_eq!(
            takeaway_lead("In simple terms the deal is open."),
            Some(("In simple terms", "the deal is open."))
        );
        assert_eq!(labelled("**Term**: ten years"), "**Term:** ten years");
        assert_eq!(label_of("**Term:** ten years").as_deref(), Some("Term"));
    }
}
