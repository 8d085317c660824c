//! Code block adapter: fenced code in a known language becomes syntect's
//! class-based HTML (`hl-` prefixed classes), styled by the CSS from
//! [`Highlighter::css`]. Everything else is escaped text.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::{SpannedEvent, escape};

/// The class prefix shared by the highlighted HTML and its CSS.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Blocks larger than this are not highlighted. syntect with the pure-Rust
/// regex engine costs roughly 0.1 ms per line, so a pasted log of a few
/// thousand lines would stall a build for seconds.
const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;

/// Lines longer than this (minified code, base64) turn highlighting off for
/// their block, for the same reason.
const MAX_HIGHLIGHT_LINE: usize = 4 * 1024;

/// The syntaxes for fenced code, loaded once per process and shared across
/// threads.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    /// Load syntect's bundled syntaxes (the variant that expects newlines,
    /// which highlights more accurately). Takes a few milliseconds: do it once.
    pub fn new() -> Self {
        Self {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    /// CSS for the highlight classes: `light_theme` unless the reader prefers
    /// dark, `dark_theme` inside `@media (prefers-color-scheme: dark)`, from
    /// syntect's bundled themes ("InspiredGitHub", "base16-ocean.dark",
    /// "Solarized (light)", …). An unknown name is an error that lists the
    /// known ones.
    ///
    /// The light rules are fenced off from dark mode rather than overridden:
    /// two themes style different scopes, and a more specific light rule
    /// (`.hl-constant.hl-numeric`) would beat a dark one (`.hl-constant`).
    pub fn css(light_theme: &str, dark_theme: &str) -> Result<String, String> {
        let themes = ThemeSet::load_defaults();
        let css_for = |name: &str| {
            let theme = themes.themes.get(name).ok_or_else(|| {
                let known: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
                format!(
                    "unknown highlight theme `{name}`; known themes: {}",
                    known.join(", ")
                )
            })?;
            css_for_theme_with_class_style(theme, CLASS_STYLE)
                .map_err(|err| format!("cannot write CSS for highlight theme `{name}`: {err}"))
        };
        let light = css_for(light_theme)?;
        let dark = css_for(dark_theme)?;
        Ok(format!(
            "@media not all and (prefers-color-scheme: dark) {{\n{light}}}\n\n\
             @media (prefers-color-scheme: dark) {{\n{dark}}}\n"
        ))
    }

    /// The syntax for a fence's language token, by name or file extension
    /// (`rust`, `rs`, `Python`, `sh`), plus a few common aliases.
    fn syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let lower = lang.to_ascii_lowercase();
        let token = match lower.as_str() {
            "shell" | "console" | "zsh" | "sh" => "bash",
            "py3" => "py",
            "golang" => "go",
            "c++" => "cpp",
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// Highlighted HTML for `code`, or `None` to fall back to plain text.
    fn highlight(&self, syntax: &SyntaxReference, code: &str) -> Option<String> {
        if code.len() > MAX_HIGHLIGHT_BYTES {
            return None;
        }
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if line.len() > MAX_HIGHLIGHT_LINE {
                return None;
            }
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// Replace every code block (start, text, end) with one `Event::Html` of
/// its finished markup, at the block's range.
pub(crate) fn code_blocks(events: &mut Vec<SpannedEvent<'_>>, highlighter: &Highlighter) {
    // The block being read: its language, its range and its code so far.
    let mut open: Option<(String, Range<usize>, String)> = None;
    events.retain_mut(|(event, range)| match (event, &mut open) {
        (Event::Start(Tag::CodeBlock(kind)), block) => {
            let lang = match kind {
                CodeBlockKind::Fenced(info) => language(info),
                CodeBlockKind::Indented => "",
            };
            *block = Some((lang.to_owned(), range.clone(), String::new()));
            false
        }
        (Event::Text(text), Some((_, _, code))) => {
            code.push_str(text);
            false
        }
        (event @ Event::End(TagEnd::CodeBlock), block) => {
            let Some((lang, start, code)) = block.take() else {
                return false;
            };
            *event = Event::Html(CowStr::from(block_html(highlighter, &lang, &code)));
            *range = start;
            true
        }
        _ => true,
    });
}

/// The language token of a fence's info string: its first word, cut at `,`
/// or `{` (`rust,ignore`, `python {linenos}`).
fn language(info: &str) -> &str {
    let word = info.split_whitespace().next().unwrap_or("");
    word.split([',', '{']).next().unwrap_or("")
}

/// `<pre class="code hl-code" data-lang="…">` for a known language
/// (`hl-code` carries the theme's colours), plain `<pre><code>` otherwise,
/// keeping `language-…` so client-side tools (diagrams) can find the block.
fn block_html(highlighter: &Highlighter, lang: &str, code: &str) -> String {
    let Some(syntax) = (!lang.is_empty())
        .then(|| highlighter.syntax(lang))
        .flatten()
    else {
        let class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape::html(lang))
        };
        return format!("<pre><code{class}>{}</code></pre>\n", escape::html(code));
    };
    let body = highlighter
        .highlight(syntax, code)
        .unwrap_or_else(|| escape::html(code));
    format!(
        "<pre class=\"code hl-code\" data-lang=\"{}\"><code>{body}</code></pre>\n",
        escape::html(lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};
    use std::sync::LazyLock;

    static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::new);

    fn html(body: &str) -> String {
        let mut events = parse(body, &Options::default());
        code_blocks(&mut events, &HIGHLIGHTER);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        html
    }

    #[test]
    fn rust_is_highlighted_with_prefixed_classes() {
        let out = html("```rust\nfn main() { let x = \"<hi>\"; }\n```\n");
        assert!(out.starts_with("<pre class=\"code hl-code\" data-lang=\"rust\"><code><span class=\"hl-source hl-rust\">"), "{out}");
        assert!(
            out.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"),
            "{out}"
        );
        assert!(out.contains("&lt;hi&gt;"));
        assert!(out.ends_with("</span></code></pre>\n"));
    }

    #[test]
    fn info_string_extras_and_aliases() {
        assert!(html("```rust,ignore {x}\nfn a() {}\n```\n").contains("data-lang=\"rust\""));
        assert!(html("```shell\nls -la\n```\n").contains("hl-source hl-shell hl-bash"));
        assert!(html("```PY\nx = 1\n```\n").contains("hl-source hl-python"));
    }

    #[test]
    fn unknown_missing_and_indented_are_plain_and_escaped() {
        assert_eq!(
            html("```mermaid\ngraph <b>\n```\n"),
            "<pre><code class=\"language-mermaid\">graph &lt;b&gt;\n</code></pre>\n"
        );
        assert_eq!(
            html("```\na & b\n```\n"),
            "<pre><code>a &amp; b\n</code></pre>\n"
        );
        assert_eq!(html("    x < y\n"), "<pre><code>x &lt; y\n</code></pre>\n");
        assert_eq!(
            html("```\"><script>\nx\n```\n"),
            "<pre><code class=\"language-&quot;&gt;&lt;script&gt;\">x\n</code></pre>\n"
        );
    }

    #[test]
    fn odd_blocks_do_not_panic() {
        assert_eq!(
            html("```rust\n```\n"),
            "<pre class=\"code hl-code\" data-lang=\"rust\"><code></code></pre>\n"
        );
        let long_line = format!("```rust\nlet s = \"{}\";\n```\n", "a".repeat(100_000));
        let out = html(&long_line);
        assert!(
            out.starts_with(
                "<pre class=\"code hl-code\" data-lang=\"rust\"><code>let s = &quot;aaa"
            )
        );
        let unclosed = html("```js\nlet a = `${");
        assert!(unclosed.contains("data-lang=\"js\""));
        let huge = format!(
            "```rust\n{}```\n",
            "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 10)
        );
        let out = html(&huge);
        assert!(
            out.starts_with("<pre class=\"code hl-code\" data-lang=\"rust\"><code>let x = 1;\n")
        );
        assert!(!out.contains("<span"));
        let many_lines = format!("```rust\n{}```\n", "fn f() { /* x */ }\n".repeat(500));
        assert!(html(&many_lines).contains("hl-comment"));
    }

    #[test]
    fn css_has_light_and_dark_themes() {
        let css = Highlighter::css("InspiredGitHub", "base16-ocean.dark").expect("bundled themes");
        assert!(css.starts_with("@media not all and (prefers-color-scheme: dark) {\n/*\n"));
        assert!(css.contains(".hl-code {"));
        assert!(css.ends_with("}\n}\n"));
        let (light, dark) = css
            .split_once("\n@media (prefers-color-scheme: dark) {\n")
            .expect("dark block");
        assert!(light.contains("theme \"GitHub\""), "{light}");
        assert!(dark.contains("theme \"Base16 Ocean Dark\""), "{dark}");
    }

    #[test]
    fn unknown_theme_is_an_error_naming_known_ones() {
        let err = Highlighter::css("Nope", "base16-ocean.dark").expect_err("unknown theme");
        assert!(
            err.starts_with("unknown highlight theme `Nope`; known themes: "),
            "{err}"
        );
        assert!(err.contains("InspiredGitHub"));
    }

    #[test]
    fn highlighter_is_shareable() {
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<Highlighter>();
    }
}
