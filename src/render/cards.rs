//! `card_html(card=card, heading="h2", lead=false)`: one briefing's card,
//! rendered from `partials/card.html` once per build and shared by every
//! list that shows it.
//!
//! A briefing appears on the home page and on the page of each of its tags,
//! companies and authors: ten thousand briefings make some ninety thousand
//! cards. Rendered through `{% include %}`, each is interpreted
//! again; through `card_html`, each distinct card is interpreted once and
//! the other lists copy its HTML.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use foldhash::HashMap;
use tera::{Context, Kwargs, State, TeraResult, Value};

/// The template a card is rendered from.
pub const PARTIAL: &str = "partials/card.html";

/// The cards rendered so far, by briefing URL, heading and lead.
#[derive(Default)]
pub struct Memo {
    cards: Mutex<HashMap<(String, String, bool), Rendered>>,
}

struct Rendered {
    /// The card value it was rendered from: a template that passes another
    /// value with the same URL (a card changed with `merge`, say) gets its
    /// own rendering, never this one.
    card: Value,
    html: Value,
}

impl Memo {
    /// Forgets every card (they belong to one build's site).
    pub fn forget(&self) {
        lock(&self.cards).clear();
    }

    fn get(&self, key: &(String, String, bool), card: &Value) -> Option<Value> {
        let cards = lock(&self.cards);
        let hit = cards.get(key)?;
        (hit.card == *card).then(|| hit.html.clone())
    }

