//! Cleaning rendered HTML when the author wrote raw HTML and the site does
//! not trust it (`unsafe_html = false`).
//!
//! The allow-list is everything the Markdown adapters produce, so a body
//! with raw HTML in it looks the same as one without, minus what is unsafe:
//! scripts, event handlers, `style`, frames, forms and `javascript:`-like
//! URLs. Bodies without raw HTML are never cleaned: their markup is built
//! from escaped parts, and ammonia re-parses the whole document.

use std::sync::LazyLock;

/// Built once: ammonia's builder is immutable while cleaning and `Sync`.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(builder);

/// Clean a rendered body (or inline fragment).
pub(crate) fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

fn builder() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        // Footnotes and task lists; the rest of Markdown's output (tables,
        // `details`, `del`, `sup`, headings…) is in ammonia's defaults.
        .add_tags(["section", "input"])
        // Heading and footnote ids; classes for highlighting, alerts,
        // footnotes, table alignment and the author's `{.class}`.
        .add_generic_attributes(["id", "class"])
        .add_tag_attributes("a", ["aria-hidden", "aria-label", "tabindex"])
        .add_tag_attributes("img", ["loading"])
        .add_tag_attributes("pre", ["data-lang"])
        .add_tag_attributes("div", ["role"])
        .add_tag_attributes("section", ["aria-label"])
        .add_tag_attributes("details", ["open"])
        // Task list checkboxes. Other input types lose their `type`; there
        // is no form to send them anywhere. (ammonia's forced attribute
        // values would be simpler but come out in hash order, and output
        // must be byte-identical between builds.)
        .add_tag_attributes("input", ["checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        // Links never open new windows (no `target`), so `noopener` adds
        // nothing, and a page should not change its referrer policy just
        // because it contains an HTML comment.
        .link_rel(None);
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_is_unsafe() {
        assert_eq!(clean("<p>a<script>alert(1)</script>b</p>"), "<p>ab</p>");
        assert_eq!(clean("<img src=x onerror=alert(1)>"), "<img src=\"x\">");
        assert_eq!(clean("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
        assert_eq!(clean("<iframe src=\"https://e.com\"></iframe>ok"), "ok");
        assert_eq!(
            clean("<form action=/x><input type=text name=q></form>"),
            "<input>"
        );
        assert_eq!(
            clean("<p style=\"color:red\" onclick=\"x()\">p</p>"),
            "<p>p</p>"
        );
        assert_eq!(clean("<style>p{}</style><!-- c -->t"), "t");
    }

    #[test]
    fn keeps_what_markdown_makes() {
        let kept = [
            "<h2 id=\"a\" class=\"wide\">A<a class=\"anchor\" href=\"#a\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>",
            "<pre class=\"code hl-code\" data-lang=\"rust\"><code><span class=\"hl-source hl-rust\">x</span></code></pre>",
            "<div class=\"markdown-alert markdown-alert-note\" role=\"note\"><p class=\"markdown-alert-title\">Note</p></div>",
            "<div class=\"table-wrap\"><table><thead><tr><th class=\"align-center\">a</th></tr></thead><tbody><tr><td class=\"align-right\">1</td></tr></tbody></table></div>",
            "<ul><li><input type=\"checkbox\" disabled=\"\" checked=\"\">done</li></ul>",
            "<p><del>old</del> <img src=\"c.png\" alt=\"chart\" title=\"t\" loading=\"lazy\"> x<sup>2</sup></p>",
            "<details open=\"\"><summary>More</summary>text</details>",
        ];
        for html in kept {
            assert_eq!(clean(html), html);
        }
        assert_eq!(
            clean("<sup class=\"footnote-reference\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>"),
            "<sup class=\"footnote-reference\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup>"
        );
        assert_eq!(
            clean(
                "<section class=\"footnotes\" aria-label=\"Footnotes\"><div class=\"footnote-definition\" id=\"fn-1\"></div></section>"
            ),
            "<section class=\"footnotes\" aria-label=\"Footnotes\"><div class=\"footnote-definition\" id=\"fn-1\"></div></section>"
        );
    }
}
