//! Slugs and anchor ids from any text: always a safe path segment (or
//! none), stable under a second pass; ids always non-empty and URL-safe.

#![no_main]

use briefing::slug::{MAX_LEN, is_valid, slugify};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|text: &str| {
    if let Some(slug) = slugify(text) {
        assert!(!slug.is_empty() && slug.len() <= MAX_LEN, "{slug:?}");
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug:?}"
        );
        assert!(
            !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
            "{slug:?}"
        );
        assert!(!common::inert::is_windows_reserved(&slug), "{slug:?}");
        assert!(
            common::inert::unsafe_output_path(&format!("briefings/{slug}/index.html")).is_none()
        );
        assert_eq!(slugify(&slug).as_deref(), Some(slug.as_str()), "not stable");
        assert!(is_valid(&slug));
    }
    let id = briefing::markdown::slugify_id(text);
    assert!(!id.is_empty());
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{id:?}"
    );
});
