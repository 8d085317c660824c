use std::sync::Arc;

use super::messages::{replace_word, strip_position};
use super::*;
use crate::source::Kind;
use crate::source::schema::{
    BriefingMatter, CompanyMatter, PageMatter, RawDate, SourceEntry, StoryMatter, UpdateEntry,
};

fn file(text: &str) -> SourceFile {
    SourceFile::new(
        "content/a.md".into(),
        "a.md".into(),
        Kind::Briefing,
        Arc::from(text),
    )
}

fn ok<T: Schema>(text: &str) -> Parsed<T> {
    match parse::<T>(&file(text)) {
        Ok(parsed) => parsed,
        Err(diags) => panic!("{text:?} failed: {:#?}", errors_of(&diags)),
    }
}

fn errors_of(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
        .collect()
}

/// Every diagnostic as `line:col: message`; each must also render.
fn errors<T: Schema + fmt::Debug>(text: &str) -> Vec<String> {
    let diags = parse::<T>(&file(text)).expect_err(text);
    for diag in &diags {
        assert!(!diag.render(false).is_empty());
    }
    errors_of(&diags)
}

fn briefing_errors(text: &str) -> Vec<String> {
    errors::<BriefingMatter>(text)
}

#[test]
fn splits_toml_and_yaml() {
    let text = "+++\ntitle = \"T\"\ndate = 2025-01-21\n+++\nBody\n+++\n";
    let parsed = ok::<BriefingMatter>(text);
    assert_eq!(parsed.format, Format::Toml);
    assert_eq!(parsed.opening, 0..3);
    assert_eq!(parsed.body(text), "Body\n+++\n");
    assert_eq!(&text[parsed.span_of("title")], "\"T\"");

    let text = "---\ntitle: T\ndate: 2025-01-21\n---\n\nBody\n\n---\n";
    let parsed = ok::<BriefingMatter>(text);
    assert_eq!(parsed.format, Format::Yaml);
    assert_eq!(parsed.body(text), "\nBody\n\n---\n");
    assert_eq!(&text[parsed.span_of("date")], "2025-01-21");
    // An absent key points at the opening delimiter.
    assert_eq!(parsed.span_of("tags"), 0..3);
}

#[test]
fn delimiters_may_have_trailing_whitespace_and_body_may_be_empty() {
    let text = "+++ \t\ntitle = \"T\"\ndate = 2025-01-21\n+++  \n";
    let parsed = ok::<BriefingMatter>(text);
    assert_eq!(parsed.body(text), "");
    assert_eq!(parsed.body_offset, text.len());
    // A closing line at end of file without a newline.
    let text = "---\ntitle: T\ndate: 2025-01-21\n---";
    assert_eq!(ok::<BriefingMatter>(text).body(text), "");
    // A delimiter of the other format does not close the front matter.
    let text = "+++\ntitle = \"T\"\ndate = 2025-01-21\n---\n";
    assert_eq!(
        briefing_errors(text),
        ["1:1: front matter opened here is never closed (expected a closing `+++` line)"]
    );
}

#[test]
fn missing_and_unclosed_front_matter() {
    let missing = "1:1: missing front matter: start the file with `+++` (TOML) or `---` (YAML)";
    for text in ["", "\n", "# Title\n+++\n", " +++\n+++\n", "++++\n++++\n"] {
        assert_eq!(briefing_errors(text), [missing], "{text:?}");
    }
    let unclosed = "1:1: front matter opened here is never closed (expected a closing `---` line)";
    for text in ["---", "---\n", "---\ntitle: T\n", "---\ntitle: T\n----\n"] {
        assert_eq!(briefing_errors(text), [unclosed], "{text:?}");
    }
    for text in ["+++", "+++\n", "+++\ntitle = \"T\"\n"] {
        let diags = parse::<BriefingMatter>(&file(text)).unwrap_err();
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .message
                .ends_with("(expected a closing `+++` line)")
        );
        // The caret covers the opening delimiter.
        assert_eq!(diags[0].snippet.as_ref().map(|s| s.1.clone()), Some(0..3));
    }
}

