//! Escaping for every output context that `briefing` writes by hand: XML
//! (feeds, sitemap), JSON inside an HTML `<script>` element, and plain text
//! for Markdown front matter. HTML pages are escaped by Tera's autoescape.

/// Escapes text for XML character data and attribute values, and drops the
/// characters XML 1.0 forbids (C0 controls other than tab, LF and CR, lone
/// surrogates cannot occur in Rust strings, and U+FFFE/U+FFFF).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Copy runs of plain text at once; feeds escape whole rendered bodies.
    let mut run_start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            c if is_xml_forbidden(c) => "",
            _ => continue,
        };
        out.push_str(&text[run_start..i]);
        out.push_str(replacement);
        run_start = i + c.len_utf8();
    }
    out.push_str(&text[run_start..]);
    out
}

/// Characters that may not appear in an XML 1.0 document at all.
fn is_xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Serializes a value as JSON that is safe inside an HTML `<script>`
/// element: `<`, `>` and `&` are written as `\u003c`-style escapes, so no
/// input can close the element or open a comment, and U+2028/U+2029 are
/// escaped for old JavaScript parsers.
pub fn json_for_script<T: serde::Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_controls() {
        assert_eq!(
            xml("a<b>&\"'\u{0}\u{1b}\tz\u{ffff}"),
            "a&lt;b&gt;&amp;&quot;&apos;\tz"
        );
    }

    #[test]
    fn json_in_script_cannot_close_the_element() {
        let s = json_for_script(&serde_json::json!({"t": "</script><!-- & \u{2028}"}));
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(s.contains("\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "</script><!-- & \u{2028}");
    }
}
