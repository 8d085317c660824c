//! Link and image URLs that must never reach a page: `javascript:`,
//! `vbscript:` and `data:`, however they are spelt.
//!
//! Browsers ignore tabs and newlines inside a URL and leading control
//! characters, and authors (or pasted text) can hide a scheme behind HTML
//! entities or percent-encoding. So the check looks at the URL with all of
//! that undone, repeatedly, and errs on the side of refusing: percent-encoded
//! schemes are harmless in a browser, but they are never what an author meant.

use std::borrow::Cow;

/// Schemes that run code or embed documents.
const DANGEROUS_SCHEMES: [&str; 3] = ["javascript", "vbscript", "data"];

/// Rounds of decoding; enough for `&amp;#106;`-style double encoding, and a
/// bound on work for hostile input.
const DECODE_ROUNDS: usize = 4;

/// The dangerous scheme `url` uses, if any.
pub(crate) fn dangerous_scheme(url: &str) -> Option<&'static str> {
    let mut current = strip_ignored(url);
    for _ in 0..DECODE_ROUNDS {
        // Most URLs have nothing encoded: no allocation for them. (Both
        // are ASCII, so a byte search finds them.)
        if !current.bytes().any(|b| b == b'&' || b == b'%') {
            break;
        }
        let decoded = percent_decode(&decode_entities(&current));
        let decoded = strip_ignored(&decoded).into_owned();
        if decoded == current {
            break;
        }
        current = Cow::Owned(decoded);
    }
    let scheme = scheme(&current)?;
    DANGEROUS_SCHEMES
        .into_iter()
        .find(|dangerous| dangerous.eq_ignore_ascii_case(scheme))
}

/// The scheme of a URL (`https` in `https://…`), if it has one.
///
/// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
pub(crate) fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Remove what a browser skips when it reads a URL: ASCII whitespace and
/// control characters (and, to be safe, Unicode whitespace).
fn strip_ignored(url: &str) -> Cow<'_, str> {
    let ignored = |c: char| c.is_control() || c.is_whitespace();
    // In ASCII those are the bytes up to the space, and DEL: a byte scan
    // clears most URLs, and only one with such a byte or a non-ASCII one is
    // read char by char.
    let suspect = url.bytes().any(|b| b <= b' ' || b >= 0x7F);
    if suspect && url.contains(ignored) {
        Cow::Owned(url.chars().filter(|&c| !ignored(c)).collect())
    } else {
        Cow::Borrowed(url)
    }
}

/// Decode numeric character references (`&#106;`, `&#x6A`, with or without
/// `;`) and the named ones that can spell a scheme's punctuation or the
/// whitespace a browser skips. Letters have no named entities.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp + 1..];
        match decode_entity(rest) {
            Some((decoded, used)) => {
                out.push(decoded);
                rest = &rest[used..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// Decode the entity at the start of `text` (just after `&`): the character
/// and how many bytes it used, including an optional `;`.
fn decode_entity(text: &str) -> Option<(char, usize)> {
    let (value, used) = if let Some(numeric) = text.strip_prefix('#') {
        let (radix, digits_at) = match numeric.as_bytes().first() {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let digits = &text[digits_at..];
        let len = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        // Eight digits cover every code point; more is an overlong spelling.
        let code = u32::from_str_radix(&digits[..len.min(8)], radix).ok()?;
        (char::from_u32(code).unwrap_or('\u{FFFD}'), digits_at + len)
    } else {
        let len = text
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(text.len());
        (named_entity(&text[..len])?, len)
    };
    let used = used + usize::from(text[used..].starts_with(';'));
    Some((value, used))
}

/// The named entities that matter for scheme checks.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "colon" => ':',
        "Tab" => '\t',
        "NewLine" => '\n',
        "nbsp" | "NonBreakingSpace" => '\u{A0}',
        "amp" | "AMP" => '&',
        "num" => '#',
        "percnt" => '%',
        "sol" => '/',
        "quest" => '?',
        "period" => '.',
        "plus" => '+',
        "hyphen" | "dash" => '-',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Decode `%XX` escapes; invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(pair, 16).ok()
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_dangerous_scheme_is_caught() {
        let cases = [
            ("javascript:alert(1)", "javascript"),
            ("JaVaScRiPt:alert(1)", "javascript"),
            ("java\tscript:alert(1)", "javascript"),
            ("java\nscript:alert(1)", "javascript"),
            (" \u{1}javascript:alert(1)", "javascript"),
            ("&#106;avascript:alert(1)", "javascript"),
            ("&#x6A;avascript:alert(1)", "javascript"),
            ("&#X6a&#x61vascript:alert(1)", "javascript"),
            ("&#0000106avascript:alert(1)", "javascript"),
            ("javascript&colon;alert(1)", "javascript"),
            ("javascript&#58;alert(1)", "javascript"),
            ("java&Tab;script:alert(1)", "javascript"),
            ("%6Aavascript:alert(1)", "javascript"),
            ("%256Aavascript:alert(1)", "javascript"),
            ("&amp;#106;avascript:alert(1)", "javascript"),
            ("javascript%3Aalert(1)", "javascript"),
            ("vbscript:msgbox(1)", "vbscript"),
            ("VBScript:msgbox(1)", "vbscript"),
            ("data:text/html;base64,PHNjcmlwdD4=", "data"),
            ("DATA:image/png;base64,AAAA", "data"),
        ];
        for (url, scheme) in cases {
            assert_eq!(dangerous_scheme(url), Some(scheme), "{url:?}");
        }
    }

    #[test]
    fn ordinary_urls_pass() {
        for url in [
            "https://example.com/javascript:",
            "http://example.com/?q=data:x",
            "mailto:someone@example.com",
            "/briefings/other/#part",
            "./javascript:notascheme",
            "other.md#data:",
            "#javascript",
            "",
            "&",
            "&#",
            "&#x;",
            "%",
            "%zz",
            "&#99999999999;",
        ] {
            assert_eq!(dangerous_scheme(url), None, "{url:?}");
        }
    }

    #[test]
    fn what_a_browser_skips_is_stripped() {
        let ascii = (0..=0x7F_u8).map(|byte| format!("a{}b", char::from(byte)));
        let other = ["é/\u{A0}x", "\u{85}a\u{2028}b", "\u{9F}data:", "/café/"].map(String::from);
        for url in ascii.chain(other) {
            let by_chars: String = url
                .chars()
                .filter(|&c| !c.is_control() && !c.is_whitespace())
                .collect();
            assert_eq!(strip_ignored(&url), by_chars, "{url:?}");
        }
    }

    #[test]
    fn scheme_follows_rfc_3986() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("git+ssh://x"), Some("git+ssh"));
        assert_eq!(scheme("1http://x"), None);
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme(":x"), None);
    }

    #[test]
    fn percent_decode_handles_bad_escapes() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn padding_does_not_hide_a_scheme() {
        let padded = format!("{}javascript:x", "&#9;".repeat(1_000));
        assert_eq!(dangerous_scheme(&padded), Some("javascript"));
        let long = format!("data:image/png;base64,{}", "A".repeat(100_000));
        assert_eq!(dangerous_scheme(&long), Some("data"));
    }
}