const FULL_TOML: &str = r#"+++
title = "OpenAI and Microsoft reset their partnership"
date = 2025-01-21T10:00:00Z
updated = 2025-01-22
author = "Ada"
authors = ["Ada", "Grace"]
source = "https://example.com/a"
sources = ["https://example.com/b", { url = "https://example.com/c", title = "C", publisher = "Pub" }]
key_points = ["One", "Two"]
takeaway = "In short"
summary = "Summary"
tags = ["ai", "deals"]
companies = ["openai", "microsoft"]
story = "openai-microsoft"
draft = true
slug = "reset"
updates = [{ date = "2025-01-23", note = "Fixed a figure" }]

[extra]
image = "cover.png"
when = 2025-01-21
+++
Body
"#;

const FULL_YAML: &str = "---
title: OpenAI and Microsoft reset their partnership
date: 2025-01-21T10:00:00Z
updated: 2025-01-22
author: Ada
authors: [Ada, Grace]
source: https://example.com/a
sources:
  - https://example.com/b
  - url: https://example.com/c
    title: C
    publisher: Pub
key_points:
  - One
  - Two
takeaway: In short
summary: Summary
tags: [ai, deals]
companies: [openai, microsoft]
story: openai-microsoft
draft: true
slug: reset
updates:
  - date: 2025-01-23
    note: Fixed a figure
extra:
  image: cover.png
  when: '2025-01-21'
---
Body
";

#[test]
fn parses_every_briefing_key_in_both_formats() {
    let toml = ok::<BriefingMatter>(FULL_TOML);
    let yaml = ok::<BriefingMatter>(FULL_YAML);
    assert_eq!(toml.matter, yaml.matter);
    assert_eq!(
        toml.spans.keys().collect::<Vec<_>>(),
        yaml.spans.keys().collect::<Vec<_>>()
    );
    assert_eq!(toml.spans.len(), BriefingMatter::KEYS.len());
    let m = toml.matter;
    assert_eq!(m.title, "OpenAI and Microsoft reset their partnership");
    assert_eq!(m.date, RawDate::new("2025-01-21T10:00:00Z"));
    assert_eq!(m.updated, Some(RawDate::new("2025-01-22")));
    assert_eq!((m.author.as_deref(), m.authors.len()), (Some("Ada"), 2));
    assert_eq!(m.source.as_deref(), Some("https://example.com/a"));
    let bare = SourceEntry {
        url: "https://example.com/b".into(),
        title: None,
        publisher: None,
    };
    let full = SourceEntry {
        url: "https://example.com/c".into(),
        title: Some("C".into()),
        publisher: Some("Pub".into()),
    };
    assert_eq!(m.sources, [bare, full]);
    assert_eq!(m.key_points, ["One", "Two"]);
    assert_eq!(m.takeaway.as_deref(), Some("In short"));
    assert_eq!(m.summary.as_deref(), Some("Summary"));
    assert_eq!((m.tags.len(), m.companies.len()), (2, 2));
    assert_eq!(m.story.as_deref(), Some("openai-microsoft"));
    assert!(m.draft);
    assert_eq!(m.slug.as_deref(), Some("reset"));
    let update = UpdateEntry {
        date: RawDate::new("2025-01-23"),
        note: "Fixed a figure".into(),
    };
    assert_eq!(m.updates, [update]);
    assert_eq!(m.extra["when"], "2025-01-21");
    assert_eq!(toml.body_offset, FULL_TOML.len() - "Body\n".len());
}

