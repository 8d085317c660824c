//! Incremental builds: whatever the cache beside the output holds, and
//! whatever changed since the last build, `briefing build` must write
//! exactly the files a clean build (`--no-cache`, fresh output folder)
//! writes. A damaged cache means a silent clean build, a build with nothing
//! changed leaves the output alone, and a failed build keeps the previous
//! output.
//!
//! The site under test is written from a small [`Model`]; after each edit
//! only the files whose text changed are written, as an author's editor
//! would.

mod harness;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use harness::{Run, TestSite, tree};
use proptest::prelude::*;
use proptest::sample::Index;

/// The flag that makes the reference build ignore any cache.
const NO_CACHE: &str = "--no-cache";

/// Words of generated titles and bodies: lower-case ASCII letters only, so
/// no Markdown, TOML or slug syntax can come out of them.
const WORDS: &str = "model chips launch pricing agents inference training cluster license \
                     weights benchmark safety deal partner revenue latency open cloud";

/// Tags a briefing may carry.
const TAGS: &[&str] = &["models", "chips", "policy", "cloud"];

/// A company that briefings may name and that never has a profile.
const UNPROFILED: &str = "Hooli";

/// An output tree: every file's bytes by relative path.
type Tree = BTreeMap<PathBuf, Vec<u8>>;

// ---------------------------------------------------------------------------
// The site model
// ---------------------------------------------------------------------------

/// A company named in a briefing's front matter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CompanyRef {
    /// A profile, by id: written as the profile's current name.
    Profile(u32),
    /// A name without a profile. Never the slug of a profile's file name,
    /// which would give two company pages one URL.
    Name(String),
}

/// One briefing, `content/2025/STEM.md`.
#[derive(Debug, Clone)]
struct Briefing {
    id: u32,
    stem: String,
    title: String,
    /// Month and day in 2025, in the past.
    date: (u8, u8),
    tags: BTreeSet<&'static str>,
    companies: BTreeSet<CompanyRef>,
    story: Option<String>,
    draft: bool,
    body: String,
    /// The briefing linked from the body, by id: written as a link to its file.
    link: Option<u32>,
}

/// One company profile, `content/companies/STEM.md`.
#[derive(Debug, Clone)]
struct Company {
    id: u32,
    stem: String,
    name: String,
    /// The root of its two possible aliases, `ROOT Cloud` and `ROOT Labs`.
    alias_root: String,
    aliases: [bool; 2],
    body: String,
}

impl Company {
    /// The aliases in use.
    fn aliases(&self) -> Vec<String> {
        let suffixes = ["Cloud", "Labs"].into_iter().zip(self.aliases);
        suffixes
            .filter(|(_, on)| *on)
            .map(|(suffix, _)| format!("{} {suffix}", self.alias_root))
            .collect()
    }
}

/// One story intro, `content/stories/SLUG.md`.
#[derive(Debug, Clone)]
struct Story {
    slug: String,
    title: String,
    body: String,
}

/// Everything the site's files are written from.
#[derive(Debug, Clone)]
struct Model {
    title: String,
    description: String,
    paginate: u8,
    feed_limit: u8,
    briefings: Vec<Briefing>,
    companies: Vec<Company>,
    stories: Vec<Story>,
    /// Marker of the `templates/briefing.html` override, if there is one.
    briefing_template: Option<u32>,
    /// Marker of the `templates/base.html` override, if there is one.
    base_template: Option<u32>,
    /// Marker of the `static/style.css` override, if there is one.
    style: Option<u32>,
    /// Content marker of `static/extra.txt`, if it exists.
    extra_txt: Option<u32>,
    /// The last number handed out for titles, file names and names.
    last: u32,
}

