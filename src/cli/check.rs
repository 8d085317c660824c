//! `briefing check`: build in memory, write nothing, and report broken
//! links and anchors, briefing lint and (with `--external`) dead external
//! links, each at its place in the source Markdown.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{Outcome, plural, print_diagnostics};
use crate::build::{Options, build};
use crate::check::{self, external};

/// Check the site without writing it: broken internal links and anchors,
/// briefings without a source, key points or takeaway, images without alt
/// text; with `--external`, external links too.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also check external http(s) links, sources and company homepages over
    /// HTTP (HEAD, or GET when HEAD is refused; up to 5 redirects).
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for each external request.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 10,
        requires = "external",
        value_parser = clap::value_parser!(u64).range(1..=600)
    )]
    pub timeout: u64,
    /// External requests in flight at once.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 8,
        requires = "external",
        value_parser = clap::value_parser!(u64).range(1..=64)
    )]
    pub max_concurrency: u64,
    /// External requests in flight at once to any one host.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 2,
        requires = "external",
        value_parser = clap::value_parser!(u64).range(1..=16)
    )]
    pub max_per_host: u64,
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// Check briefings dated in the future too.
    #[arg(long)]
    pub future: bool,
}

impl Args {
    /// Builds in memory, checks, prints every problem and a summary line.
    pub fn run(self, site: &Path) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let options = Options {
            base_url: None,
            drafts: self.drafts,
            future: self.future,
            now: None,
            ..Options::default()
        };
        let built = match build(site, &options) {
            Ok(built) => built,
            Err(diags) => {
                print_diagnostics(&diags);
                eprintln!("check stopped: the site does not build");
                return Ok(Outcome::ContentProblems);
            }
        };
        let settings = self.external.then(|| external::Settings {
            timeout: Duration::from_secs(self.timeout),
            max_concurrency: usize::try_from(self.max_concurrency).unwrap_or(1),
            max_per_host: usize::try_from(self.max_per_host).unwrap_or(1),
        });
        let report = check::run(&built, &check::Options { external: settings });
        let mut shown = built.warnings.clone();
        shown.extend(report.problems.iter().cloned());
        crate::diag::sort(&mut shown);
        print_diagnostics(&shown);

        let s = &built.site;
        let mut checked = format!(
            "{} {}, {} {} and {} internal {}",
            s.briefings.len(),
            plural(s.briefings.len(), "briefing", "briefings"),
            s.pages.len(),
            plural(s.pages.len(), "page", "pages"),
            report.internal_links,
            plural(report.internal_links, "link", "links"),
        );
        if self.external {
            let n = report.external_urls;
            checked.push_str(&format!(", {n} external {}", plural(n, "URL", "URLs")));
        }
        let found = match report.problems.len() {
            0 => "no problems found".to_owned(),
            n => format!("{n} {} found", plural(n, "problem", "problems")),
        };
        println!(
            "Checked {checked} in {} ms: {found}",
            started.elapsed().as_millis()
        );
        Ok(if report.problems.is_empty() {
            Outcome::Success
        } else {
            Outcome::ContentProblems
        })
    }
}
