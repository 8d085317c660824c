//! Stage 4, assemble: the immutable [`Site`] — briefings newest first, with
//! tags, companies, authors and stories indexed for the templates.

use foldhash::{HashMap, HashMapExt};

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
    company_index: Index,
    tag_index: Index,
    author_index: Index,
    story_index: HashMap<String, usize>,
}

/// Where to find a tag, author or company by name.
#[derive(Debug, Default)]
struct Index {
    /// By every name as a briefing writes it, so that pages look names up
    /// without slugifying them again for every card.
    names: HashMap<String, usize>,
    /// By term key (see [`term_key`]) and, for companies, profile slug.
    keys: HashMap<String, usize>,
}

impl Index {
    /// The position of the term a name stands for.
    fn get(&self, name: &str) -> Option<usize> {
        self.names
            .get(name)
            .or_else(|| self.keys.get(&term_key(name)))
            .copied()
    }

    /// Adds every name as written that stands for a term.
    fn with_names<'n>(
        mut self,
        names: impl Iterator<Item = &'n String>,
        keys: &mut Keys<'n>,
    ) -> Self {
        for name in names {
            if !self.names.contains_key(name.as_str())
                && let Some(&i) = self.keys.get(keys.of(name))
            {
                self.names.insert(name.clone(), i);
            }
        }
        self
    }
}

/// The term key of each name, slugified once however often it is written.
#[derive(Default)]
struct Keys<'n>(HashMap<&'n str, String>);

impl<'n> Keys<'n> {
    fn of(&mut self, name: &'n str) -> &str {
        self.0.entry(name).or_insert_with(|| term_key(name))
    }
}

/// Which unpublished briefings to include.
#[derive(Debug, Clone, Copy, Default)]
pub struct Include {
    /// Drafts.
    pub drafts: bool,
    /// Future-dated briefings.
    pub future: bool,
}

impl Include {
    /// Whether a briefing with these flags is published.
    pub fn admits(&self, draft: bool, scheduled: bool) -> bool {
        (self.drafts || !draft) && (self.future || !scheduled)
    }
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
        let known: foldhash::HashSet<&str> = story_slugs.iter().copied().collect();
        for b in &briefings {
            if let Some(story) = &b.story
                && !known.contains(story.as_str())
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
            let keep = include.admits(b.draft, b.scheduled);
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
        // Sorted by index, then put in that order in place: a briefing is
        // large, and a sort would move each of ten thousand a dozen times.
        let published: Vec<jiff::Timestamp> =
            briefings.iter().map(|b| b.date.zoned.timestamp()).collect();
        let mut order: Vec<usize> = (0..briefings.len()).collect();
        order.sort_by(|&i, &j| {
            let (a, b) = (&briefings[i], &briefings[j]);
            published[j]
                .cmp(&published[i])
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.origin.file.content_path.cmp(&b.origin.file.content_path))
        });
        reorder(&mut briefings, order);
        pages.retain(|p| include.drafts || !p.draft);
        pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.title.cmp(&b.title)));

        // Tags, authors, companies and stories are gathered side by side:
        // each reads every briefing, and none needs another.
        let briefings_ref = &briefings;
        let terms_of = |section: &str, names_of: fn(&Briefing) -> &Vec<String>| {
            let mut keys = Keys::default();
            let (list, index) = terms(&config, section, briefings_ref, names_of, &mut keys);
            let names = briefings_ref.iter().flat_map(names_of);
            (list, index.with_names(names, &mut keys))
        };
        let gather_tags = || terms_of("tags", |b| &b.tags);
        let gather_authors = || terms_of("authors", |b| &b.authors);
        let gather_companies = || {
            let mut keys = Keys::default();
            let (list, index) = company_entries(&config, companies, briefings_ref, &mut keys);
            let names = briefings_ref.iter().flat_map(|b| &b.companies);
            (list, index.with_names(names, &mut keys))
        };
        let gather_stories = || story_entries(stories, briefings_ref);
        let (
            ((tags, tag_index), (authors, author_index)),
            ((companies, company_index), (stories, story_index)),
        ) = rayon::join(
            || rayon::join(gather_tags, gather_authors),
            || rayon::join(gather_companies, gather_stories),
        );
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
        self.tag_index.get(name).map(|i| &self.tags[i])
    }

    /// The author of a name.
    pub fn author(&self, name: &str) -> Option<&Term> {
        self.author_index.get(name).map(|i| &self.authors[i])
    }

    /// The company of a name.
    pub fn company(&self, name: &str) -> Option<&CompanyEntry> {
        self.company_index.get(name).map(|i| &self.companies[i])
    }

    /// The story of a slug.
    pub fn story(&self, slug: &str) -> Option<&StoryEntry> {
        self.story_index.get(slug).map(|&i| &self.stories[i])
    }
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
    keys: &mut Keys<'b>,
) -> (Vec<Term>, Index) {
    let mut list: Vec<Term> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, b) in briefings.iter().enumerate() {
        for name in names_of(b) {
            let key = keys.of(name);
            let n = match at.get(key) {
                Some(&n) => n,
                None => {
                    list.push(Term {
                        name: name.clone(),
                        url: config.url(&format!("{section}/{key}/")),
                        slug: key.to_owned(),
                        briefings: Vec::new(),
                    });
                    at.insert(key.to_owned(), list.len() - 1);
                    list.len() - 1
                }
            };
            let term = &mut list[n];
            if term.briefings.last() != Some(&i) {
                term.briefings.push(i);
            }
        }
    }
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let keys = list
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.clone(), i))
        .collect();
    let index = Index {
        keys,
        ..Index::default()
    };
    (list, index)
}