impl Model {
    /// Six briefings (one a draft, two on the same day, links between
    /// them), three company profiles and one story.
    fn initial() -> Model {
        let saga = Story {
            slug: "saga".into(),
            title: "The saga".into(),
            body: "How the companies got here.".into(),
        };
        let mut m = Model {
            title: "Incremental".into(),
            description: "A site edited one step at a time.".into(),
            paginate: 3,
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
    fn unique(&mut self) -> u32 {
        self.last += 1;
        self.last
    }

    /// Appends a briefing; its title ends in a unique number, so its slug
    /// is unique.
    fn add_briefing(&mut self, title: &str, date: (u8, u8), body: String) {
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
    fn retitle(&mut self, i: usize, words: &str) {
        let n = self.unique();
        self.briefings[i].title = format!("{words} {n}");
    }

    /// Adds a company profile with a fresh name.
    fn add_company(&mut self, body: String) {
        let id = self.unique();
        self.companies.push(Company {
            id,
            stem: format!("vendor-{id}"),
            name: format!("Vendor {id}"),
            alias_root: format!("Vendor {id}"),
            aliases: [false, false],
            body,
        });
    }

    /// Applies `edit` to briefing `i`.
    fn edit_briefing(&mut self, i: usize, edit: &BriefingEdit) {
        match edit {
            BriefingEdit::Body(spec) => {
                let (body, link) = self.body(spec);
                self.briefings[i].body = body;
                self.briefings[i].link = link;
            }
            BriefingEdit::Title(words) => self.retitle(i, &words.join(" ")),
            BriefingEdit::Date(date) => self.briefings[i].date = *date,
            BriefingEdit::Tag(tag) => toggle(&mut self.briefings[i].tags, *tag.get(TAGS)),
            BriefingEdit::Company(pick) => {
                let mut choices: BTreeSet<CompanyRef> = self.briefings[i].companies.clone();
                choices.extend(self.companies.iter().map(|c| CompanyRef::Profile(c.id)));
                choices.insert(CompanyRef::Name(UNPROFILED.into()));
                let choice = pick.get(&choices.into_iter().collect::<Vec<_>>()).clone();
                toggle(&mut self.briefings[i].companies, choice);
            }
            BriefingEdit::Story(pick) => {
                self.briefings[i].story = pick.as_ref().map(|s| s.get(&self.stories).slug.clone());
            }
            BriefingEdit::Rename => {
                // Links to it follow, since they are written from ids.
                let n = self.unique();
                self.briefings[i].stem = format!("moved-{n}");
            }
            BriefingEdit::Draft => self.briefings[i].draft = !self.briefings[i].draft,
            BriefingEdit::Delete => {
                let gone = self.briefings.remove(i).id;
                for b in self.briefings.iter_mut().filter(|b| b.link == Some(gone)) {
                    b.link = None;
                }
            }
        }
    }

    /// Applies `edit` to company profile `i`.
    fn edit_company(&mut self, i: usize, edit: &CompanyEdit) {
        match edit {
            CompanyEdit::Name => {
                // Briefings naming it by profile follow.
                let n = self.unique();
                self.companies[i].name = format!("Renamed {n}");
            }
            CompanyEdit::Aliases(on) => self.companies[i].aliases = *on,
            CompanyEdit::Body(words) => self.companies[i].body = sentence(words),
            CompanyEdit::Delete => {
                // Briefings that named it keep the name, now without a profile.
                let gone = self.companies.remove(i);
                for b in &mut self.briefings {
                    if b.companies.remove(&CompanyRef::Profile(gone.id)) {
                        b.companies.insert(CompanyRef::Name(gone.name.clone()));
                    }
                }
            }
        }
    }

    /// Every file of the site, by path relative to the site root.
    fn files(&self) -> BTreeMap<String, String> {
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
            let text = format!(
                "+++\nname = \"{}\"\naliases = {aliases}\n+++\n{}\n",
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
             paginate = {}\n\n[feeds]\nlimit = {}\n",
            self.title, self.description, self.paginate, self.feed_limit
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

    /// Generated words as text: a mention becomes the name or an alias of
    /// one of the profiles at the time.
    fn text(&self, words: &[Word]) -> String {
        let mut names = Vec::new();
        for c in &self.companies {
            names.push(c.name.clone());
            names.extend(c.aliases());
        }
        let words: Vec<String> = words
            .iter()
            .map(|w| match w {
                Word::Plain(w) => (*w).to_string(),
                Word::Mention(_) if names.is_empty() => "nobody".to_string(),
                Word::Mention(i) => i.get(&names).clone(),
            })
            .collect();
        words.join(" ")
    }

    /// The Markdown and the linked briefing of a generated body.
    fn body(&self, spec: &BodySpec) -> (String, Option<u32>) {
        let mut body = format!("{}.", self.text(&spec.lead));
        if !spec.points.is_empty() {
            body += "\n\n## What changed\n";
            for (n, point) in spec.points.iter().enumerate() {
                body += &format!("\n- **Point {}:** {}.", n + 1, self.text(point));
            }
        }
        if let Some(takeaway) = &spec.takeaway {
            body += &format!("\n\nIn simple terms, {}.", self.text(takeaway));
        }
        let link = spec.link.as_ref().filter(|_| !self.briefings.is_empty());
        (body, link.map(|i| i.get(&self.briefings).id))
    }
}

/// Removes `item` from `set`, or inserts it if it was not there.
fn toggle<T: Ord>(set: &mut BTreeSet<T>, item: T) {
    if !set.remove(&item) {
        set.insert(item);
    }
}

/// Words as a sentence.
fn sentence(words: &[&str]) -> String {
    format!("{}.", words.join(" "))
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

// ---------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------

/// A word of generated text.
#[derive(Debug, Clone)]
enum Word {
    Plain(&'static str),
    /// The name or an alias of one of the company profiles at the time.
    Mention(Index),
}

/// A generated briefing body.
#[derive(Debug, Clone)]
struct BodySpec {
    lead: Vec<Word>,
    /// Key points under "What changed".
    points: Vec<Vec<Word>>,
    takeaway: Option<Vec<Word>>,
    /// A link to one of the briefings at the time.
    link: Option<Index>,
}

/// A change of one briefing.
#[derive(Debug, Clone)]
enum BriefingEdit {
    Body(BodySpec),
    /// A new title: a new slug and URL.
    Title(Vec<&'static str>),
    Date((u8, u8)),
    /// Adds or removes a tag.
    Tag(Index),
    /// Adds or removes a company in front matter.
    Company(Index),
    /// Joins a story, or leaves its story.
    Story(Option<Index>),
    /// Moves the file; links to it follow.
    Rename,
    /// Makes it a draft, or publishes the draft.
    Draft,
    Delete,
}

/// A change of one company profile.
#[derive(Debug, Clone)]
enum CompanyEdit {
    Name,
    Aliases([bool; 2]),
    Body(Vec<&'static str>),
    Delete,
}

/// A theme file a site may add, change and remove.
#[derive(Debug, Clone, Copy)]
enum ThemeFile {
    BriefingTemplate,
    BaseTemplate,
    /// `static/style.css`, published under a content-hashed name.
    Style,
    /// `static/extra.txt`, a file the embedded theme does not have.
    ExtraTxt,
}

/// A change of `briefing.toml`.
#[derive(Debug, Clone)]
enum ConfigEdit {
    Title(Vec<&'static str>),
    Description(Vec<&'static str>),
    Paginate(u8),
    FeedLimit(u8),
}

/// One edit of the site, as an author would make it. An index picks among
/// what exists when the edit is applied; an edit of a briefing or company
/// when there is none changes nothing.
#[derive(Debug, Clone)]
enum Edit {
    AddBriefing(Vec<&'static str>, (u8, u8), BodySpec),
    Briefing(Index, BriefingEdit),
    AddCompany(Vec<&'static str>),
    Company(Index, CompanyEdit),
    AddStory(Vec<&'static str>),
    StoryTitle(Index, Vec<&'static str>),
    StoryBody(Index, Vec<&'static str>),
    /// Writes the file with the given marker, or removes it (`None`).
    Theme(ThemeFile, Option<u32>),
    Config(ConfigEdit),
    /// Rewrites one file of the site with the bytes it already has.
    Touch(Index),
}

impl Edit {
    /// Applies the edit to the model (a touch changes no model).
    fn apply(&self, m: &mut Model) {
        match self {
            Edit::AddBriefing(title, date, spec) => {
                let (body, link) = m.body(spec);
                m.add_briefing(&title.join(" "), *date, body);
                m.briefings.last_mut().expect("just added").link = link;
            }
            Edit::Briefing(i, edit) if !m.briefings.is_empty() => {
                m.edit_briefing(i.index(m.briefings.len()), edit);
            }
            Edit::AddCompany(words) => m.add_company(sentence(words)),
            Edit::Company(i, edit) if !m.companies.is_empty() => {
                m.edit_company(i.index(m.companies.len()), edit);
            }
            Edit::AddStory(words) => {
                let n = m.unique();
                m.stories.push(Story {
                    slug: format!("thread-{n}"),
                    title: format!("Thread {n}"),
                    body: sentence(words),
                });
            }
            Edit::StoryTitle(i, words) => {
                let n = m.unique();
                i.get_mut(&mut m.stories).title = format!("{} {n}", words.join(" "));
            }
            Edit::StoryBody(i, words) => i.get_mut(&mut m.stories).body = sentence(words),
            Edit::Theme(ThemeFile::BriefingTemplate, n) => m.briefing_template = *n,
            Edit::Theme(ThemeFile::BaseTemplate, n) => m.base_template = *n,
            Edit::Theme(ThemeFile::Style, n) => m.style = *n,
            Edit::Theme(ThemeFile::ExtraTxt, n) => m.extra_txt = *n,
            Edit::Config(ConfigEdit::Title(words)) => {
                let n = m.unique();
                m.title = format!("{} {n}", words.join(" "));
            }
            Edit::Config(ConfigEdit::Description(words)) => m.description = sentence(words),
            Edit::Config(ConfigEdit::Paginate(n)) => m.paginate = *n,
            Edit::Config(ConfigEdit::FeedLimit(n)) => m.feed_limit = *n,
            Edit::Briefing(..) | Edit::Company(..) | Edit::Touch(_) => {}
        }
    }
}

/// One word of [`WORDS`].
fn plain_word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(WORDS.split_whitespace().collect::<Vec<_>>())
}

/// Words of [`WORDS`], as many as `len` allows.
fn plain_words(len: RangeInclusive<usize>) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(plain_word(), len)
}

/// Words of [`WORDS`] with, now and then, a company mention.
fn words(len: RangeInclusive<usize>) -> impl Strategy<Value = Vec<Word>> {
    let word = prop_oneof![
        5 => plain_word().prop_map(Word::Plain),
        1 => any::<Index>().prop_map(Word::Mention),
    ];
    prop::collection::vec(word, len)
}

/// A briefing body: a lead, maybe key points, a takeaway and a link.
fn body() -> impl Strategy<Value = BodySpec> {
    let points = prop::collection::vec(words(2..=6), 0..=3);
    let link = prop::option::weighted(0.3, any::<Index>());
    (words(3..=12), points, prop::option::of(words(2..=6)), link).prop_map(
        |(lead, points, takeaway, link)| BodySpec {
            lead,
            points,
            takeaway,
            link,
        },
    )
}

/// A month and day that every month has.
fn date() -> impl Strategy<Value = (u8, u8)> {
    (1u8..=9, 1u8..=28)
}

/// A change of one briefing, weighted towards the common ones.
fn briefing_edit() -> impl Strategy<Value = BriefingEdit> {
    prop_oneof![
        4 => body().prop_map(BriefingEdit::Body),
        3 => plain_words(1..=4).prop_map(BriefingEdit::Title),
        2 => date().prop_map(BriefingEdit::Date),
        2 => any::<Index>().prop_map(BriefingEdit::Tag),
        2 => any::<Index>().prop_map(BriefingEdit::Company),
        1 => prop::option::of(any::<Index>()).prop_map(BriefingEdit::Story),
        2 => Just(BriefingEdit::Rename),
        2 => Just(BriefingEdit::Draft),
        2 => Just(BriefingEdit::Delete),
    ]
}

/// A change of one company profile.
fn company_edit() -> impl Strategy<Value = CompanyEdit> {
    prop_oneof![
        Just(CompanyEdit::Name),
        any::<[bool; 2]>().prop_map(CompanyEdit::Aliases),
        plain_words(2..=6).prop_map(CompanyEdit::Body),
        Just(CompanyEdit::Delete),
    ]
}

/// Adding, changing or removing a theme file of the site.
fn theme_edit() -> impl Strategy<Value = Edit> {
    let file = prop_oneof![
        Just(ThemeFile::BriefingTemplate),
        Just(ThemeFile::BaseTemplate),
        Just(ThemeFile::Style),
        Just(ThemeFile::ExtraTxt),
    ];
    (file, prop::option::weighted(0.75, 1u32..4)).prop_map(|(f, n)| Edit::Theme(f, n))
}

/// A change of `briefing.toml`.
fn config_edit() -> impl Strategy<Value = ConfigEdit> {
    prop_oneof![
        plain_words(1..=3).prop_map(ConfigEdit::Title),
        plain_words(2..=6).prop_map(ConfigEdit::Description),
        (1u8..=4).prop_map(ConfigEdit::Paginate),
        (1u8..=5).prop_map(ConfigEdit::FeedLimit),
    ]
}

/// Any edit, weighted towards briefings, which most pages depend on.
fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (plain_words(1..=4), date(), body()).prop_map(|(t, d, b)| Edit::AddBriefing(t, d, b)),
        20 => (any::<Index>(), briefing_edit()).prop_map(|(i, e)| Edit::Briefing(i, e)),
        1 => plain_words(2..=6).prop_map(Edit::AddCompany),
        4 => (any::<Index>(), company_edit()).prop_map(|(i, e)| Edit::Company(i, e)),
        1 => plain_words(2..=6).prop_map(Edit::AddStory),
        1 => (any::<Index>(), plain_words(1..=3)).prop_map(|(i, w)| Edit::StoryTitle(i, w)),
        1 => (any::<Index>(), plain_words(2..=6)).prop_map(|(i, w)| Edit::StoryBody(i, w)),
        4 => theme_edit(),
        4 => config_edit().prop_map(Edit::Config),
        2 => any::<Index>().prop_map(Edit::Touch),
    ]
}

// ---------------------------------------------------------------------------
// The site on disk and its builds
// ---------------------------------------------------------------------------

/// A site written from a [`Model`], and an output folder that persists
/// across builds, with the cache beside it.
struct Workspace {
    site: TestSite,
    /// The text of every file of the site as last written.
    written: BTreeMap<String, String>,
    /// Holds the output folder and its sibling cache.
    outside: tempfile::TempDir,
}

impl Workspace {
    /// Writes the model's site into a fresh directory.
    fn new(model: &Model) -> Workspace {
        let mut ws = Workspace {
            site: TestSite::empty(),
            written: BTreeMap::new(),
            outside: tempfile::tempdir().expect("temp dir"),
        };
        ws.sync(model);
        ws
    }

    /// The persistent output folder.
    fn out(&self) -> PathBuf {
        self.outside.path().join("public")
    }

    /// The cache beside the output folder.
    fn cache(&self) -> PathBuf {
        self.outside.path().join(".public.briefing-cache")
    }

    /// Writes the files whose text differs from the model's, and removes
    /// those the model no longer has.
    fn sync(&mut self, model: &Model) {
        let files = model.files();
        for rel in self.written.keys().filter(|rel| !files.contains_key(*rel)) {
            std::fs::remove_file(self.site.root().join(rel)).expect("remove a site file");
        }
        for (rel, text) in &files {
            if self.written.get(rel) != Some(text) {
                self.site.write(rel, text);
            }
        }
        self.written = files;
    }

    /// Writes one file the model does not describe (an author's mistake).
    fn write(&mut self, rel: &str, text: &str) {
        self.site.write(rel, text);
        self.written.insert(rel.into(), text.into());
    }

    /// Rewrites one file of the site with the bytes it already has.
    fn touch(&self, which: &Index) {
        let files: Vec<(&String, &String)> = self.written.iter().collect();
        let (rel, text) = which.get(&files);
        self.site.write(rel, text);
    }

    /// An incremental build into the persistent output folder.
    fn build(&self) -> Run {
        run_build(&self.site, &self.out(), &[])
    }

    /// Builds incrementally, then cleanly, and describes the first
    /// difference between the two outputs.
    fn check(&self) -> Result<(), String> {
        succeeded(&self.build(), "the incremental build")?;
        let expected = clean_tree(&self.site)?;
        same_trees(&expected, &tree(&self.out()))
    }
}

/// `briefing --site ROOT build --output OUT EXTRA…`.
fn run_build(site: &TestSite, out: &Path, extra: &[&str]) -> Run {
    let out = out.to_str().expect("temp paths are UTF-8");
    let mut args = vec!["build", "--output", out];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// A build succeeded silently: exit status 0 and nothing on stderr.
fn succeeded(run: &Run, what: &str) -> Result<(), String> {
    if run.status == 0 && run.stderr.trim().is_empty() {
        return Ok(());
    }
    Err(format!(
        "{what} exited with {} and printed on stderr:\n{}\nstdout:\n{}",
        run.status, run.stderr, run.stdout
    ))
}

/// The files of a clean build of `site`: `--no-cache`, into a fresh folder.
fn clean_tree(site: &TestSite) -> Result<Tree, String> {
    let fresh = tempfile::tempdir().expect("temp dir");
    let out = fresh.path().join("public");
    succeeded(&run_build(site, &out, &[NO_CACHE]), "the clean build")?;
    Ok(tree(&out))
}

/// Compares two output trees; the error names the first differing path and
/// shows the bytes around the first difference.
fn same_trees(expected: &Tree, actual: &Tree) -> Result<(), String> {
    if let Some(p) = expected.keys().find(|p| !actual.contains_key(*p)) {
        return Err(format!("`{}` is missing from the output", p.display()));
    }
    if let Some(p) = actual.keys().find(|p| !expected.contains_key(*p)) {
        return Err(format!("`{}` should not be in the output", p.display()));
    }
    match expected.iter().find(|(path, want)| actual[*path] != **want) {
        Some((path, want)) => Err(format!(
            "`{}` differs from the clean build's\n{}",
            path.display(),
            diff_context(want, &actual[path])
        )),
        None => Ok(()),
    }
}

/// The bytes around the first difference of two files.
fn diff_context(want: &[u8], got: &[u8]) -> String {
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let window = |bytes: &[u8]| {
        let end = (at + 80).min(bytes.len());
        String::from_utf8_lossy(&bytes[at.saturating_sub(80).min(end)..end]).into_owned()
    };
    format!(
        "first difference at byte {at} (clean: {} bytes, incremental: {} bytes)\n  \
         clean:       {:?}\n  incremental: {:?}",
        want.len(),
        got.len(),
        window(want),
        window(got)
    )
}

/// The regular files below `dir`, sorted (none if it does not exist).
fn files_below(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10,
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    /// After every edit of a random sequence, the incremental build writes
    /// what a clean build writes.
    #[test]
    fn incremental_builds_match_clean_builds(edits in prop::collection::vec(edit(), 1..=8)) {
        let mut model = Model::initial();
        let mut ws = Workspace::new(&model);
        ws.check().map_err(|e| TestCaseError::fail(format!("first build: {e}")))?;
        for (step, edit) in edits.iter().enumerate() {
            if let Edit::Touch(which) = edit {
                ws.touch(which);
            } else {
                edit.apply(&mut model);
                ws.sync(&model);
            }
            ws.check().map_err(|e| {
                TestCaseError::fail(format!("after edit {} ({edit:?}): {e}", step + 1))
            })?;
        }
    }
}

/// Ways to damage a cache.
#[derive(Debug, Clone, Copy)]
enum Damage {
    /// Every file overwritten with bytes that mean nothing.
    Garbage,
    /// Every file cut to half its length.
    Truncate,
    /// One byte in the middle of every file changed.
    FlipByte,
    /// Every other file deleted, the first included.
    DeleteHalf,
    /// The whole cache folder removed.
    RemoveAll,
    /// The cache (and the output) written by another build of the program:
    /// a copy of the executable, as a rebuild or an upgrade leaves it.
    OtherExecutable,
}

impl Damage {
    /// Damages the cache of `ws`; `other` is a copy of the executable.
    fn apply(self, ws: &Workspace, other: &Path) {
        let cache = ws.cache();
        let files = files_below(&cache);
        match self {
            Damage::Garbage => {
                for (n, file) in (0u64..).zip(&files) {
                    let len = std::fs::metadata(file).map_or(0, |m| m.len()).max(64);
                    let junk: Vec<u8> = (0..len).map(|i| (i * 151 + n * 31 + 7) as u8).collect();
                    std::fs::write(file, junk).expect("overwrite a cache file");
                }
            }
            Damage::Truncate => {
                for file in &files {
                    let open = std::fs::OpenOptions::new().write(true).open(file);
                    let handle = open.expect("open a cache file");
                    let len = handle.metadata().expect("cache file metadata").len();
                    handle.set_len(len / 2).expect("truncate a cache file");
                }
            }
            Damage::FlipByte => {
                for file in &files {
                    let mut bytes = std::fs::read(file).expect("read a cache file");
                    let middle = bytes.len() / 2;
                    if let Some(byte) = bytes.get_mut(middle) {
                        *byte ^= 0x20;
                    }
                    std::fs::write(file, bytes).expect("rewrite a cache file");
                }
            }
            Damage::DeleteHalf => {
                for file in files.iter().step_by(2) {
                    std::fs::remove_file(file).expect("delete a cache file");
                }
            }
            Damage::RemoveAll => std::fs::remove_dir_all(&cache).expect("remove the cache"),
            Damage::OtherExecutable => {
                let out = ws.out();
                let status = std::process::Command::new(other)
                    .arg("--site")
                    .arg(ws.site.root())
                    .args(["build", "--output"])
                    .arg(&out)
                    .env("NO_COLOR", "1")
                    .output()
                    .expect("run the copy of briefing")
                    .status;
                assert!(status.success(), "the copy of briefing failed: {status}");
            }
        }
    }
}

/// A copy of the `briefing` executable with another modification time, in
/// a folder that lives as long as the returned guard.
fn copy_of_executable() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("briefing-copy");
    std::fs::copy(env!("CARGO_BIN_EXE_briefing"), &copy).expect("copy the executable");
    let file = std::fs::File::options()
        .write(true)
        .open(&copy)
        .expect("open the copy");
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    file.set_modified(long_ago).expect("date the copy");
    (dir, copy)
}

/// Whatever happened to the cache, the next build succeeds silently and
/// writes what a clean build writes, with or without edits since.
#[test]
fn a_damaged_cache_means_a_silent_clean_build() {
    let (_keep, other) = copy_of_executable();
    for damage in [
        Damage::Garbage,
        Damage::Truncate,
        Damage::FlipByte,
        Damage::DeleteHalf,
        Damage::RemoveAll,
        Damage::OtherExecutable,
    ] {
        let mut model = Model::initial();
        let mut ws = Workspace::new(&model);
        succeeded(&ws.build(), "the first build").unwrap();
        model.retitle(0, "First retitled");
        model.companies[1].aliases = [true, true];
        ws.sync(&model);
        succeeded(&ws.build(), "the second build").unwrap();
        let cache = ws.cache();
        assert!(
            !files_below(&cache).is_empty(),
            "no cache at {}",
            cache.display()
        );

        damage.apply(&ws, &other);
        ws.check()
            .unwrap_or_else(|e| panic!("{damage:?}, nothing edited: {e}"));

        damage.apply(&ws, &other);
        model.retitle(1, "Second retitled");
        model.briefings[2].body = "A body rewritten after the cache broke, naming Initech.".into();
        model.base_template = Some(9);
        ws.sync(&model);
        ws.check()
            .unwrap_or_else(|e| panic!("{damage:?}, then edited: {e}"));
    }
}

/// The modification time and inode of every file below `dir`.
#[cfg(unix)]
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let stamp = |path: &Path| {
        let meta = std::fs::metadata(path).expect("output file metadata");
        (meta.modified().expect("modification time"), meta.ino())
    };
    let files = files_below(dir).into_iter();
    files
        .map(|path| {
            (
                path.strip_prefix(dir).expect("below dir").to_path_buf(),
                stamp(&path),
            )
        })
        .collect()
}

/// With nothing changed since the last build, a build reports success and
/// rewrites no output file: each keeps its modification time and inode.
#[cfg(unix)]
#[test]
fn a_build_with_nothing_changed_leaves_the_output_untouched() {
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    succeeded(&ws.build(), "the first build").unwrap();
    model.briefings[1].body = "An edit before the builds under test.".into();
    ws.sync(&model);
    succeeded(&ws.build(), "the second build").unwrap();
    let before = stamps(&ws.out());
    let bytes_before = tree(&ws.out());
    // Longer than the coarsest file-system clock tick, so a rewrite shows.
    std::thread::sleep(std::time::Duration::from_millis(50));

    let run = ws.build();
    succeeded(&run, "the build with nothing changed").unwrap();
    assert!(run.stdout.contains("Built 5 briefings"), "{}", run.stdout);
    let after = stamps(&ws.out());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the set of output files changed"
    );
    if let Some((path, stamp)) = before.iter().find(|(path, stamp)| after[*path] != **stamp) {
        let now = after[path];
        panic!(
            "`{}` was rewritten: {stamp:?} before, {now:?} after",
            path.display()
        );
    }
    same_trees(&bytes_before, &tree(&ws.out())).unwrap();
}

/// A build that fails on a content error leaves the previous output as it
/// was; once the error is fixed, the output is that of a clean build.
#[test]
fn a_failed_build_keeps_the_previous_output() {
    let mut model = Model::initial();
    let mut ws = Workspace::new(&model);
    succeeded(&ws.build(), "the first build").unwrap();
    let before = tree(&ws.out());

    // A good edit together with an error.
    model.briefings[1].body = "A body edited along with the error.".into();
    model.briefings[1].story = Some("no-such-story".into());
    ws.sync(&model);
    let run = ws.build();
    assert_eq!(
        run.status, 1,
        "an unknown story must fail the build: {}",
        run.stderr
    );
    assert!(run.stderr.contains("no-such-story"), "{}", run.stderr);
    same_trees(&before, &tree(&ws.out())).unwrap_or_else(|e| panic!("after the failure: {e}"));

    model.briefings[1].story = None;
    ws.sync(&model);
    ws.check()
        .unwrap_or_else(|e| panic!("after fixing the story: {e}"));
    let before = tree(&ws.out());

    // A template that does not parse, together with a configuration edit.
    model.title = "Retitled while broken".into();
    ws.sync(&model);
    let broken = "{% extends \"base.html\" %}\n{% block content %}{% if %}{% endblock content %}\n";
    ws.write("templates/briefing.html", broken);
    let run = ws.build();
    assert_eq!(
        run.status, 1,
        "a broken template must fail the build: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("templates/briefing.html"),
        "{}",
        run.stderr
    );
    same_trees(&before, &tree(&ws.out())).unwrap_or_else(|e| panic!("after the failure: {e}"));

    model.briefing_template = Some(5);
    ws.sync(&model);
    ws.check()
        .unwrap_or_else(|e| panic!("after fixing the template: {e}"));
}
