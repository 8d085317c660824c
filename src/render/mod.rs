//! Stage 5, template: Tera 2 with the embedded theme and the site's
//! overrides, rendering typed views into [`OutputFile`]s.

mod cards;
pub mod jsonld;
pub mod pages;
mod paginate;
pub mod sink;
pub mod view;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::output::assets::Assets;
use crate::theme::{Origin, Theme};
pub use sink::{Key, Sink};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below the output directory, `/`-separated (`briefings/x/index.html`).
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Templates, parsed once per build and shared by every rendering thread.
pub struct Renderer {
    tera: tera::Tera,
    /// Template name → path shown in messages and its text.
    sources: std::collections::HashMap<String, (PathBuf, Arc<str>)>,
    /// Fingerprint of every template and of the asset URLs they can ask
    /// for: part of every page's key.
    seed: Key,
    /// The cards `card_html` rendered in this build.
    cards: Arc<cards::Memo>,
}

impl Renderer {
    /// Parses every template of the theme. Syntax errors are content
    /// problems, reported at their template's line and column.
    pub fn new(theme: &Theme, assets: &Assets) -> Result<Renderer, Vec<Diagnostic>> {
        let mut sources = std::collections::HashMap::new();
        let mut errors = Vec::new();
        let mut raw = Vec::new();
        for (name, file) in &theme.templates {
            let shown = match &file.origin {
                Origin::Embedded => PathBuf::from(format!("(built-in theme) templates/{name}")),
                Origin::Site(path) => path.clone(),
            };
            match std::str::from_utf8(&file.bytes) {
                Ok(text) => {
                    raw.push((name.clone(), text.to_owned()));
                    sources.insert(name.clone(), (shown, Arc::from(text)));
                }
                Err(_) => errors.push(Diagnostic::error_file(
                    &shown,
                    "template is not valid UTF-8",
                )),
            }
        }
        let seed = seed(&raw, assets);
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        register_asset_url(&mut tera, assets);
        cards::declare(&mut tera);
        let renderer_sources = sources;
        if let Err(err) = tera.add_raw_templates(raw) {
            errors.push(template_diagnostic(&err, &renderer_sources, None));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let cards = Arc::new(cards::Memo::default());
        cards::register(&mut tera, Arc::clone(&cards));
        Ok(Renderer {
            tera,
            sources: renderer_sources,
            seed,
            cards,
        })
    }

    /// Renders `template` with `context` into the file at `path` and hands
    /// it to `sink`, unless the sink already holds the page made from the
    /// same templates and the same context.
    pub fn render_to<C: Serialize>(
        &self,
        sink: &dyn Sink,
        template: &str,
        context: &C,
        path: &str,
    ) -> Result<(), Diagnostic> {
        let key = self.key(sink, template, None, context);
        self.render_unless_kept(sink, template, key, path, || context)
    }

    /// Like [`Renderer::render_to`], for a page whose context is wholly
    /// decided by `deps`, a smaller value that is cheaper to make and to
    /// hash: the context is only made from them when the page is rendered.
    pub fn render_by<D: Serialize, C: Serialize>(
        &self,
        sink: &dyn Sink,
        template: &str,
        deps: D,
        path: &str,
        context: impl FnOnce(D) -> C,
    ) -> Result<(), Diagnostic> {
        let key = self.key(sink, template, Some("deps"), &deps);
        self.render_unless_kept(sink, template, key, path, || context(deps))
    }

    /// The key of a page made with `template` from `value`, when the sink
    /// wants keys and the value can be encoded (a page without a key is
    /// rendered every time). `kind` tells keys made from dependencies from
    /// keys made from whole contexts.
    fn key<V: Serialize + ?Sized>(
        &self,
        sink: &dyn Sink,
        template: &str,
        kind: Option<&str>,
        value: &V,
    ) -> Option<Key> {
        if !sink.wants_keys() {
            return None;
        }
        let mut h = sink::Hasher::new(self.seed);
        h.bytes(template.as_bytes());
        if let Some(kind) = kind {
            h.bytes(kind.as_bytes());
        }
        h.value(value).then(|| h.finish())
    }

    fn render_unless_kept<C: Serialize>(
        &self,
        sink: &dyn Sink,
        template: &str,
        key: Option<Key>,
        path: &str,
        context: impl FnOnce() -> C,
    ) -> Result<(), Diagnostic> {
        if let Some(key) = key
            && sink.unchanged(path, key)
        {
            return Ok(());
        }
        let file = self.render(template, &context(), path)?;
        sink.put(file, key.unwrap_or(0));
        Ok(())
    }

    /// Renders `template` with `context` into the file at `path`. Errors name
    /// the template position and the page being rendered.
    pub fn render<C: Serialize>(
        &self,
        template: &str,
        context: &C,
        path: &str,
    ) -> Result<OutputFile, Diagnostic> {
        let ctx = tera::Context::from_serialize(context)
            .map_err(|err| template_diagnostic(&err, &self.sources, Some(path)))?;
        cards::take_failure();
        let html = self.tera.render(template, &ctx).map_err(|err| {
            // A card that failed is reported where it failed.
            let err = cards::take_failure().unwrap_or(err);
            template_diagnostic(&err, &self.sources, Some(path))
        })?;
        Ok(OutputFile {
            path: path.to_owned(),
            bytes: html.into_bytes(),
        })
    }

    /// Forgets the cards rendered so far: they show one build's briefings.
    pub fn forget_cards(&self) {
        self.cards.forget();
    }

    /// Whether the theme has a template of this name.
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }
}

