//! Stage 4, assemble: the immutable [`Site`] — briefings newest first, with
//! tags, companies, authors and stories indexed for the templates.

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::enrich::Briefing;
use crate::enrich::sections::{Company, Page, Story};
use crate::slug::slugify;

/// A tag or an author: a name, its page, and its briefings (newest first).
#[derive(Debug, Clone)]
pub struct Term {
    /// Display name (as first written, newest briefing first).
    pub name: String,
    /// URL slug.
    pub slug: String,
    /// Site-relative URL.
    pub url: String,
    /// Indices into [`Site::briefings`].
    pub briefings: Vec<usize>,
}

/// A company and its briefings.
#[derive(Debug, Clone)]
pub struct CompanyEntry {
    /// The profile (or a bare name when there is no profile file).
    pub company: Company,
    /// Indices into [`Site::briefings`], newest first.
    pub briefings: Vec<usize>,
}

/// A story thread and its briefings.
#[derive(Debug, Clone)]
pub struct StoryEntry {
    /// The intro.
    pub story: Story,
    /// Indices into [`Site::briefings`], OLDEST first (a timeline).
    pub briefings: Vec<usize>,
}

/// What the build held back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeldBack {
    /// Drafts not published (no `--drafts`).
    pub drafts: usize,
    /// Future-dated briefings not published (no `--future`).
    pub scheduled: usize,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// Configuration.
    pub config: Config,
    /// Published briefings, newest first.
    pub briefings: Vec<Briefing>,
    /// Standalone pages, in navigation order.
    pub pages: Vec<Page>,
    /// Companies by name.
    pub companies: Vec<CompanyEntry>,
    /// Tags by name.
    pub tags: Vec<Term>,
    /// Authors by name.
    pub authors: Vec<Term>,
    /// Stories, most recently active first.
    pub stories: Vec<StoryEntry>,
    /// What was held back.
    pub held_back: HeldBack,
    company_index: HashMap<String, usize>,
    tag_index: HashMap<String, usize>,
    author_index: HashMap<String, usize>,
    story_index: HashMap<String, usize>,
}

/// Which unpublished briefings to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    /// Drafts.
    pub drafts: bool,
    /// Future-dated briefings.
    pub future: bool,
}

impl Site {
    /// Assembles the site. Problems that need the whole site (a story that
    /// does not exist) are returned as diagnostics.
    pub fn assemble(
        config: Config,
        mut briefings: Vec<Briefing>,
        mut pages: Vec<Page>,
        companies: Vec<Company>,
        stories: Vec<Story>,
        include: Include,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let story_slugs: Vec<&str> = stories.iter().map(|s| s.slug.as_str()).collect();
        for b in &briefings {
            if let Some(story) = &b.story
                && !story_slugs.contains(&story.as_str())
            {
                let hint = crate::diag::closest(story, &story_slugs)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; add `content/stories/{story}.md` to start it"));
                errors.push(
                    b.origin
                        .error_at_key("story", format!("unknown story `{story}`{hint}")),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut held_back = HeldBack::default();
        briefings.retain(|b| {
            let keep = (include.drafts || !b.draft) && (include.future || !b.scheduled);
            if !keep {
                if b.draft {
                    held_back.drafts += 1;
                } else {
                    held_back.scheduled += 1;
                }
            }
            keep
        });
        // Newest first; ties broken by title then path, so order never depends
        // on the file system or thread scheduling.
        briefings.sort_by(|a, b| {
            b.date
                .zoned
                .timestamp()
                .cmp(&a.date.zoned.timestamp())
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.origin.file.content_path.cmp(&b.origin.file.content_path))
        });
        pages.retain(|p| include.drafts || !p.draft);
        pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title)));

        let (tags, tag_index) = terms(&config, "tags", &briefings, |b| &b.tags);
        let (authors, author_index) = terms(&config, "authors", &briefings, |b| &b.authors);
        let (companies, company_index) = company_entries(&config, companies, &briefings);
        // Every name as written, so that pages look terms up without
        // slugifying the same names again for every card.
        let tag_index = by_name(tag_index, briefings.iter().flat_map(|b| &b.tags));
        let author_index = by_name(author_index, briefings.iter().flat_map(|b| &b.authors));
        let company_index = by_name(company_index, briefings.iter().flat_map(|b| &b.companies));
        let (stories, story_index) = story_entries(stories, &briefings);
        Ok(Site {
            config,
            briefings,
            pages,
            companies,
            tags,
            authors,
            stories,
            held_back,
            company_index,
            tag_index,
            author_index,
            story_index,
        })
    }

    /// The tag of a name as written in a briefing.
    pub fn tag(&self, name: &str) -> Option<&Term> {
        lookup(&self.tag_index, name).map(|i| &self.tags[i])
    }

    /// The author of a name.
    pub fn author(&self, name: &str) -> Option<&Term> {
        lookup(&self.author_index, name).map(|i| &self.authors[i])
    }

    /// The company of a name.
    pub fn company(&self, name: &str) -> Option<&CompanyEntry> {
        lookup(&self.company_index, name).map(|i| &self.companies[i])
    }

    /// The story of a slug.
    pub fn story(&self, slug: &str) -> Option<&StoryEntry> {
        self.story_index.get(slug).map(|&i| &self.stories[i])
    }
}

