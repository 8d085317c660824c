//! Parser and serde messages reworded for authors.

/// Rewords a parser or serde message for authors: one line, no position
/// suffix (the diagnostic carries it), no Rust type names, values shortened.
pub(super) fn clean(raw: &str) -> String {
    let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = strip_position(&one_line);
    let text = match text
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split_once(", expected "))
    {
        Some((found, expected)) => format!("expected {expected}, found {}", shorten(found, 60)),
        None => text.to_owned(),
    };
    let text = if text.starts_with("cannot deserialize null") {
        "expected a value, found nothing".to_owned()
    } else if text.starts_with("invalid boolean") {
        "expected true or false".to_owned()
    } else if text.contains("recursion") || text.starts_with("budget breached: Depth") {
        "nested too deeply".to_owned()
    } else if text.starts_with("budget breached") {
        // Alias bombs and oversized documents: the limit's name means
        // nothing to an author.
        "too large to read safely (too many values, aliases or bytes)".to_owned()
    } else if let Some(rest) = text.strip_prefix("duplicate mapping key: ") {
        let key = rest
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(rest);
        format!("duplicate key `{}`", shorten(key, 60))
    } else {
        text
    };
    let text = [
        ("expected sequence start", "expected a list"),
        ("expected mapping start", "expected a table"),
        ("expected string scalar", "expected a string"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a table"),
        ("expected i64", "expected an integer"),
        ("found sequence", "found a list"),
        ("found map", "found a table"),
    ]
    .iter()
    .fold(text, |text, (from, to)| replace_word(&text, from, to));
    shorten(&text, 300)
}

/// Removes saphyr's " at line N, column M" (and the alias notes that may
/// follow it): the diagnostic carries the position.
pub(super) fn strip_position(text: &str) -> &str {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    for (at, marker) in text.match_indices(" at line ") {
        let tail = &text[at + marker.len()..];
        let line = digits(tail);
        let Some(rest) = tail[line..].strip_prefix(", column ") else {
            continue;
        };
        let column = digits(rest);
        let after = &rest[column..];
        if line > 0 && column > 0 && (after.is_empty() || after.starts_with(" (")) {
            return &text[..at];
        }
    }
    text
}

/// Replaces whole-word occurrences of `from`, so that "a map" does not
/// rewrite "a mapping".
pub(super) fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `text` cut to at most `max` characters, marking the cut with `…`.
pub(super) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