/// The fingerprint of a template set and of the assets it can link to.
fn seed(templates: &[(String, String)], assets: &Assets) -> Key {
    let mut sorted: Vec<&(String, String)> = templates.iter().collect();
    sorted.sort();
    let mut h = sink::Hasher::new(0);
    for (name, text) in sorted {
        h.bytes(name.as_bytes()).bytes(text.as_bytes());
    }
    let mut urls: Vec<(&String, &String, &String)> = assets
        .by_name
        .iter()
        .map(|(name, a)| (name, &a.url, &a.integrity))
        .collect();
    urls.sort();
    h.value(&urls);
    h.finish()
}

/// `asset_url(path="style.css")`: the published (content-hashed) URL of a
/// file of the theme's `static/` folder; an unknown path is a template error.
fn register_asset_url(tera: &mut tera::Tera, assets: &Assets) {
    let urls: std::collections::HashMap<String, String> = assets
        .by_name
        .iter()
        .map(|(name, a)| (name.clone(), a.url.clone()))
        .collect();
    tera.register_function("asset_url", move |kwargs: tera::Kwargs, _: &tera::State| {
        let path: String = kwargs.must_get("path")?;
        urls.get(path.trim_start_matches('/'))
            .cloned()
            .ok_or_else(|| tera::Error::message(format!("asset_url: no static file `{path}`")))
    });
}

/// A Tera error as a diagnostic at the template's line and column.
fn template_diagnostic(
    err: &tera::Error,
    sources: &std::collections::HashMap<String, (PathBuf, Arc<str>)>,
    page: Option<&str>,
) -> Diagnostic {
    let source_of = |name: &str| {
        sources
            .get(name)
            .map(|(shown, text)| (shown.as_path(), text))
    };
    tera_diagnostic(err, source_of, Path::new("templates"), page)
}

/// A Tera error as a diagnostic: at its line and column in the template
/// `source_of` names (path shown and text), else against `fallback` with
/// the chain of causes; `page` is the page being rendered, if any.
pub(crate) fn tera_diagnostic<'s>(
    err: &tera::Error,
    source_of: impl Fn(&str) -> Option<(&'s Path, &'s Arc<str>)>,
    fallback: &Path,
    page: Option<&str>,
) -> Diagnostic {
    let while_rendering = page
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(report) = report
        && let Some((shown, text)) = source_of(report.filename())
    {
        let message = format!("template error: {}{while_rendering}", report.message());
        return Diagnostic::error_at(shown, text, report.span().range.clone(), message);
    }
    let mut message = format!("template error: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Diagnostic::error_file(fallback, format!("{message}{while_rendering}"))
}
