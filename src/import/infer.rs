//! Metadata inference shared by every format: from the Markdown body (and
//! what the format's reader found in the markup) to the briefing's title,
//! date, author, source, key points, takeaway, companies and tags, with a
//! clean body whose sections are `##` headings. Each block promoted to
//! metadata is cut from the body, so that nothing shows twice.

use super::blocks::{self, Block, Kind};
use super::dates::{self, FoundDate};
use super::lines::{
    author_line, capitalize, dateline, first_url, is_http_url, is_key_point_heading,
    is_takeaway_heading, label_of, labelled, strip_prefix_ci, tags_in, takeaway_lead,
};
use super::{Extracted, Found, Report, SiteInfo};

/// Everything inferred about an article.
#[derive(Debug)]
pub struct Inferred {
    /// Headline.
    pub title: String,
    /// Publication date (today when none was found; see `date_guessed`).
    pub date: FoundDate,
    /// Whether the date is today's because the article gave none.
    pub date_guessed: bool,
    /// Byline.
    pub author: Option<String>,
    /// URL of the article.
    pub source: Option<String>,
    /// Who published the article (a site name).
    pub publisher: Option<String>,
    /// Key points as Markdown, `**Label:** text` when labelled.
    pub key_points: Vec<String>,
    /// The one-line takeaway, plain text.
    pub takeaway: Option<String>,
    /// Profile names of the companies mentioned.
    pub companies: Vec<String>,
    /// The site's tags found in the text.
    pub tags: Vec<String>,
    /// The Markdown body.
    pub body: String,
    /// What was inferred from where, and what was not.
    pub report: Report,
}

/// The body's blocks with a mark for each one cut.
struct Body<'b> {
    text: &'b str,
    blocks: Vec<Block>,
    cut: Vec<bool>,
}

impl Body<'_> {
    /// Indices of the blocks still in the body.
    fn live(&self) -> Vec<usize> {
        (0..self.blocks.len()).filter(|&i| !self.cut[i]).collect()
    }

    fn next_live(&self, after: usize) -> Option<usize> {
        (after + 1..self.blocks.len()).find(|&i| !self.cut[i])
    }

    fn prev_live(&self, before: usize) -> Option<usize> {
        (0..before).rev().find(|&i| !self.cut[i])
    }
}

/// Infers the briefing from what a reader extracted. Fails only when there
/// is no title at all.
pub fn infer(ex: Extracted, site: &SiteInfo) -> Result<Inferred, String> {
    let mut report = Report {
        notes: ex.notes.clone(),
        ..Report::default()
    };
    let blocks = blocks::parse(&ex.body);
    let cut = vec![false; blocks.len()];
    let mut body = Body {
        text: &ex.body,
        blocks,
        cut,
    };
    let title = title(&ex, &mut body).ok_or(
        "no title found: the article has no title line, heading, <title> or og:title; \
         add one (a first line, or `# Title` with --from markdown)",
    )?;
    let (mut date, mut author) = (ex.date.clone(), ex.author.clone());
    leading_dateline(&mut body, &mut date, &mut author);
    let chrome = drop_boilerplate(&mut body);
    if chrome > 0 {
        let note = format!("dropped {chrome} block(s) of page chrome");
        report.notes.push(note);
    }
    closing_author(&mut body, &mut author, &mut report);
    let source = ex.source.clone().or_else(|| closing_source(&mut body));
    let points = key_points(&mut body);
    let takeaway = takeaway(&mut body);
    let text = assemble(&body);

    report.found(&format!("title: {}", title.from), &title.value);
    let (date, date_guessed) = resolve_date(date, site, &mut report);
    let no_author = "none found; the site's default byline applies";
    report_optional(&mut report, "author", author.as_ref(), no_author);
    let no_source = "no canonical link, `Source:` line or closing URL found";
    report_optional(&mut report, "source", source.as_ref(), no_source);
    if let Some(p) = &ex.publisher {
        report.found(&format!("publisher: {}", p.from), &p.value);
    }
    let all_text = [
        title.value.as_str(),
        &blocks::plain(&text),
        &points.0.join("\n"),
        takeaway.as_ref().map_or("", |t| t.value.as_str()),
    ]
    .join("\n");
    let companies: Vec<String> = site
        .companies
        .mentions(&all_text)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let tags = tags_in(&all_text, &site.tags);
    describe_lists(&mut report, &points, takeaway.as_ref(), &companies, &tags);
    Ok(Inferred {
        title: title.value,
        date,
        date_guessed,
        author: author.map(|a| a.value),
        source: source.map(|s| s.value),
        publisher: ex.publisher.map(|p| p.value),
        key_points: points.0,
        takeaway: takeaway.map(|t| t.value),
        companies,
        tags,
        body: text,
        report,
    })
}

