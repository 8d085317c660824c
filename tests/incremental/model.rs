//! The site under test as data: a [`Model`] of briefings, company profiles,
//! stories, theme overrides and configuration, and the text of every file
//! it is written as ([`Model::files`]).
//!
//! How an edit changes the model is in `edits.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A company that briefings may name and that never has a profile.
pub const UNPROFILED: &str = "Hooli";

/// A company named in a briefing's front matter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompanyRef {
    /// A profile, by id: written as the profile's current name.
    Profile(u32),
    /// A name without a profile. Never the slug of a profile's file name,
    /// which would give two company pages one URL.
    Name(String),
}

/// One briefing, `content/2025/STEM.md`.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub id: u32,
    pub stem: String,
    pub title: String,
    /// Month and day in 2025, in the past.
    pub date: (u8, u8),
    pub tags: BTreeSet<&'static str>,
    pub companies: BTreeSet<CompanyRef>,
    pub story: Option<String>,
    pub draft: bool,
    pub body: String,
    /// The briefing linked from the body, by id: written as a link to its file.
    pub link: Option<u32>,
}

/// One company profile, `content/companies/STEM.md`.
#[derive(Debug, Clone)]
pub struct Company {
    pub id: u32,
    stem: String,
    pub name: String,
    /// The root of its two possible aliases, `ROOT Cloud` and `ROOT Labs`.
    alias_root: String,
    pub aliases: [bool; 2],
    /// Its homepage, `https://SLUG.example/` (named in the JSON-LD of every
    /// briefing that names the company), if given.
    pub homepage: Option<String>,
    pub body: String,
}

impl Company {
    /// The aliases in use.
    pub fn aliases(&self) -> Vec<String> {
        let suffixes = ["Cloud", "Labs"].into_iter().zip(self.aliases);
        suffixes
            .filter(|(_, on)| *on)
            .map(|(suffix, _)| format!("{} {suffix}", self.alias_root))
            .collect()
    }
}

/// One story intro, `content/stories/SLUG.md`.
#[derive(Debug, Clone)]
pub struct Story {
    pub slug: String,
    pub title: String,
    pub body: String,
}

/// Everything the site's files are written from.
#[derive(Debug, Clone)]
pub struct Model {
    pub title: String,
    pub description: String,
    pub paginate: u8,
    pub paginate_lists: u8,
    pub feed_limit: u8,
    pub briefings: Vec<Briefing>,
    pub companies: Vec<Company>,
    pub stories: Vec<Story>,
    /// Marker of the `templates/briefing.html` override, if there is one.
    pub briefing_template: Option<u32>,
    /// Marker of the `templates/base.html` override, if there is one.
    pub base_template: Option<u32>,
    /// Marker of the `static/style.css` override, if there is one.
    pub style: Option<u32>,
    /// Content marker of `static/extra.txt`, if it exists.
    pub extra_txt: Option<u32>,
    /// The last number handed out for titles, file names and names.
    last: u32,
}

impl Model {
    /// Six briefings (one a draft, two on the same day, links between
    /// them), three company profiles and one story.
    pub fn initial() -> Model {
        let saga = Story {
            slug: "saga".into(),
            title: "The saga".into(),
            body: "How the companies got here.".into(),
        };
        let mut m = Model {
            title: "Incremental".into(),
            description: "A site edited one step at a time.".into(),
            paginate: 3,
            paginate_lists: 2,
            feed_limit: 4,
            briefings: Vec::new(),
            companies: Vec::new(),
            stories: vec![saga],
            briefing_template: None,
            base_template: None,
            style: None,
            extra_txt: None,
            last: 0,
        };
        for root in ["Acme", "Globex", "Initech"] {
            let id = m.unique();
            m.companies.push(Company {
                id,
                stem: root.to_lowercase(),
                name: root.into(),
                alias_root: root.into(),
                aliases: [true, false],
                homepage: None,
                body: format!("{root} trains and sells models."),
            });
        }
        let bodies = [
            "Acme opens its model to outside developers.\n\n## What changed\n\n\
             - **Access:** anyone may call it.\n- **Price:** billed per request.\n\n\
             In simple terms, Acme sells its model.",
            "Globex answers with a cheaper cluster.",
            "The policy debate reaches chips.\n\nIn simple terms, rules are coming.",
            "An unfinished draft about Initech.",
            "The saga continues with Acme Cloud pricing.",
            "Two briefings on one day, the second about weights.",
        ];
        let dates = [(3, 1), (3, 8), (4, 2), (4, 20), (5, 5), (3, 1)];
        for (n, (body, date)) in bodies.into_iter().zip(dates).enumerate() {
            m.add_briefing(&format!("Briefing number {n}"), date, body.into());
        }
        let globex = m.companies[1].id;
        let b = &mut m.briefings;
        b[0].tags.insert("models");
        b[0].companies.insert(CompanyRef::Profile(globex));
        b[0].story = Some("saga".into());
        b[1].link = Some(b[0].id);
        b[2].tags.extend(["chips", "policy"]);
        b[2].companies.insert(CompanyRef::Name(UNPROFILED.into()));
        b[3].draft = true;
        b[4].story = Some("saga".into());
        b[4].link = Some(b[3].id);
        m
    }

    /// A number never handed out before.
    pub fn unique(&mut self) -> u32 {
        self.last += 1;
        self.last
    }

