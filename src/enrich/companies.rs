//! Companies: matching names written in front matter to profiles, and finding
//! mentions of each profile's name and aliases in a briefing's text.

use aho_corasick::{AhoCorasick, MatchKind};

/// One company known to the site, from a profile in `content/companies/`.
#[derive(Debug, Clone)]
pub struct KnownCompany {
    /// Display name.
    pub name: String,
    /// Other names it is mentioned by.
    pub aliases: Vec<String>,
}

/// Finds company mentions in text; built once per build, shared by all pages.
#[derive(Debug)]
pub struct CompanyMatcher {
    names: Vec<String>,
    /// For each pattern of `automaton`, the company it names.
    owners: Vec<usize>,
    /// Lower-cased name or alias → company, for front-matter lookups.
    lookup: std::collections::HashMap<String, usize>,
    automaton: Option<AhoCorasick>,
}

impl CompanyMatcher {
    /// A matcher over the given companies.
    pub fn new(companies: &[KnownCompany]) -> Self {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        let mut lookup = std::collections::HashMap::new();
        for (i, company) in companies.iter().enumerate() {
            for name in std::iter::once(&company.name).chain(&company.aliases) {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                patterns.push(name.to_owned());
                owners.push(i);
                lookup.entry(name.to_lowercase()).or_insert(i);
            }
        }
        // Leftmost-longest, so that "Amazon Web Services" wins over "Amazon".
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        CompanyMatcher {
            names: companies.iter().map(|c| c.name.clone()).collect(),
            owners,
            lookup,
            automaton,
        }
    }

    /// The profile name for a name or alias written in front matter
    /// (case-insensitive), if there is such a profile.
    pub fn canonical(&self, written: &str) -> Option<&str> {
        self.lookup
            .get(&written.trim().to_lowercase())
            .map(|&i| self.names[i].as_str())
    }

    /// Names of the companies mentioned in `text` (case-sensitive, whole words),
    /// in order of first mention.
    pub fn mentions(&self, text: &str) -> Vec<&str> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut found: Vec<usize> = Vec::new();
        for m in automaton.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            let owner = self.owners[m.pattern().as_usize()];
            if !is_word(before) && !is_word(after) && !found.contains(&owner) {
                found.push(owner);
            }
        }
        found.into_iter().map(|i| self.names[i].as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> CompanyMatcher {
        CompanyMatcher::new(&[
            KnownCompany {
                name: "Amazon".into(),
                aliases: vec!["AWS".into(), "Amazon Bedrock".into()],
            },
            KnownCompany {
                name: "OpenAI".into(),
                aliases: vec![],
            },
            KnownCompany {
                name: "Meta".into(),
                aliases: vec![],
            },
        ])
    }

    #[test]
    fn finds_names_and_aliases_as_whole_words() {
        let m = matcher();
        let text = "OpenAI models now run on AWS and Amazon Bedrock; metadata is not Meta.";
        assert_eq!(m.mentions(text), ["OpenAI", "Amazon", "Meta"]);
        assert!(m.mentions("OpenAIs and AWSome").is_empty());
        assert!(m.mentions("the meta question").is_empty());
    }

    #[test]
    fn front_matter_names_resolve_case_insensitively() {
        let m = matcher();
        assert_eq!(m.canonical("aws"), Some("Amazon"));
        assert_eq!(m.canonical(" OpenAI "), Some("OpenAI"));
        assert_eq!(m.canonical("Google"), None);
    }
}
