//! Markdown without front matter: a `# Title` first line (or else the first
//! line) is the title, the rest is the body.

use super::blocks::{self, Kind};
use super::{Extracted, Found};

/// Splits a Markdown article into its title and body. Fails on a file that
/// already has front matter: that is a briefing, not an article to import.
pub fn extract(input: &str) -> Result<Extracted, String> {
    let first_line = input.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if matches!(first_line.trim_end(), "+++" | "---") && input.trim_start().starts_with(first_line)
    {
        return Err(
            "the Markdown already starts with front matter: it is a briefing already; \
                    copy it into content/ instead of importing it"
                .into(),
        );
    }
    let mut out = Extracted::default();
    let parsed = blocks::parse(input);
    match parsed.first() {
        Some(first) if matches!(first.kind, Kind::Heading(_)) => {
            let from = match first.kind {
                Kind::Heading(1) => "'# ' heading on the first line",
                _ => "first heading",
            };
            out.title = Some(Found::new(first.text.clone(), from));
            out.body = input[first.range.end..].to_owned();
        }
        _ => {
            let start = input.find(first_line).unwrap_or(0);
            let rest = &input[start + first_line.len()..];
            let title = blocks::plain(first_line);
            if !title.is_empty() {
                out.title = Some(Found::new(title, "first line"));
            }
            out.body = rest.to_owned();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_is_the_title() {
        let ex = extract("\n# The *new* model\n\nBody.\n").unwrap();
        let title = ex.title.unwrap();
        assert_eq!(title.value, "The new model");
        assert_eq!(title.from, "'# ' heading on the first line");
        assert_eq!(ex.body, "Body.\n");
    }

    #[test]
    fn first_line_is_the_title_without_a_heading() {
        let ex = extract("A plain title\nBody.\n").unwrap();
        assert_eq!(ex.title.unwrap().value, "A plain title");
        assert_eq!(ex.body, "\nBody.\n");
    }

    #[test]
    fn front_matter_is_refused() {
        assert!(extract("+++\ntitle = \"x\"\n+++\n").is_err());
    }
}
