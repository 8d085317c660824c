//! Escaping for markup the adapters write themselves (`Event::Html` is copied
//! verbatim by pulldown-cmark's writer, so nothing else escapes it).

/// Escape text for an HTML text node or a double-quoted attribute value.
pub(crate) fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_html(&mut out, text);
    out
}

/// Append `text` to `out`, escaped as by [`html`].
pub(crate) fn push_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
}

/// Escape a URL for a double-quoted `href`/`src`, the way pulldown-cmark's
/// writer does for the links it renders itself: characters that are safe in
/// a URL stay, `&` and `'` become entities, everything else (spaces, quotes,
/// angle brackets, non-ASCII) is percent-encoded. Existing `%XX` are kept.
pub(crate) fn href(url: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(url.len());
    for &byte in url.as_bytes() {
        match byte {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            _ if is_href_safe(byte) => out.push(char::from(byte)),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
    }
    out
}

/// The bytes pulldown-cmark leaves unencoded in an `href` (its `HREF_SAFE`).
fn is_href_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%()*+,-./:;=?@^_~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_quotes() {
        assert_eq!(
            html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }

    #[test]
    fn href_matches_pulldown_cmark() {
        assert_eq!(
            href("/a b/ü?x=1&y='2'#f"),
            "/a%20b/%C3%BC?x=1&amp;y=&#x27;2&#x27;#f"
        );
        assert_eq!(href("a\"><script>"), "a%22%3E%3Cscript%3E");
        assert_eq!(href("%20already"), "%20already");
    }
}
