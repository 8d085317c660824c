//! Escaping for every output context that `briefing` writes by hand: XML
//! (feeds, sitemap), JSON inside an HTML `<script>` element, and plain text
//! for Markdown front matter. HTML pages are escaped by Tera's autoescape.

use std::fmt;
use std::io;

/// Escapes text for XML character data and attribute values, and drops the
/// characters XML 1.0 forbids (C0 controls other than tab, LF and CR, lone
/// surrogates cannot occur in Rust strings, and U+FFFE/U+FFFF).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Writing to a String cannot fail.
    let _ = write_xml(&mut out, text);
    out
}

/// Text that displays as [`xml`] would escape it, for `write!` into a
/// document under construction without an intermediate `String`.
#[derive(Debug, Clone, Copy)]
pub struct Xml<'a>(pub &'a str);

impl fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_xml(f, self.0)
    }
}

/// Writes `text` escaped for XML to `out`.
fn write_xml<W: fmt::Write + ?Sized>(out: &mut W, text: &str) -> fmt::Result {
    let bytes = text.as_bytes();
    // Copy runs of plain text at once (feeds escape whole rendered bodies);
    // only the bytes the table marks need a closer look.
    let mut run_start = 0;
    let mut i = 0;
    while let Some(skip) = bytes[i..].iter().position(|&b| XML_SPECIAL[usize::from(b)]) {
        i += skip;
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&apos;", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF; any other
            // character starting with EF is kept.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            0xEF => {
                i += 1;
                continue;
            }
            // The table marks no other byte than these and the C0
            // controls XML forbids, which are dropped.
            _ => ("", 1),
        };
        out.write_str(&text[run_start..i])?;
        out.write_str(replacement)?;
        i += len;
        run_start = i;
    }
    out.write_str(&text[run_start..])
}

/// Bytes that [`write_xml`] has to look at: markup, the C0 controls XML
/// forbids, and the lead byte of U+FFFE/U+FFFF.
const XML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

/// Serializes a value as JSON that is safe inside an HTML `<script>`
/// element: `<`, `>` and `&` are written as `\u003c`-style escapes, so no
/// input can close the element or open a comment, and U+2028/U+2029 are
/// escaped for old JavaScript parsers.
pub fn json_for_script<T: serde::Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    if value.serialize(&mut ser).is_err() {
        return "null".to_owned();
    }
    String::from_utf8(out).expect("serde_json writes UTF-8 and the escapes are ASCII")
}

/// Bytes that [`ScriptSafe`] has to look at: `<`, `>`, `&` and the lead
/// byte of U+2028/U+2029.
const SCRIPT_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'&' as usize] = true;
    table[0xE2] = true;
    table
};

/// Compact JSON whose strings never contain `<`, `>`, `&`, U+2028 or
/// U+2029. Outside strings JSON has none of these characters, so escaping
/// the string fragments is enough.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let bytes = fragment.as_bytes();
        let mut run_start = 0;
        let mut i = 0;
        while let Some(skip) = bytes[i..]
            .iter()
            .position(|&b| SCRIPT_SPECIAL[usize::from(b)])
        {
            i += skip;
            let (escape, len): (&[u8], usize) = match bytes[i] {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                b'&' => (b"\\u0026", 1),
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9; other
                // characters starting with E2 are kept.
                _ => match bytes.get(i + 1..i + 3) {
                    Some([0x80, 0xA8]) => (b"\\u2028", 3),
                    Some([0x80, 0xA9]) => (b"\\u2029", 3),
                    _ => {
                        i += 1;
                        continue;
                    }
                },
            };
            writer.write_all(&bytes[run_start..i])?;
            writer.write_all(escape)?;
            i += len;
            run_start = i;
        }
        writer.write_all(&bytes[run_start..])
    }
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
    fn xml_keeps_other_characters_that_share_a_lead_byte() {
        // U+FFFD, U+FFFE, U+FEFF and U+F8FF all start with EF in UTF-8.
        assert_eq!(
            xml("\u{fffd}\u{fffe}\u{feff}x\u{f8ff}\n\r\u{7f}é"),
            "\u{fffd}\u{feff}x\u{f8ff}\n\r\u{7f}é"
        );
        // A lead byte at the very end of the text.
        assert_eq!(xml("ab\u{fffd}"), "ab\u{fffd}");
        assert_eq!(format!("<t>{}</t>", Xml("a&b\u{0}")), "<t>a&amp;b</t>");
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

    #[test]
    fn json_in_script_escapes_keys_and_keeps_neighbours_of_the_separators() {
        let value = serde_json::json!({
            "<k>": ["\u{2029}\u{2028}", "\u{2027}\u{202a}\u{20ac}", "\"\n&"]
        });
        let expected = concat!(
            r#"{"\u003ck\u003e":["\u2029\u2028",""#,
            "\u{2027}\u{202a}\u{20ac}",
            r#"","\"\n\u0026"]}"#
        );
        assert_eq!(json_for_script(&value), expected);
    }
}