    fn put(&self, key: (String, String, bool), card: Value, html: Value) {
        lock(&self.cards).insert(key, Rendered { card, html });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

thread_local! {
    /// Why the last card that failed on this thread failed. A card is
    /// rendered on the thread of the page that asks for it, and a page that
    /// fails because of its card reports this error, at its line in the
    /// partial, rather than the call that met it.
    static FAILED: RefCell<Option<tera::Error>> = const { RefCell::new(None) };
}

/// Takes why the last card rendered on this thread failed, if one did.
pub fn take_failure() -> Option<tera::Error> {
    FAILED.with(|f| f.borrow_mut().take())
}

/// Registers a `card_html` that fails: for the templates' parse, which
/// checks the functions they call, and for the cards themselves (a card
/// cannot hold cards).
pub fn declare(tera: &mut tera::Tera) {
    tera.register_function("card_html", |_: Kwargs, _: &State| -> TeraResult<Value> {
        Err(tera::Error::message(format!(
            "card_html cannot be called from `{PARTIAL}`"
        )))
    });
}

/// Registers the working `card_html` on `tera`, whose templates are parsed
/// (after [`declare`]). Cards are rendered by a copy of the templates made
/// before, with `card`, `card_heading`, `lead` and the calling page's
/// `site`.
pub fn register(tera: &mut tera::Tera, memo: Arc<Memo>) {
    let partials = Arc::new(tera.clone());
    tera.register_function("card_html", CardHtml { partials, memo });
}

struct CardHtml {
    partials: Arc<tera::Tera>,
    memo: Arc<Memo>,
}

impl tera::Function<TeraResult<Value>> for CardHtml {
    fn call(&self, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        let card: Value = kwargs.must_get("card")?;
        let heading: String = kwargs.get("heading")?.unwrap_or_else(|| "h2".to_owned());
        let lead: bool = kwargs.get("lead")?.unwrap_or(false);
        let url = card
            .get_from_path("url")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let key = url.map(|url| (url, heading.clone(), lead));
        if let Some(html) = key.as_ref().and_then(|k| self.memo.get(k, &card)) {
            return Ok(html);
        }
        let mut context = Context::new();
        if let Some(site) = state.get::<Value>("site")? {
            context.insert_value("site", site);
        }
        context.insert_value("card", card.clone());
        context.insert("card_heading", &heading);
        context.insert("lead", &lead);
        let html = match self.partials.render(PARTIAL, &context) {
            Ok(html) => Value::safe_string(&html),
            Err(err) => {
                let message = format!(
                    "the card of `{}` could not be rendered",
                    key.as_ref().map_or("", |k| k.0.as_str())
                );
                FAILED.with(|f| *f.borrow_mut() = Some(err));
                return Err(tera::Error::message(message));
            }
        };
        if let Some(key) = key {
            self.memo.put(key, card, html.clone());
        }
        Ok(html)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARD: &str = "<{{ card_heading }}>{{ card.title }}</{{ card_heading }}>{% if lead %}!{% endif %}{{ site.title }}";

    /// Templates as `Renderer::new` sets them up, with `list` showing the
    /// cards it is given with `call`.
    fn tera(list: &str, card: &str) -> (tera::Tera, Arc<Memo>) {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        declare(&mut tera);
        tera.add_raw_templates(vec![("list.html", list), (PARTIAL, card)])
            .unwrap();
        let memo = Arc::new(Memo::default());
        register(&mut tera, Arc::clone(&memo));
        (tera, memo)
    }

    fn render(tera: &tera::Tera, cards: serde_json::Value) -> Result<String, tera::Error> {
        let context = Context::from_serialize(&serde_json::json!({
            "site": {"title": "S"},
            "cards": cards,
        }))
        .unwrap();
        tera.render("list.html", &context)
    }

    #[test]
    fn prints_the_partial_with_its_heading_and_lead_escaped_once() {
        let list = r#"{% for card in cards %}{{ card_html(card=card) }}|{{ card_html(card=card, heading="h3", lead=true) }};{% endfor %}"#;
        let (tera, _) = tera(list, CARD);
        let cards = serde_json::json!([{"url": "/a/", "title": "A <b> & c"}]);
        assert_eq!(
            render(&tera, cards).unwrap(),
            "<h2>A &lt;b&gt; &amp; c</h2>S|<h3>A &lt;b&gt; &amp; c</h3>!S;"
        );
    }

    #[test]
    fn prints_what_an_include_of_the_partial_prints() {
        let by_function =
            r#"{% for card in cards %}{{ card_html(card=card, heading="h3") }}{% endfor %}"#;
        let by_include = r#"{% set card_heading = "h3" %}{% set lead = false %}{% for card in cards %}{% include "partials/card.html" %}{% endfor %}"#;
        let cards = serde_json::json!([{"url": "/a/", "title": "A"}, {"url": "/b/", "title": "B"}]);
        let (functions, _) = tera(by_function, CARD);
        let (includes, _) = tera(by_include, CARD);
        assert_eq!(
            render(&functions, cards.clone()).unwrap(),
            render(&includes, cards).unwrap()
        );
    }

    #[test]
    fn a_card_is_rendered_once_and_another_with_its_url_is_not_taken_for_it() {
        let list = "{% for card in cards %}{{ card_html(card=card) }};{% endfor %}";
        let (tera, memo) = tera(list, CARD);
        let cards = serde_json::json!([
            {"url": "/a/", "title": "A"},
            {"url": "/a/", "title": "A"},
            {"url": "/a/", "title": "changed"},
        ]);
        assert_eq!(
            render(&tera, cards).unwrap(),
            "<h2>A</h2>S;<h2>A</h2>S;<h2>changed</h2>S;"
        );
        assert_eq!(lock(&memo.cards).len(), 1);
        memo.forget();
        assert!(lock(&memo.cards).is_empty());
    }

    /// Every message of `err` and its causes.
    fn chain(err: &tera::Error) -> String {
        let mut text = format!("{err}");
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        text
    }

    #[test]
    fn a_card_cannot_hold_cards_and_its_failure_is_kept_for_the_page() {
        let list = "{% for card in cards %}{{ card_html(card=card) }}{% endfor %}";
        let (tera, _) = tera(list, "{{ card_html(card=card) }}");
        take_failure();
        let err = render(&tera, serde_json::json!([{"url": "/a/"}])).unwrap_err();
        assert!(
            chain(&err).contains("the card of `/a/` could not be rendered"),
            "{}",
            chain(&err)
        );
        let why = take_failure().expect("the card's own error");
        assert!(
            chain(&why).contains("card_html cannot be called"),
            "{}",
            chain(&why)
        );
        assert!(take_failure().is_none());
    }
}
