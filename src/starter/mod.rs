//! The files of a new site, as `briefing init` writes them: a commented
//! `briefing.toml`, one example briefing, the company profile and story
//! intro it names, an About page and a `.gitignore`. They are embedded in
//! the binary, so `init` needs nothing but the executable.

use jiff::civil::Date;

/// The time zone the starter `briefing.toml` sets; the example briefing is
/// dated in it.
pub const TIMEZONE: &str = "UTC";

/// Where the example briefing's date goes in its front matter.
const TODAY: &str = "{today}";

/// Slug of the example briefing's title, which is also its file name.
const EXAMPLE_SLUG: &str = "example-labs-opens-its-model-to-outside-developers";

/// One file of the starter site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterFile {
    /// Path below the site root, `/`-separated.
    pub path: String,
    /// Contents.
    pub text: String,
}

/// Every file of a new site whose example briefing is dated `today` (the day
/// of `init` in [`TIMEZONE`]). The briefing sits where `briefing new` would
/// put it with the default `[new] path`, `{year}/{slug}.md`.
pub fn files(today: Date) -> Vec<StarterFile> {
    let file = |path: &str, text: &str| StarterFile {
        path: path.to_owned(),
        text: text.to_owned(),
    };
    // A TOML local date: what a person would type, read in the site's zone.
    let date = today.strftime("%Y-%m-%d").to_string();
    let example = include_str!("files/briefing.md").replacen(TODAY, &date, 1);
    vec![
        file("briefing.toml", include_str!("files/briefing.toml")),
        file(".gitignore", include_str!("files/gitignore")),
        StarterFile {
            path: format!("content/{}/{EXAMPLE_SLUG}.md", today.year()),
            text: example,
        },
        file(
            "content/companies/example-labs.md",
            include_str!("files/company.md"),
        ),
        file(
            "content/stories/example-labs.md",
            include_str!("files/story.md"),
        ),
        file("content/pages/about.md", include_str!("files/about.md")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn example(files: &[StarterFile]) -> &StarterFile {
        files
            .iter()
            .find(|f| f.path.ends_with(&format!("/{EXAMPLE_SLUG}.md")))
            .expect("the example briefing is among the files")
    }

    #[test]
    fn the_example_is_dated_and_filed_by_year() {
        let files = files(jiff::civil::date(2031, 2, 3));
        let briefing = example(&files);
        assert_eq!(briefing.path, format!("content/2031/{EXAMPLE_SLUG}.md"));
        assert!(briefing.text.contains("\ndate = 2031-02-03\n"));
        assert!(!briefing.text.contains(TODAY));
    }

    #[test]
    fn the_example_file_name_is_the_slug_of_its_title() {
        let files = files(jiff::civil::date(2031, 2, 3));
        let text = &example(&files).text;
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("title = \""))
            .and_then(|t| t.strip_suffix('"'))
            .expect("a title line");
        assert_eq!(crate::slug::slugify(title).as_deref(), Some(EXAMPLE_SLUG));
    }

    #[test]
    fn the_starter_config_is_valid_and_sets_the_zone() {
        let dir = tempfile::tempdir().unwrap();
        let toml = include_str!("files/briefing.toml");
        std::fs::write(dir.path().join(crate::config::FILE_NAME), toml).unwrap();
        let config = Config::load(dir.path(), None).unwrap();
        assert_eq!(config.timezone_name, TIMEZONE);
        assert_eq!(config.new.path, "{year}/{slug}.md");
        assert!(
            config.has_base_url,
            "a base_url keeps the first build quiet"
        );
    }

    #[test]
    fn every_key_of_the_starter_config_has_a_comment() {
        let toml = include_str!("files/briefing.toml");
        let lines: Vec<&str> = toml.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let is_key = !line.starts_with('#') && line.contains(" = ");
            // A key is explained by the comment right above it, or shares
            // the comment of a group of keys right above (the two themes).
            let explained = lines[..i]
                .iter()
                .rev()
                .take_while(|l| !l.is_empty())
                .any(|l| l.starts_with('#'));
            assert!(!is_key || explained, "no comment above `{line}`");
        }
    }
}
