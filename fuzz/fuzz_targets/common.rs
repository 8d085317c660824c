//! What the fuzz targets share: the invariants on diagnostics, and an
//! in-memory run of the page pipeline for one briefing.

#![allow(dead_code)]

use std::sync::Arc;

use briefing::config::Config;
use briefing::diag::Diagnostic;
use briefing::enrich::Env;
use briefing::enrich::companies::CompanyMatcher;
use briefing::output::assets::Assets;
use briefing::render::{OutputFile, Renderer, Sink};
use briefing::site::{Include, Site};
use briefing::source::schema::BriefingMatter;
use briefing::source::{Kind, SourceFile, frontmatter};
use briefing::theme::Theme;

#[path = "../../tests/hostile/inert.rs"]
pub mod inert;

/// A content file as the walker would make it from `text`.
pub fn source_file(text: &str, kind: Kind) -> SourceFile {
    let text = briefing::fs::normalize_text(text.as_bytes().to_vec()).unwrap_or_default();
    SourceFile::new(
        "content/fuzz.md".into(),
        "fuzz.md".into(),
        kind,
        Arc::from(text),
    )
}

/// Every diagnostic names the file, and a line and column inside it.
pub fn check_diagnostics(diags: &[Diagnostic], file: &SourceFile) {
    let lines: Vec<&str> = file.text().split('\n').collect();
    for d in diags {
        assert_eq!(d.path, file.display_path, "{d}");
        assert!(!d.message.is_empty(), "empty message");
        assert!(
            d.line >= 1 && d.line <= lines.len(),
            "line out of file: {d}"
        );
        let width = lines[d.line - 1].chars().count();
        assert!(d.col >= 1 && d.col <= width + 1, "column out of line: {d}");
        if let Some((text, span)) = &d.snippet {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "span {span:?}"
            );
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        // Rendering the snippet must not panic either.
        let _ = d.render(false);
    }
}

/// What a build needs besides the content, made once per fuzzing process.
pub struct Fixture {
    pub config: Config,
    pub renderer: Renderer,
    pub assets: Assets,
    pub companies: CompanyMatcher,
}

impl Fixture {
    pub fn new() -> Fixture {
        // No `briefing.toml` at this path: the defaults, with a base URL.
        let root = std::path::Path::new("/nonexistent-briefing-fuzz-site");
        let config = Config::load(root, Some("https://example.org/news/")).expect("default config");
        let theme = Theme::embedded();
        let assets = Assets::collect(&config, &theme, Vec::new());
        let renderer = Renderer::new(&theme, &assets).expect("embedded theme parses");
        Fixture {
            config,
            renderer,
            assets,
            companies: CompanyMatcher::new(&[]),
        }
    }

    /// Runs one briefing through parse, enrichment, assembly and every
    /// renderer; checks the diagnostics on failure and every output file
    /// on success.
    pub fn run(&self, file: &SourceFile) {
        let parsed = match frontmatter::parse::<BriefingMatter>(file) {
            Ok(parsed) => parsed,
            Err(diags) => return check_diagnostics(&diags, file),
        };
        let wanted = parsed
            .matter
            .slug
            .clone()
            .unwrap_or(parsed.matter.title.clone());
        let slug = briefing::slug::slugify(&wanted).unwrap_or_else(|| "fuzz".to_owned());
        let url = self.config.url(&format!("briefings/{slug}/"));
        let resolver = |_: &str| None;
        let env = Env {
            config: &self.config,
            markdown: briefing::markdown::Options {
                smart_punctuation: true,
                unsafe_html: false,
            },
            highlighter: briefing::build::highlighter(),
            resolver: &resolver,
            companies: &self.companies,
            now: jiff::Timestamp::from_second(1_767_225_600).expect("valid"),
        };
        let b = match briefing::enrich::briefing(file, parsed, slug, url, &env) {
            Ok((b, warnings)) => {
                check_diagnostics(&warnings, file);
                b
            }
            Err(diags) => return check_diagnostics(&diags, file),
        };
        let include = Include {
            drafts: true,
            future: true,
        };
        let site = match Site::assemble(
            self.config.clone(),
            vec![b],
            vec![],
            vec![],
            vec![],
            include,
        ) {
            Ok(site) => site,
            Err(diags) => return check_diagnostics(&diags, file),
        };
        // Every output, made by the functions a build uses, into memory.
        let sink = briefing::render::sink::Memory::default();
        briefing::render::pages::render_all(&site, &self.renderer, &self.assets, &sink)
            .unwrap_or_else(|errs| panic!("the embedded theme failed: {errs:?}"));
        briefing::output::feeds::render_to(&site, &sink)
            .unwrap_or_else(|err| panic!("bodies in memory always read: {err}"));
        briefing::output::llms::render_twins(&site, &sink);
        briefing::output::llms::render_index(&site, &sink);
        let entries = vec![None; site.briefings.len()];
        briefing::output::search::render_to(&site.briefings, entries, &sink);
        briefing::output::crawlers::render_to(&site, &sink.paths(), &sink);
        let out: Vec<OutputFile> = sink.into_files();
        let mut problems = Vec::new();
        for f in &out {
            problems.extend(inert::check_file(&f.path, &f.bytes));
        }
        assert!(
            problems.is_empty(),
            "unsafe output:\n{}",
            problems.join("\n")
        );
    }
}
