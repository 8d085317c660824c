//! The whole page pipeline for one briefing: front matter, Markdown,
//! enrichment, assembly, every template, feeds, sitemap, search index and
//! `llms.txt`. Asserts that problems point inside the file and that no
//! output holds a live script, an event handler or a dangerous URL.
//!
//! Half the inputs are whole files as written; the other half are front
//! matter built from fuzzed field values (so that it parses and the values
//! reach every output) over a fuzzed body.

#![no_main]

use arbitrary::Arbitrary;
use briefing::source::Kind;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

#[derive(Debug, Arbitrary)]
struct Input {
    raw: bool,
    title: String,
    author: Option<String>,
    tags: Vec<String>,
    companies: Vec<String>,
    key_points: Vec<String>,
    takeaway: Option<String>,
    summary: Option<String>,
    source_title: Option<String>,
    source_path: String,
    slug: Option<String>,
    body: String,
}

impl Input {
    fn text(&self) -> String {
        if self.raw {
            return self.body.clone();
        }
        let mut m = toml::Table::new();
        let s = |v: &str| toml::Value::String(v.to_owned());
        let list = |v: &[String]| toml::Value::Array(v.iter().map(|x| s(x)).collect());
        m.insert("title".into(), s(&self.title));
        m.insert("date".into(), s("2025-06-01"));
        if let Some(a) = &self.author {
            m.insert("author".into(), s(a));
        }
        m.insert("tags".into(), list(&self.tags));
        m.insert("companies".into(), list(&self.companies));
        m.insert("key_points".into(), list(&self.key_points));
        for (key, value) in [
            ("takeaway", &self.takeaway),
            ("summary", &self.summary),
            ("slug", &self.slug),
        ] {
            if let Some(v) = value {
                m.insert(key.into(), s(v));
            }
        }
        let mut source = toml::Table::new();
        source.insert(
            "url".into(),
            s(&format!("https://example.com/{}", self.source_path)),
        );
        if let Some(t) = &self.source_title {
            source.insert("title".into(), s(t));
        }
        m.insert(
            "sources".into(),
            toml::Value::Array(vec![toml::Value::Table(source)]),
        );
        let front = toml::to_string(&m).unwrap_or_default();
        format!("+++\n{front}+++\n{}", self.body)
    }
}

thread_local! {
    static FIXTURE: common::Fixture = common::Fixture::new();
}

fuzz_target!(|input: Input| {
    let file = common::source_file(&input.text(), Kind::Briefing);
    FIXTURE.with(|fixture| fixture.run(&file));
});
