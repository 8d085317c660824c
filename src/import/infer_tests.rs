//! Unit tests of the inference heuristics.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;

use super::*;
use crate::enrich::companies::{CompanyMatcher, KnownCompany};

fn site() -> SiteInfo {
    SiteInfo {
        companies: CompanyMatcher::new(&[
            KnownCompany {
                name: "OpenAI".into(),
                aliases: vec!["ChatGPT".into()],
            },
            KnownCompany {
                name: "Microsoft".into(),
                aliases: vec![],
            },
        ]),
        tags: vec!["cloud".into(), "open-source".into(), "chips".into()],
        slugs: BTreeMap::new(),
        timezone: TimeZone::UTC,
    }
}

fn run(title: &str, body: &str) -> Inferred {
    let ex = Extracted {
        title: Some(Found::new(title, "test")),
        body: body.into(),
        ..Extracted::default()
    };
    infer(ex, &site()).unwrap()
}

#[test]
fn key_points_section_takeaway_author_and_source_leave_the_body() {
    let body = "\
# Title

March 3, 2026

Intro paragraph about ChatGPT.

# Key points

- Price: lower.
- **Speed:** faster.

# Why

Because Microsoft said so.

In simple terms, it is cheaper.

Author: Jane Roe

Software developer / architect

https://example.com/story
";
    let got = run("Title", body);
    assert_eq!(got.key_points, ["**Price:** lower.", "**Speed:** faster."]);
    assert_eq!(got.takeaway.as_deref(), Some("It is cheaper."));
    assert_eq!(got.author.as_deref(), Some("Jane Roe"));
    assert_eq!(got.source.as_deref(), Some("https://example.com/story"));
    assert_eq!(got.date.value.to_string(), "2026-03-03");
    assert!(!got.date_guessed);
    assert_eq!(got.companies, ["OpenAI", "Microsoft"]);
    assert_eq!(
        got.body,
        "Intro paragraph about ChatGPT.\n\n## Why\n\nBecause Microsoft said so.\n"
    );
    assert!(
        got.report
            .notes
            .iter()
            .any(|n| n.contains("Software developer / architect")),
        "{:?}",
        got.report.notes
    );
}

#[test]
fn label_bullets_outside_a_section_are_key_points() {
    let got = run(
        "T",
        "Intro.\n\n## The deal\n\n- Term: ten years\n- Price: secret\n\n## More\n\nText.\n",
    );
    assert_eq!(got.key_points, ["**Term:** ten years", "**Price:** secret"]);
    // The heading whose whole section was the list goes too.
    assert_eq!(got.body, "Intro.\n\n## More\n\nText.\n");
}

#[test]
fn headings_are_renumbered_from_two_without_gaps() {
    let got = run("T", "### A\n\nOne.\n\n#### B\n\nTwo.\n");
    assert_eq!(got.body, "## A\n\nOne.\n\n### B\n\nTwo.\n");
    let got = run("T", "# A\n\nOne.\n\n### B\n\nTwo.\n\n## C\n\nThree.\n");
    assert_eq!(
        got.body,
        "## A\n\nOne.\n\n#### B\n\nTwo.\n\n### C\n\nThree.\n"
    );
    let got = run("T", "Setext\n======\n\nOne.\n");
    assert_eq!(got.body, "## Setext\n\nOne.\n");
}

#[test]
fn no_date_is_guessed_and_said() {
    let got = run("T", "Just text.\n");
    assert!(got.date_guessed);
    assert!(
        got.report
            .inferred
            .iter()
            .any(|l| l.starts_with("date: GUESSED (today), no date found")),
        "{:?}",
        got.report.inferred
    );
    assert!(
        got.report
            .missing
            .iter()
            .any(|l| l.starts_with("key points:"))
    );
    assert!(
        got.report
            .missing
            .iter()
            .any(|l| l.starts_with("takeaway:"))
    );
}