/// Adds every name as written to an index by term key.
fn by_name<'n>(
    mut index: HashMap<String, usize>,
    names: impl Iterator<Item = &'n String>,
) -> HashMap<String, usize> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        if seen.insert(name.as_str())
            && let Some(&i) = index.get(&term_key(name))
        {
            index.insert(name_key(name), i);
        }
    }
    index
}

/// A name as written, kept apart from term keys (which never hold a NUL).
fn name_key(name: &str) -> String {
    format!("\0{name}")
}

/// A term's index by name as written, else by its term key.
fn lookup(index: &HashMap<String, usize>, name: &str) -> Option<usize> {
    index
        .get(&name_key(name))
        .or_else(|| index.get(&term_key(name)))
        .copied()
}

/// Names that differ only in case, accents or punctuation are one term. A
/// name with nothing to slugify (a non-Latin script) gets a stable hashed
/// slug, so that every term's URL is a safe path segment.
fn term_key(name: &str) -> String {
    slugify(name).unwrap_or_else(|| {
        // FNV-1a: tiny, stable across releases and platforms.
        let hash = name
            .trim()
            .to_lowercase()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        format!("t-{:08x}", hash >> 32)
    })
}

fn terms<'b>(
    config: &Config,
    section: &str,
    briefings: &'b [Briefing],
    names_of: impl Fn(&'b Briefing) -> &'b Vec<String>,
) -> (Vec<Term>, HashMap<String, usize>) {
    let mut by_key: BTreeMap<String, Term> = BTreeMap::new();
    for (i, b) in briefings.iter().enumerate() {
        for name in names_of(b) {
            let key = term_key(name);
            let term = by_key.entry(key.clone()).or_insert_with(|| Term {
                name: name.clone(),
                url: config.url(&format!("{section}/{}/", key)),
                slug: key,
                briefings: Vec::new(),
            });
            if term.briefings.last() != Some(&i) {
                term.briefings.push(i);
            }
        }
    }
    let mut list: Vec<Term> = by_key.into_values().collect();
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let index = list
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();
    (list, index)
}

fn company_entries(
    config: &Config,
    profiles: Vec<Company>,
    briefings: &[Briefing],
) -> (Vec<CompanyEntry>, HashMap<String, usize>) {
    let mut entries: Vec<CompanyEntry> = profiles
        .into_iter()
        .map(|company| CompanyEntry {
            company,
            briefings: Vec::new(),
        })
        .collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        index.insert(term_key(&e.company.name), i);
    }
    // A profile's slug (its file name) names it too: a briefing that says
    // `acme` means the profile published at `companies/acme/`, whatever
    // its display name, rather than a second page at the same URL.
    for (i, e) in entries.iter().enumerate() {
        index.entry(e.company.slug.clone()).or_insert(i);
    }
    for (i, b) in briefings.iter().enumerate() {
        for name in &b.companies {
            let key = term_key(name);
            let at = *index.entry(key.clone()).or_insert_with(|| {
                // Named by a briefing, no profile: a page with its briefings only.
                entries.push(CompanyEntry {
                    company: Company {
                        origin: None,
                        name: name.clone(),
                        url: config.url(&format!("companies/{}/", key)),
                        slug: key,
                        aliases: Vec::new(),
                        homepage: None,
                        summary: None,
                        content_html: String::new(),
                        extra: serde_json::Value::Object(serde_json::Map::new()),
                    },
                    briefings: Vec::new(),
                });
                entries.len() - 1
            });
            if entries[at].briefings.last() != Some(&i) {
                entries[at].briefings.push(i);
            }
        }
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&entries[a].company, &entries[b].company);
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let mut slots: Vec<Option<CompanyEntry>> = entries.into_iter().map(Some).collect();
    let sorted: Vec<CompanyEntry> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let mut index: HashMap<String, usize> = sorted
        .iter()
        .enumerate()
        .map(|(i, e)| (term_key(&e.company.name), i))
        .collect();
    for (i, e) in sorted.iter().enumerate() {
        index.entry(e.company.slug.clone()).or_insert(i);
    }
    (sorted, index)
}

fn story_entries(
    stories: Vec<Story>,
    briefings: &[Briefing],
) -> (Vec<StoryEntry>, HashMap<String, usize>) {
    let mut entries: Vec<StoryEntry> = stories
        .into_iter()
        .map(|story| {
            // Briefings are newest first; a timeline reads oldest first.
            let mut members: Vec<usize> = briefings
                .iter()
                .enumerate()
                .filter(|(_, b)| b.story.as_deref() == Some(story.slug.as_str()))
                .map(|(i, _)| i)
                .collect();
            members.reverse();
            StoryEntry {
                story,
                briefings: members,
            }
        })
        .collect();
    // Most recently active first: the smallest index of a member is its newest.
    entries.sort_by(|a, b| {
        let newest = |e: &StoryEntry| e.briefings.iter().min().copied().unwrap_or(usize::MAX);
        newest(a)
            .cmp(&newest(b))
            .then_with(|| a.story.slug.cmp(&b.story.slug))
    });
    let index = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.story.slug.clone(), i))
        .collect();
    (entries, index)
}
