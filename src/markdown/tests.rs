//! End-to-end tests of [`render`](super::render): the adapters together, as
//! the build uses them.

use std::sync::LazyLock;

use super::*;

static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::new);

/// Content files `2025/other.md` and `pages/about.md`.
struct Site;

impl LinkResolver for Site {
    fn resolve(&self, path: &str) -> Option<String> {
        match path {
            "2025/other.md" => Some("/base/briefings/other/".into()),
            "pages/about.md" => Some("/base/about/".into()),
            _ => None,
        }
    }
}

fn render_with(body: &str, options: Options) -> Rendered {
    render(RenderInput {
        events: parse(body, &options),
        content_path: "2025/a.md",
        resolver: &Site,
        highlighter: &HIGHLIGHTER,
        options: &options,
    })
}

fn render_body(body: &str) -> Rendered {
    render_with(body, Options::default())
}

const TRUSTED: Options = Options {
    smart_punctuation: false,
    unsafe_html: true,
};

#[test]
fn a_briefing_renders_completely() {
    let body = "\
## What changed

Microsoft keeps its stake[^stake] (see [the deal](other.md#terms)).

![Chart of stakes](chart.png)

```rust
let x = 1;
```

[^stake]: About 27%.
";
    let out = render_body(body);
    assert_eq!(
        out.html,
        "<h2 id=\"what-changed\">What changed<a class=\"anchor\" href=\"#what-changed\" \
         aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n\
         <p>Microsoft keeps its stake<sup class=\"footnote-reference\"><a href=\"#fn-stake\" \
         id=\"fnref-stake\">1</a></sup> (see <a href=\"/base/briefings/other/#terms\">the deal</a>).</p>\n\
         <p><img src=\"chart.png\" alt=\"Chart of stakes\" loading=\"lazy\" /></p>\n\
         <pre class=\"code hl-code\" data-lang=\"rust\"><code><span class=\"hl-source hl-rust\">\
         <span class=\"hl-storage hl-type hl-rust\">let</span> x \
         <span class=\"hl-keyword hl-operator hl-rust\">=</span> \
         <span class=\"hl-constant hl-numeric hl-integer hl-decimal hl-rust\">1</span>\
         <span class=\"hl-punctuation hl-terminator hl-rust\">;</span>\n</span></code></pre>\n\
         <section class=\"footnotes\" aria-label=\"Footnotes\">\n\
         <div class=\"footnote-definition\" id=\"fn-stake\"><sup class=\"footnote-definition-label\">1</sup>\n\
         <p>About 27%. <a href=\"#fnref-stake\" class=\"footnote-backref\" \
         aria-label=\"Back to reference 1\">↩</a></p>\n</div>\n</section>\n"
    );
    assert_eq!(out.heading_ids, ["what-changed", "fn-stake", "fnref-stake"]);
    assert_eq!(
        out.plain_text,
        "What changed\nMicrosoft keeps its stake (see the deal).\nAbout 27%."
    );
    assert_eq!(out.word_count, 11);
    let links: Vec<(&str, &str, LinkKind)> = out
        .links
        .iter()
        .map(|link| (link.url.as_str(), &body[link.range.clone()], link.kind))
        .collect();
    assert_eq!(
        links,
        [
            (
                "/base/briefings/other/#terms",
                "[the deal](other.md#terms)",
                LinkKind::Link
            ),
            (
                "chart.png",
                "![Chart of stakes](chart.png)",
                LinkKind::Image
            ),
        ]
    );
    assert!(out.problems.is_empty());
}

#[test]
fn link_problems_carry_body_ranges() {
    let body = "Intro.\n\nSee [gone](../missing.md) and [up](../../x.md) and [js](javascript:x).\n";
    let out = render_body(body);
    assert_eq!(
        out.html,
        "<p>Intro.</p>\n<p>See <a href=\"#\">gone</a> and <a href=\"#\">up</a> and <a href=\"#\">js</a>.</p>\n"
    );
    let problems: Vec<(&str, &str)> = out
        .problems
        .iter()
        .map(|p| (&body[p.range.clone()], p.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                "[gone](../missing.md)",
                "link to a content file that does not exist: `../missing.md`"
            ),
            (
                "[up](../../x.md)",
                "link goes above the content folder: `../../x.md`"
            ),
            (
                "[js](javascript:x)",
                "link with a `javascript:` URL removed: `javascript:x`"
            ),
        ]
    );
}

#[test]
fn dangerous_urls_never_survive_even_when_html_is_trusted() {
    let spellings = [
        "JaVaScRiPt:alert(1)",
        "<java\tscript:alert(1)>",
        "&#x6A;avascript:alert(1)",
        "&#106;avascript&colon;alert(1)",
        "%6Aavascript:alert(1)",
        " javascript:alert(1)",
        "<\u{1}javascript:alert(1)>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ];
    for options in [Options::default(), TRUSTED] {
        for url in spellings {
            let out = render_with(&format!("[x]({url}) ![y]({url})"), options);
            assert_eq!(
                out.html,
                "<p><a href=\"#\">x</a> <img src=\"#\" alt=\"y\" loading=\"lazy\" /></p>\n",
                "{url:?}"
            );
            assert_eq!(out.problems.len(), 2, "{url:?}");
        }
    }
}

#[test]
fn raw_html_is_sanitized_by_default() {
    let body = "<script>alert(1)</script>\n\n\
                Text <img src=x onerror=alert(1)> and <a href=\"javascript:alert(1)\">link</a>.\n\n\
                <iframe src=\"https://evil.example\"></iframe>\n\n\
                <p style=\"color:red\" onclick=\"x()\">styled</p>\n";
    let out = render_body(body);
    assert_eq!(
        out.html,
        "\n<p>Text <img src=\"x\"> and <a>link</a>.</p>\n\n<p>styled</p>\n"
    );
}

#[test]
fn raw_html_passes_when_trusted() {
    let body = "<script>track()</script>\n\nText <b onclick=\"x()\">bold</b>.\n";
    let out = render_with(body, TRUSTED);
    assert_eq!(
        out.html,
        "<script>track()</script>\n<p>Text <b onclick=\"x()\">bold</b>.</p>\n"
    );
}

#[test]
fn sanitizing_keeps_markdown_output_intact() {
    // The same document with and without a raw HTML comment: the comment is
    // the only difference in the output.
    let body = "## Plan {#plan .wide}\n\n\
                - [x] done\n- [ ] open\n\n\
                | a | b |\n|:-:|--:|\n| 1 | 2 |\n\n\
                > [!TIP]\n> Use `x`.\n\n\
                ```rust\nfn a() {}\n```\n\n\
                ~~old~~ ![c](c.png \"t\") note[^1]\n\n\
                [^1]: Note.\n";
    let plain = render_body(body).html;
    let sanitized = render_body(&format!("<!-- draft -->\n\n{body}")).html;
    let ammonia_form = plain
        .replace(
            "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
            "<input disabled=\"\" type=\"checkbox\" checked=\"\">",
        )
        .replace(
            "<input disabled=\"\" type=\"checkbox\"/>",
            "<input disabled=\"\" type=\"checkbox\">",
        )
        .replace(" loading=\"lazy\" />", " loading=\"lazy\">");
    assert_eq!(sanitized.trim_start(), ammonia_form);
    assert!(sanitized.contains("<th class=\"align-center\">a</th>"));
}

#[test]
fn smart_punctuation_follows_the_option() {
    let body = "\"Quotes\" -- and it's done...\n";
    assert_eq!(
        render_body(body).html,
        "<p>\"Quotes\" -- and it's done...</p>\n"
    );
    let smart = Options {
        smart_punctuation: true,
        unsafe_html: false,
    };
    assert_eq!(
        render_with(body, smart).html,
        "<p>“Quotes” – and it’s done…</p>\n"
    );
}

#[test]
fn images_without_alt_text_are_recorded() {
    let out = render_body("![](a.png) ![Alt](b.png)");
    let alts: Vec<(&str, &str)> = out
        .images
        .iter()
        .map(|image| (image.src.as_str(), image.alt.as_str()))
        .collect();
    assert_eq!(alts, [("a.png", ""), ("b.png", "Alt")]);
    assert_eq!(out.images[0].range, 0..10);
}

#[test]
fn heading_text_excludes_images_and_ids_cover_footnotes() {
    let out = render_body("## ![logo](l.png) Results\n\nA[^n].\n\n[^n]: x\n\n## Results\n");
    assert_eq!(out.toc[0].title, "Results");
    assert_eq!(out.heading_ids, ["results", "results-1", "fn-n", "fnref-n"]);
}

#[test]
fn a_closure_can_resolve_links() {
    let options = Options::default();
    let resolver = |path: &str| (path == "x.md").then(|| "/x/".to_owned());
    let out = render(RenderInput {
        events: parse("[x](x.md)", &options),
        content_path: "a.md",
        resolver: &resolver,
        highlighter: &HIGHLIGHTER,
        options: &options,
    });
    assert_eq!(out.html, "<p><a href=\"/x/\">x</a></p>\n");
}

#[test]
fn caller_may_drop_blocks() {
    // Enrichment removes a closing "Source:" paragraph and, here, the
    // paragraph holding a footnote definition's reference.
    let body = "Lead[^a].\n\nSource: https://example.com\n\n[^a]: Note.\n";
    let options = Options::default();
    let events: Vec<_> = parse(body, &options)
        .into_iter()
        .filter(|(_, range)| !body[range.clone()].starts_with("Source:"))
        .collect();
    let out = render(RenderInput {
        events,
        content_path: "a.md",
        resolver: &Site,
        highlighter: &HIGHLIGHTER,
        options: &options,
    });
    assert!(!out.html.contains("Source"));
    assert!(out.html.contains("id=\"fn-a\""));
}

#[test]
fn rendering_is_deterministic() {
    let body = "## A\n\n## A\n\nx[^1][^2]\n\n[^2]: two\n[^1]: one\n\n<b>raw</b>\n\n- [x] t\n";
    let first = render_body(body);
    for _ in 0..5 {
        assert_eq!(render_body(body), first);
    }
}

#[test]
fn hostile_input_does_not_panic() {
    let huge_list = "- item\n".repeat(100_000);
    let out = render_body(&huge_list);
    assert_eq!(out.word_count, 100_000);
    assert!(out.html.ends_with("<li>item</li>\n</ul>\n"));

    let deep_quotes = format!("{} deep\n", ">".repeat(10_000));
    let out = render_body(&deep_quotes);
    assert_eq!(out.html.matches("<blockquote>").count(), 32);
    assert_eq!(out.plain_text, "deep");

    // The same depth through the sanitizer (raw HTML present).
    let out = render_body(&format!("{} deep <b>x</b>\n", ">".repeat(10_000)));
    assert_eq!(out.html.matches("<blockquote>").count(), 32);

    let deep_lists: String = (0..1_000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    assert_eq!(render_body(&deep_lists).word_count, 1_000);

    for body in [
        "[".repeat(50_000),
        "*".repeat(50_000) + "a",
        "<".repeat(50_000),
        "![".repeat(10_000) + &"](x)".repeat(10_000),
        "```\n".to_owned() + &"x".repeat(1_000_000),
        "| a |\n|---|\n".to_owned() + &"| b |\n".repeat(10_000),
        "[^x]\n\n".repeat(1_000) + "[^x]: y\n",
        "# \n".repeat(10_000),
        "\u{0}\u{FEFF}\r\n\r\n\t#\t\u{200B}".to_owned(),
    ] {
        let out = render_body(&body);
        assert!(!out.html.is_empty() || body.trim().is_empty());
    }
}