#[test]
fn value_spans_point_at_values() {
    let toml = ok::<BriefingMatter>(FULL_TOML);
    assert_eq!(&FULL_TOML[toml.span_of("draft")], "true");
    assert_eq!(&FULL_TOML[toml.span_of("tags")], r#"["ai", "deals"]"#);
    let yaml = ok::<BriefingMatter>(FULL_YAML);
    assert_eq!(&FULL_YAML[yaml.span_of("story")], "openai-microsoft");
    // A block list spans its items, not the next key.
    assert_eq!(&FULL_YAML[yaml.span_of("key_points")], "- One\n  - Two");
}

#[test]
fn defaults_and_other_kinds() {
    let m = ok::<BriefingMatter>("---\ntitle: T\ndate: 2025-01-21\n---\n").matter;
    assert!(!m.draft && m.tags.is_empty() && m.author.is_none() && m.extra.is_empty());

    let page = "title: About\nslug: about\nsummary: S\ndate: 2025-01-01\n\
                updated: 2025-02-01\ndraft: true\nweight: -2\nextra: {menu: main}\n";
    let toml_page = "title = \"About\"\nslug = \"about\"\nsummary = \"S\"\n\
                     date = 2025-01-01\nupdated = 2025-02-01\ndraft = true\nweight = -2\n\
                     extra = { menu = \"main\" }\n";
    let yaml = ok::<PageMatter>(&format!("---\n{page}---\n"));
    let toml = ok::<PageMatter>(&format!("+++\n{toml_page}+++\n"));
    assert_eq!(yaml.matter, toml.matter);
    assert_eq!(yaml.spans.len(), PageMatter::KEYS.len());
    let page = yaml.matter;
    assert_eq!((page.weight, page.draft), (Some(-2), true));
    assert_eq!(page.updated, Some(RawDate::new("2025-02-01")));
    assert_eq!(page.extra["menu"], "main");

    let company = ok::<CompanyMatter>(
        "+++\nname = \"OpenAI\"\naliases = [\"Open AI\"]\nhomepage = \"https://openai.com\"\n\
         slug = \"openai\"\nsummary = \"Lab\"\n[extra]\nticker = \"-\"\n+++\n",
    );
    assert_eq!(company.spans.len(), CompanyMatter::KEYS.len());
    assert_eq!(company.matter.aliases, ["Open AI"]);
    assert_eq!(
        company.matter.homepage.as_deref(),
        Some("https://openai.com")
    );

    let story = ok::<StoryMatter>(
        "---\ntitle: Thread\nsummary: S\nslug: thread\nextra:\n  color: red\n---\n",
    );
    assert_eq!(story.spans.len(), StoryMatter::KEYS.len());
    assert_eq!(story.matter.slug.as_deref(), Some("thread"));
    assert_eq!(
        errors::<CompanyMatter>("+++\ntitle = \"OpenAI\"\n+++\n"),
        [
            "2:1: unknown key `title` in front matter; expected one of: `name`, `aliases`, \
             `homepage`, `slug`, `summary`, `extra`",
            "1:1: missing required key `name`",
        ]
    );
}

#[test]
fn unknown_keys_are_reported_at_the_key_with_a_suggestion() {
    let text = "+++\ntitle = \"T\"\ndate = 2025-01-21\ntitel = \"x\"\n  Tags = []\n+++\n";
    assert_eq!(
        briefing_errors(text),
        [
            "4:1: unknown key `titel` in front matter; did you mean `title`?",
            "5:3: unknown key `Tags` in front matter; did you mean `tags`?",
        ]
    );
    let text = "---\ntitle: T\ndate: 2025-01-21\ncompany: [a]\nkeypoints: []\n---\n";
    assert_eq!(
        briefing_errors(text),
        [
            "4:1: unknown key `company` in front matter; did you mean `companies`?",
            "5:1: unknown key `keypoints` in front matter; did you mean `key_points`?",
        ]
    );
    let errs = briefing_errors("---\ntitle: T\ndate: 2025-01-21\nzzz: 1\n---\n");
    assert!(
        errs[0].starts_with(
            "4:1: unknown key `zzz` in front matter; expected one of: `title`, `date`,"
        )
    );
}

#[test]
fn every_key_problem_is_reported_at_once() {
    let text = "+++\nsumary = \"s\"\n[extra]\na = 1\n[extar]\n+++\n";
    assert_eq!(
        briefing_errors(text),
        [
            "2:1: unknown key `sumary` in front matter; did you mean `summary`?",
            "5:2: unknown key `extar` in front matter; did you mean `extra`?",
            "1:1: missing required key `title`",
            "1:1: missing required key `date`",
        ]
    );
    assert_eq!(
        briefing_errors("---\n---\n"),
        [
            "1:1: missing required key `title`",
            "1:1: missing required key `date`"
        ]
    );
}

#[test]
fn type_errors_point_at_the_value_and_name_the_key() {
    let cases = [
        (
            "+++\ntitle = \"T\"\ndate = 2025-01-21\ntags = \"ai\"\n+++\n",
            "4:8: invalid `tags`: expected a list, found string \"ai\"",
        ),
        (
            "+++\ntitle = \"T\"\ndate = 2025-01-21\ndraft = \"yes\"\n+++\n",
            "4:9: invalid `draft`: expected a boolean, found string \"yes\"",
        ),
        (
            "+++\ntitle = \"T\"\ndate = 5\n+++\n",
            "3:8: invalid `date`: expected a date such as 2025-01-21 or 2025-01-21T09:30:00Z, found integer `5`",
        ),
        (
            "+++\ntitle = \"T\"\ndate = 2025-01-21\nupdates = [\"x\"]\n+++\n",
            "4:12: invalid `updates`: expected a table with `date` and `note`, found string \"x\"",
        ),
        (
            "---\ntitle: T\ndate: 2025-01-21\ntags: ai\n---\n",
            "4:7: invalid `tags`: expected a list",
        ),
        (
            "---\ntitle: T\ndate: 2025-01-21\ndraft: yes\n---\n",
            "4:8: invalid `draft`: expected true or false",
        ),
        (
            "---\ntitle: T\ndate: [2025]\n---\n",
            "3:7: invalid `date`: expected a date such as 2025-01-21 or 2025-01-21T09:30:00Z, found a list",
        ),
        (
            "---\ntitle:\ndate: 2025-01-21\n---\n",
            "2:6: invalid `title`: expected a value, found nothing",
        ),
        (
            "---\ntitle: T\ndate: 2025-01-21\nsources:\n  - https://a\n  - url: https://b\n    titel: B\n---\n",
            "7:5: invalid `sources`: unknown field `titel`, expected one of url, title, publisher",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(briefing_errors(text), [expected], "{text}");
    }
}

#[test]
fn syntax_errors_are_placed_in_the_file() {
    let cases = [
        (
            "+++\ntitle = \"T\"\ndate = 2025-01-21\nfoo = = 3\n+++\n",
            "4:7: invalid TOML in front matter: extra `=`, expected nothing",
        ),
        (
            "+++\ntitle = [\n+++\n",
            "2:10: invalid TOML in front matter: unclosed array, expected `]`",
        ),
        (
            "+++\ntitle = \"T\"\ntitle = \"U\"\n+++\n",
            "3:1: invalid TOML in front matter: duplicate key",
        ),
        (
            "---\ntitle: T\n  bad: 1\n---\n",
            "3:6: invalid YAML in front matter: mapping values are not allowed in this context",
        ),
        (
            "---\ntitle: T\ntitle: U\n---\n",
            "3:1: invalid YAML in front matter: duplicate key `title`",
        ),
        (
            "---\n- a\n---\n",
            "2:1: YAML front matter must be `key: value` lines",
        ),
        // Columns count characters, not bytes.
        (
            "---\ntitle: \"é\" é\n---\n",
            "2:12: invalid YAML in front matter: invalid trailing content after double-quoted scalar",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(briefing_errors(text), [expected], "{text}");
    }
}

#[test]
fn messages_are_cleaned_for_authors() {
    assert_eq!(strip_position("bad thing at line 3, column 7"), "bad thing");
    assert_eq!(
        strip_position("x at line 3, column 7 (defined at line 1, column 2)"),
        "x"
    );
    assert_eq!(
        strip_position("y at line x, column 7"),
        "y at line x, column 7"
    );
    assert_eq!(
        replace_word("expected a map, a mapping", "a map", "a table"),
        "expected a table, a mapping"
    );
    assert_eq!(
        clean("invalid type: string \"a\nb\", expected a map"),
        "expected a table, found string \"a b\""
    );
}

/// Runs `f` on a 1.5 MiB stack: enough for the bounded depth even in a
/// debug build (saphyr takes ~25 KiB a level there), far too little for
/// 10,000 levels of unbounded recursion.
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(1536 * 1024)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("no stack overflow")
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let head = "title: T\ndate: 2025-01-21\nextra:\n";
    let cases = [
        format!(
            "+++\ntitle = \"T\"\na = {}{}\n+++\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        format!(
            "+++\n[extra]\na = {}1{}\n+++\n",
            "{b=".repeat(10_000),
            "}".repeat(10_000)
        ),
        format!("+++\n[extra.{}]\n+++\n", vec!["a"; 10_000].join(".")),
        format!(
            "---\n{head}  a: {}{}\n---\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
        format!(
            "---\n{head}{}---\n",
            (1..2000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>()
        ),
    ];
    for text in cases {
        let errs = on_small_stack(move || briefing_errors(&text));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].ends_with("front matter: nested too deeply"),
            "{errs:?}"
        );
    }
    // Honest nesting is fine.
    let text = format!(
        "+++\ntitle = \"T\"\ndate = 2025-01-21\n[extra]\na = {}1{}\n+++\n",
        "[".repeat(40),
        "]".repeat(40)
    );
    on_small_stack(move || ok::<BriefingMatter>(&text));
}

#[test]
fn yaml_alias_bombs_are_bounded() {
    let mut text = String::from(
        "---\ntitle: T\ndate: 2025-01-21\nextra:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for (name, prev) in "bcdefghi".chars().zip("abcdefgh".chars()) {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("  {name}: &{name} [{refs}]\n"));
    }
    text.push_str("---\n");
    let errs = briefing_errors(&text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("too large to read safely"), "{errs:?}");
}

#[test]
fn large_honest_input_is_accepted() {
    let tags: Vec<String> = (0..10_000).map(|i| format!("\"t{i}\"")).collect();
    let text = format!(
        "+++\ntitle = \"{}\"\ndate = 2025-01-21\ntags = [{}]\n+++\n",
        "x".repeat(5000),
        tags.join(", ")
    );
    let m = ok::<BriefingMatter>(&text).matter;
    assert_eq!((m.title.len(), m.tags.len()), (5000, 10_000));
    let tags: String = (0..10_000).map(|i| format!("  - t{i}\n")).collect();
    let text = format!(
        "---\ntitle: {}\ndate: 2025-01-21\ntags:\n{tags}---\n",
        "x".repeat(5000)
    );
    let m = ok::<BriefingMatter>(&text).matter;
    assert_eq!((m.title.len(), m.tags.len()), (5000, 10_000));
    // A huge wrong value or unknown key is shortened in the message.
    let text = format!(
        "+++\ntitle = \"T\"\ndate = 2025-01-21\n{} = 1\n+++\n",
        "y".repeat(5000)
    );
    let errs = briefing_errors(&text);
    assert!(errs[0].len() < 400 && errs[0].contains("yyy…`"), "{errs:?}");
}

#[test]
fn junk_never_panics() {
    // A fixed pseudo-random stream (xorshift) keeps the test deterministic.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let alphabet: Vec<char> = "+-=[]{}:,\"'#&*!|>?%@`\\ \t\nab01.\u{0}\u{7f}é\u{feff}"
        .chars()
        .collect();
    for round in 0..400 {
        let len = (round % 80) + 1;
        let junk: String = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                alphabet[(state % alphabet.len() as u64) as usize]
            })
            .collect();
        for delim in ["+++", "---"] {
            let text = format!("{delim}\n{junk}\n{delim}\n{junk}");
            // Rendering checks that every span lies within the file.
            if let Err(diags) = parse::<BriefingMatter>(&file(&text)) {
                diags
                    .iter()
                    .for_each(|d| assert!(!d.render(false).is_empty()));
            }
            let _ = parse::<PageMatter>(&file(&junk));
        }
    }
}
