//! Front matter split and parse, for every kind of content file: never a
//! panic, and every problem at a line and column inside the file; on
//! success, spans inside the file and a body that starts after the closing
//! delimiter.

#![no_main]

use briefing::source::schema::{
    BriefingMatter, CompanyMatter, PageMatter, Schema, StoryMatter, resolve_date,
};
use briefing::source::{Kind, SourceFile, frontmatter};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fn parse<T: Schema>(file: &SourceFile) -> Option<frontmatter::Parsed<T>> {
    match frontmatter::parse::<T>(file) {
        Ok(parsed) => {
            let len = file.text().len();
            assert!(parsed.body_offset <= len);
            assert!(file.text().is_char_boundary(parsed.body_offset));
            for span in parsed.spans.values() {
                assert!(span.start <= span.end && span.end <= len, "{span:?}");
            }
            let _ = parsed.body(file.text());
            Some(parsed)
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "an error without a diagnostic");
            common::check_diagnostics(&diags, file);
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = common::source_file(text, Kind::Briefing);
    if let Some(parsed) = parse::<BriefingMatter>(&file) {
        // Impossible dates are errors, never panics.
        let tz = jiff::tz::TimeZone::UTC;
        let _ = resolve_date(parsed.matter.date.as_str(), &tz);
        if let Some(updated) = &parsed.matter.updated {
            let _ = resolve_date(updated.as_str(), &tz);
        }
    }
    parse::<PageMatter>(&common::source_file(text, Kind::Page));
    parse::<CompanyMatter>(&common::source_file(text, Kind::Company));
    parse::<StoryMatter>(&common::source_file(text, Kind::Story));
});