fn report_optional(report: &mut Report, field: &str, found: Option<&Found>, otherwise: &str) {
    match found {
        Some(f) => report.found(&format!("{field}: {}", f.from), &f.value),
        None => report.missing.push(format!("{field}: {otherwise}")),
    }
}

/// Reports the key points, takeaway, companies and tags (found or not).
fn describe_lists(
    report: &mut Report,
    (points, from): &(Vec<String>, Option<String>),
    takeaway: Option<&Found>,
    companies: &[String],
    tags: &[String],
) {
    match from {
        Some(from) => {
            let labels: Vec<String> = points.iter().filter_map(|p| label_of(p)).collect();
            let labels = if labels.is_empty() {
                "none".to_owned()
            } else {
                labels.join(", ")
            };
            let what = format!("key points: {} from {from}", points.len());
            report.found(&what, &format!("labels: {labels}"));
        }
        None => report.missing.push(
            "key points: no \"Key points\"/\"What changed\"/\"Key takeaways\"/\"TL;DR\" list \
             and no \"Label: text\" bullets"
                .into(),
        ),
    }
    match takeaway {
        Some(t) => report.found(&format!("takeaway: {}", t.from), &t.value),
        None => report
            .missing
            .push("takeaway: no \"In simple terms\"/\"In short\"/\"Bottom line\" paragraph".into()),
    }
    if companies.is_empty() {
        let line = "companies: none of the site's company profiles is mentioned";
        report.missing.push(line.into());
    } else {
        let line = format!("companies: {} (mentions)", companies.join(", "));
        report.inferred.push(line);
    }
    if tags.is_empty() {
        let line = "tags: none of the site's tags appears in the text";
        report.missing.push(line.into());
    } else {
        let line = format!("tags: {} (site tags found in the text)", tags.join(", "));
        report.inferred.push(line);
    }
}

/// The title from the markup, else the first heading; a first heading that
/// repeats the title is cut.
fn title(ex: &Extracted, body: &mut Body<'_>) -> Option<Found> {
    let first = body.live().into_iter().next();
    let first_heading = first.filter(|&i| matches!(body.blocks[i].kind, Kind::Heading(_)));
    let title = match (&ex.title, first_heading) {
        (Some(t), _) => t.clone(),
        (None, Some(i)) => Found::new(body.blocks[i].text.clone(), "first heading"),
        (None, None) => return None,
    };
    if let Some(i) = first_heading
        && same_words(&body.blocks[i].text, &title.value)
    {
        body.cut[i] = true;
    }
    let value = title.value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then(|| Found::new(value, title.from))
}

fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// A dateline among the first blocks gives the date (and maybe a byline).
fn leading_dateline(body: &mut Body<'_>, date: &mut Option<Found>, author: &mut Option<Found>) {
    for i in body.live().into_iter().take(3) {
        let block = &body.blocks[i];
        if !matches!(block.kind, Kind::Paragraph | Kind::Heading(_)) {
            continue;
        }
        if let Some((when, by)) = dateline(&block.text) {
            if date.is_none() {
                *date = Some(Found::new(when, "dateline under the title"));
            }
            if author.is_none() {
                *author = by.map(|a| Found::new(a, "byline under the title"));
            }
            body.cut[i] = true;
            return;
        }
    }
}