fn company_entries<'b>(
    config: &Config,
    profiles: Vec<Company>,
    briefings: &'b [Briefing],
    keys: &mut Keys<'b>,
) -> (Vec<CompanyEntry>, Index) {
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
            let key = keys.of(name);
            let at = match index.get(key) {
                Some(&at) => at,
                None => {
                    // Named by a briefing, no profile: a page with its briefings only.
                    entries.push(CompanyEntry {
                        company: Company {
                            origin: None,
                            name: name.clone(),
                            url: config.url(&format!("companies/{key}/")),
                            slug: key.to_owned(),
                            aliases: Vec::new(),
                            homepage: None,
                            summary: None,
                            content_html: String::new(),
                            extra: serde_json::Value::Object(serde_json::Map::new()),
                        },
                        briefings: Vec::new(),
                    });
                    index.insert(key.to_owned(), entries.len() - 1);
                    entries.len() - 1
                }
            };
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
    reorder(&mut entries, order);
    let mut index: HashMap<String, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (term_key(&e.company.name), i))
        .collect();
    for (i, e) in entries.iter().enumerate() {
        index.entry(e.company.slug.clone()).or_insert(i);
    }
    let index = Index {
        keys: index,
        ..Index::default()
    };
    (entries, index)
}

fn story_entries(
    stories: Vec<Story>,
    briefings: &[Briefing],
) -> (Vec<StoryEntry>, HashMap<String, usize>) {
    // One pass over the briefings, however many stories there are.
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, b) in briefings.iter().enumerate() {
        if let Some(story) = b.story.as_deref() {
            members.entry(story).or_default().push(i);
        }
    }
    let mut entries: Vec<StoryEntry> = stories
        .into_iter()
        .map(|story| {
            // Briefings are newest first; a timeline reads oldest first.
            // Story slugs are unique (each is its own URL).
            let mut members = members.remove(story.slug.as_str()).unwrap_or_default();
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

/// Puts `items` in `order`: position k gets the item that was at
/// `order[k]` (a permutation of the positions). Each cycle of the
/// permutation is followed with swaps, so every item moves about once and
/// nothing is allocated.
fn reorder<T>(items: &mut [T], mut order: Vec<usize>) {
    debug_assert_eq!(items.len(), order.len());
    for start in 0..items.len() {
        let mut k = start;
        // Positions already in place point at themselves.
        while order[k] != k {
            let from = order[k];
            order[k] = k;
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reorder_puts_each_item_where_the_order_says() {
        fn check(order: Vec<usize>) {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            let expected: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            super::reorder(&mut items, order.clone());
            assert_eq!(items, expected, "{order:?}");
        }
        fn every(prefix: Vec<usize>, n: usize) {
            if prefix.len() == n {
                return check(prefix);
            }
            for i in (0..n).filter(|i| !prefix.contains(i)) {
                let mut next = prefix.clone();
                next.push(i);
                every(next, n);
            }
        }
        // Every permutation of up to six, then long cycles.
        for n in 0..=6 {
            every(Vec::new(), n);
        }
        check((1..1000).chain([0]).collect());
        check((0..1000).rev().collect());
        check((0..1000).map(|i| (i * 7) % 1000).collect());
    }
}