    /// Appends a briefing; its title ends in a unique number, so its slug
    /// is unique.
    pub fn add_briefing(&mut self, title: &str, date: (u8, u8), body: String) {
        let id = self.unique();
        self.briefings.push(Briefing {
            id,
            stem: format!("note-{id}"),
            title: format!("{title} {id}"),
            date,
            tags: BTreeSet::new(),
            companies: BTreeSet::new(),
            story: None,
            draft: false,
            body,
            link: None,
        });
    }

    /// Gives briefing `i` a new title, and so a new slug and URL.
    pub fn retitle(&mut self, i: usize, words: &str) {
        let n = self.unique();
        self.briefings[i].title = format!("{words} {n}");
    }

    /// Adds a company profile with a fresh name.
    pub fn add_company(&mut self, body: String) {
        let id = self.unique();
        self.companies.push(Company {
            id,
            stem: format!("vendor-{id}"),
            name: format!("Vendor {id}"),
            alias_root: format!("Vendor {id}"),
            aliases: [false, false],
            homepage: None,
            body,
        });
    }

    /// Every file of the site, by path relative to the site root.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let mut put = |rel: String, text: String| files.insert(rel, text);
        put("briefing.toml".into(), self.config());
        put(
            "content/pages/about.md".into(),
            "+++\ntitle = \"About\"\n+++\nThis site is rewritten by a test.\n".into(),
        );
        for b in &self.briefings {
            put(format!("content/2025/{}.md", b.stem), self.briefing_file(b));
        }
        for c in &self.companies {
            let aliases = quoted_list(c.aliases());
            let homepage = c
                .homepage
                .as_ref()
                .map(|h| format!("homepage = \"{h}\"\n"))
                .unwrap_or_default();
            let text = format!(
                "+++\nname = \"{}\"\naliases = {aliases}\n{homepage}+++\n{}\n",
                c.name, c.body
            );
            put(format!("content/companies/{}.md", c.stem), text);
        }
        for s in &self.stories {
            let text = format!("+++\ntitle = \"{}\"\n+++\n{}\n", s.title, s.body);
            put(format!("content/stories/{}.md", s.slug), text);
        }
        if let Some(n) = self.briefing_template {
            let text = marked_theme_file("templates/briefing.html", "{% block head %}", n);
            put("templates/briefing.html".into(), text);
        }
        if let Some(n) = self.base_template {
            let text = marked_theme_file("templates/base.html", "</head>", n);
            put("templates/base.html".into(), text);
        }
        if let Some(n) = self.style {
            let text = format!(
                "{}\n/* incremental {n} */\n",
                theme_file("static/style.css")
            );
            put("static/style.css".into(), text);
        }
        if let Some(n) = self.extra_txt {
            put("static/extra.txt".into(), format!("extra file {n}\n"));
        }
        files
    }

    /// `briefing.toml`.
    fn config(&self) -> String {
        format!(
            "title = \"{}\"\ndescription = \"{}\"\nbase_url = \"https://example.com/\"\n\
             paginate = {}\npaginate_lists = {}\n\n[feeds]\nlimit = {}\n",
            self.title, self.description, self.paginate, self.paginate_lists, self.feed_limit
        )
    }

    /// A briefing's Markdown file, front matter included.
    fn briefing_file(&self, b: &Briefing) -> String {
        let (month, day) = b.date;
        let mut front = format!(
            "+++\ntitle = \"{}\"\ndate = 2025-{month:02}-{day:02}\nsource = \"https://example.com/news/{}\"\n",
            b.title, b.id
        );
        if !b.tags.is_empty() {
            front += &format!("tags = {}\n", quoted_list(b.tags.iter().copied()));
        }
        if !b.companies.is_empty() {
            let names = b.companies.iter().map(|c| self.company_name(c));
            front += &format!("companies = {}\n", quoted_list(names));
        }
        if let Some(story) = &b.story {
            front += &format!("story = \"{story}\"\n");
        }
        if b.draft {
            front += "draft = true\n";
        }
        let link = b
            .link
            .and_then(|id| self.briefings.iter().find(|t| t.id == id))
            .map(|t| format!("\nSee also [the related briefing]({}.md).\n", t.stem))
            .unwrap_or_default();
        format!("{front}+++\n{}\n{link}", b.body)
    }

    /// The name a briefing's front matter gives a company.
    fn company_name(&self, company: &CompanyRef) -> String {
        match company {
            CompanyRef::Profile(id) => {
                let profile = self.companies.iter().find(|c| c.id == *id);
                profile
                    .expect("references to a deleted profile become names")
                    .name
                    .clone()
            }
            CompanyRef::Name(name) => name.clone(),
        }
    }
}

/// `["a", "b"]`.
fn quoted_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let quoted: Vec<String> = items
        .into_iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// A template of the built-in theme, as this repository ships it, with an
/// HTML comment that every page it renders shows, right after `anchor`.
fn marked_theme_file(rel: &str, anchor: &str, n: u32) -> String {
    let text = theme_file(rel);
    let Some(at) = text.find(anchor).map(|at| at + anchor.len()) else {
        panic!("`{rel}` no longer has `{anchor}`: choose another place for the marker");
    };
    format!("{}\n<!-- incremental {n} -->{}", &text[..at], &text[at..])
}

/// A file of the built-in theme, as this repository ships it.
fn theme_file(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