fn drop_boilerplate(body: &mut Body<'_>) -> usize {
    let mut dropped = 0;
    for i in body.live() {
        let block = &body.blocks[i];
        let texty = matches!(block.kind, Kind::Paragraph | Kind::Heading(_));
        if texty && super::boilerplate::is_boilerplate(&block.text) {
            body.cut[i] = true;
            dropped += 1;
        }
    }
    dropped
}

/// A closing "Author: Name" line (among the last blocks), and the role line
/// under it, which is dropped.
fn closing_author(body: &mut Body<'_>, author: &mut Option<Found>, report: &mut Report) {
    let live = body.live();
    let tail = &live[live.len().saturating_sub(6)..];
    let Some((i, name)) = tail.iter().rev().find_map(|&i| {
        let block = &body.blocks[i];
        (block.kind == Kind::Paragraph)
            .then(|| author_line(&block.text))
            .flatten()
            .map(|name| (i, name))
    }) else {
        return;
    };
    body.cut[i] = true;
    if author.is_none() {
        let labelled = strip_prefix_ci(&body.blocks[i].text, "author").is_some();
        let from = if labelled {
            "closing 'Author:' line"
        } else {
            "closing byline"
        };
        *author = Some(Found::new(name, from));
    }
    if let Some(next) = body.next_live(i)
        && is_role_line(&body.blocks[next])
    {
        body.cut[next] = true;
        let role = &body.blocks[next].text;
        report
            .notes
            .push(format!("dropped the author's role line \"{role}\""));
    }
}

/// A `Source: URL` paragraph, else a closing paragraph that is a bare URL.
fn closing_source(body: &mut Body<'_>) -> Option<Found> {
    for i in body.live() {
        let block = &body.blocks[i];
        if block.kind != Kind::Paragraph {
            continue;
        }
        let Some(rest) = strip_prefix_ci(&block.text, "source:") else {
            continue;
        };
        let raw = &body.text[block.own.clone()];
        if let Some(url) = first_url(rest).or_else(|| first_url(raw)) {
            body.cut[i] = true;
            return Some(Found::new(url, "'Source:' line"));
        }
    }
    let last = *body.live().last()?;
    let block = &body.blocks[last];
    let url = block.text.trim().trim_matches(['<', '>']);
    (block.kind == Kind::Paragraph && is_http_url(url)).then(|| {
        body.cut[last] = true;
        Found::new(url, "closing URL")
    })
}

/// Key points from a key-point heading's list, else from a list of
/// "Label: text" bullets; the list (and a heading left empty) is cut.
fn key_points(body: &mut Body<'_>) -> (Vec<String>, Option<String>) {
    let live = body.live();
    for (n, &i) in live.iter().enumerate() {
        let block = &body.blocks[i];
        if !matches!(block.kind, Kind::Heading(_)) || !is_key_point_heading(&block.text) {
            continue;
        }
        let list = live[n + 1..]
            .iter()
            .take_while(|&&j| !matches!(body.blocks[j].kind, Kind::Heading(_)))
            .find(|&&j| body.blocks[j].kind == Kind::List);
        if let Some(&j) = list {
            let from = format!("the \"{}\" list", block.text.trim_end_matches(':'));
            let points = body.blocks[j].items.iter().map(|it| labelled(it)).collect();
            body.cut[i] = true;
            body.cut[j] = true;
            return (points, Some(from));
        }
    }
    let labelled_list = live.iter().copied().find(|&i| {
        let b = &body.blocks[i];
        b.kind == Kind::List
            && b.items.len() >= 2
            && b.items.iter().all(|it| label_of(&labelled(it)).is_some())
    });
    let Some(j) = labelled_list else {
        return (Vec::new(), None);
    };
    let points = body.blocks[j].items.iter().map(|it| labelled(it)).collect();
    body.cut[j] = true;
    // A sentence that introduced the list ("Three reasons stand out:") goes
    // with it; so does a heading whose whole section was the list.
    if let Some(p) = body.prev_live(j).filter(|&p| {
        let b = &body.blocks[p];
        b.kind == Kind::Paragraph && b.text.ends_with(':')
    }) {
        body.cut[p] = true;
    }
    if let Some(h) = body
        .prev_live(j)
        .filter(|&h| matches!(body.blocks[h].kind, Kind::Heading(_)))
        && body
            .next_live(j)
            .is_none_or(|k| matches!(body.blocks[k].kind, Kind::Heading(_)))
    {
        body.cut[h] = true;
    }
    (points, Some("\"Label: text\" bullets".into()))
}

