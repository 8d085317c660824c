//! Briefing lint: what a briefing should have and the build does not
//! require — a source, key points, a takeaway — and images without alt text.

use crate::diag::Diagnostic;
use crate::site::Site;

use super::bodies::Body;

/// A briefing without a source, key points or takeaway, reported at the
/// front-matter key when it is there (written empty) and at the opening
/// front-matter line otherwise.
pub fn briefings(site: &Site, out: &mut Vec<Diagnostic>) {
    for b in &site.briefings {
        let origin = &b.origin;
        if b.sources.is_empty() {
            let key = if origin.spans.contains_key("sources") {
                "sources"
            } else {
                "source"
            };
            out.push(origin.error_at_key(
                key,
                "briefing has no source: set `source` in front matter or end the body with a `Source: URL` line",
            ));
        }
        if b.key_points.is_empty() {
            out.push(origin.error_at_key(
                "key_points",
                "briefing has no key points: set `key_points` or write a list under a \"Key points\" heading",
            ));
        }
        if b.takeaway.as_deref().is_none_or(|t| t.trim().is_empty()) {
            out.push(origin.error_at_key(
                "takeaway",
                "briefing has no takeaway: set `takeaway` or write a paragraph starting \"In simple terms\"",
            ));
        }
    }
}

/// Images whose alt text is empty: screen readers and search engines see
/// nothing of them.
pub fn images(bodies: &[Body<'_>], out: &mut Vec<Diagnostic>) {
    for body in bodies {
        let file = &body.origin.file;
        for image in body.images.iter().filter(|i| i.alt.trim().is_empty()) {
            out.push(Diagnostic::error_at(
                &file.display_path,
                file.text(),
                image.span.clone(),
                "image without alt text: describe it between the brackets of `![…](…)`",
            ));
        }
    }
}
