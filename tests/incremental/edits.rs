//! The edits an author makes to a site, as a proptest strategy ([`edit`]),
//! and how each one changes the [`Model`].

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use proptest::prelude::*;
use proptest::sample::Index;

use super::model::{CompanyRef, Model, Story, UNPROFILED};

/// Words of generated titles and bodies: lower-case ASCII letters only, so
/// no Markdown, TOML or slug syntax can come out of them.
const WORDS: &str = "model chips launch pricing agents inference training cluster license \
                     weights benchmark safety deal partner revenue latency open cloud";

/// Tags a briefing may carry.
const TAGS: &[&str] = &["models", "chips", "policy", "cloud"];

/// How edits change the model.
impl Model {
    /// Applies `edit` to briefing `i`.
    fn edit_briefing(&mut self, i: usize, edit: &BriefingEdit) {
        match edit {
            BriefingEdit::Body(spec) => {
                let (body, link) = self.body(spec);
                self.briefings[i].body = body;
                self.briefings[i].link = link;
            }
            BriefingEdit::Points(points) => {
                // The lead and the takeaway stay: only its own pages change.
                let body = &self.briefings[i].body;
                let mut paragraphs = body.split("\n\n");
                let mut text = paragraphs.next().unwrap_or_default().to_owned();
                let takeaway = paragraphs
                    .find(|p| p.starts_with("In simple terms"))
                    .map(str::to_owned);
                if !points.is_empty() {
                    text += "\n\n## What changed\n";
                    for (n, point) in points.iter().enumerate() {
                        text += &format!("\n- **Point {}:** {}.", n + 1, self.text(point));
                    }
                }
                if let Some(takeaway) = takeaway {
                    text += "\n\n";
                    text += &takeaway;
                }
                self.briefings[i].body = text;
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
            CompanyEdit::Homepage(on) => {
                let n = self.unique();
                self.companies[i].homepage = on.then(|| format!("https://site-{n}.example/"));
            }
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

/// A word of generated text.
#[derive(Debug, Clone)]
pub enum Word {
    Plain(&'static str),
    /// The name or an alias of one of the company profiles at the time.
    Mention(Index),
}

/// A generated briefing body.
#[derive(Debug, Clone)]
pub struct BodySpec {
    lead: Vec<Word>,
    /// Key points under "What changed".
    points: Vec<Vec<Word>>,
    takeaway: Option<Vec<Word>>,
    /// A link to one of the briefings at the time.
    link: Option<Index>,
}

/// A change of one briefing.
#[derive(Debug, Clone)]
pub enum BriefingEdit {
    Body(BodySpec),
    /// New key points under "What changed"; the lead and the takeaway
    /// stay.
    Points(Vec<Vec<Word>>),
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
pub enum CompanyEdit {
    Name,
    Aliases([bool; 2]),
    /// Gives it a new homepage, or takes its homepage away.
    Homepage(bool),
    Body(Vec<&'static str>),
    Delete,
}

/// A theme file a site may add, change and remove.
#[derive(Debug, Clone, Copy)]
pub enum ThemeFile {
    BriefingTemplate,
    BaseTemplate,
    /// `static/style.css`, published under a content-hashed name.
    Style,
    /// `static/extra.txt`, a file the embedded theme does not have.
    ExtraTxt,
}

/// A change of `briefing.toml`.
#[derive(Debug, Clone)]
pub enum ConfigEdit {
    Title(Vec<&'static str>),
    Description(Vec<&'static str>),
    Paginate(u8),
    PaginateLists(u8),
    FeedLimit(u8),
}

/// One edit of the site, as an author would make it. An index picks among
/// what exists when the edit is applied; an edit of a briefing or company
/// when there is none changes nothing.
#[derive(Debug, Clone)]
pub enum Edit {
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
    pub fn apply(&self, m: &mut Model) {
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
            Edit::Config(ConfigEdit::PaginateLists(n)) => m.paginate_lists = *n,
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
        3 => prop::collection::vec(words(2..=6), 0..=3).prop_map(BriefingEdit::Points),
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
        any::<bool>().prop_map(CompanyEdit::Homepage),
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
        (1u8..=3).prop_map(ConfigEdit::PaginateLists),
        (1u8..=5).prop_map(ConfigEdit::FeedLimit),
    ]
}

/// Any edit, weighted towards briefings, which most pages depend on.
pub fn edit() -> impl Strategy<Value = Edit> {
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