/// The takeaway paragraph (lead-in removed), or a takeaway heading's
/// paragraph, with where it was found.
fn takeaway(body: &mut Body<'_>) -> Option<Found> {
    for i in body.live() {
        let block = &body.blocks[i];
        match block.kind {
            Kind::Paragraph => {
                if let Some((lead, rest)) = takeaway_lead(&block.text) {
                    body.cut[i] = true;
                    return Some(Found::new(
                        capitalize(rest),
                        format!("\"{lead}\" paragraph"),
                    ));
                }
            }
            Kind::Heading(_) => {
                let name = block.text.trim_end_matches(':').to_lowercase();
                let next = body
                    .next_live(i)
                    .filter(|&j| body.blocks[j].kind == Kind::Paragraph);
                if is_takeaway_heading(&name)
                    && let Some(next) = next
                {
                    let text = capitalize(&body.blocks[next].text);
                    let from = format!("the \"{}\" section", block.text);
                    body.cut[i] = true;
                    body.cut[next] = true;
                    return Some(Found::new(text, from));
                }
            }
            _ => {}
        }
    }
    None
}

/// The body with cut blocks left out and its heading levels renumbered from
/// `##` down, without gaps (`#`, `###` → `##`, `###`): the title is the
/// page's only `#`.
fn assemble(body: &Body<'_>) -> String {
    let live = body.live();
    let mut levels: Vec<u8> = live
        .iter()
        .filter_map(|&i| match body.blocks[i].kind {
            Kind::Heading(level) => Some(level),
            _ => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut out = String::with_capacity(body.text.len());
    if let Some(first) = body.blocks.first() {
        out.push_str(body.text[..first.range.start].trim_start());
    }
    for i in live {
        let block = &body.blocks[i];
        match block.kind {
            Kind::Heading(level) => {
                let rank = levels.iter().position(|&l| l == level).unwrap_or(0);
                let hashes = "#".repeat((rank + 2).min(6));
                let inline = body.text[block.inline.clone()].trim();
                out.push_str(&format!("{hashes} {inline}\n\n"));
            }
            _ => {
                out.push_str(body.text[block.own.clone()].trim_end());
                out.push_str("\n\n");
            }
        }
    }
    let trimmed = out.trim_end();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

fn resolve_date(date: Option<Found>, site: &SiteInfo, report: &mut Report) -> (FoundDate, bool) {
    let parsed = date
        .as_ref()
        .and_then(|d| dates::parse(&d.value, &site.timezone).map(|p| (d, p)));
    let (found, guessed) = match (parsed, &date) {
        (Some((d, p)), _) => {
            report.found(&format!("date: {}", d.from), &p.value.to_string());
            (p, false)
        }
        (None, unreadable) => {
            let today = dates::today(&site.timezone);
            let why = match unreadable {
                Some(d) => format!("could not read the date \"{}\" ({})", d.value, d.from),
                None => "no date found".to_owned(),
            };
            report.found(
                &format!("date: GUESSED (today), {why}"),
                &today.value.to_string(),
            );
            (today, true)
        }
    };
    if found.day > dates::today(&site.timezone).day {
        report.notes.push("the date is in the future: `build` holds the briefing back until then (or pass --future)".into());
    }
    (found, guessed)
}

/// A role under a byline ("Software developer / architect"): short, not a
/// sentence, not a URL.
fn is_role_line(block: &Block) -> bool {
    matches!(block.kind, Kind::Paragraph | Kind::Heading(_))
        && block.text.split_whitespace().count() <= 10
        && !block.text.trim_end().ends_with(['.', '!', '?'])
        && !is_http_url(block.text.trim())
        && author_line(&block.text).is_none()
}

#[cfg(test)]
#[path = "infer_tests.rs"]
mod tests;
