//! External links over HTTP: every absolute http(s) URL of the site, asked
//! once each, a few at a time, never more than a few at once of one host.
//!
//! A blocking client on a small pool of scoped threads: a link check is a
//! few hundred requests at most, which needs no async runtime.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Range;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::diag::Diagnostic;
use crate::enrich::Origin;
use crate::site::Site;

use super::bodies::Body;
use super::links::Target;

/// Redirects followed before the last answer is taken as it is.
const MAX_REDIRECTS: u32 = 5;

/// How external links are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Longest wait for one request, redirects included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    pub max_per_host: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(10),
            max_concurrency: 8,
            max_per_host: 2,
        }
    }
}

/// Where a URL was written.
struct Place<'s> {
    origin: &'s Origin,
    span: Range<usize>,
}

/// Checks every external URL of the site; a problem is reported at every
/// place its URL appears. Returns how many distinct URLs were asked.
pub fn check(
    site: &Site,
    bodies: &[Body<'_>],
    settings: &Settings,
    out: &mut Vec<Diagnostic>,
) -> usize {
    let places = collect(site, bodies);
    let urls: Vec<&str> = places.keys().map(String::as_str).collect();
    let outcomes = probe_all(&urls, settings);
    for ((url, places), outcome) in places.iter().zip(outcomes) {
        let Err(why) = outcome else { continue };
        for place in places {
            let file = &place.origin.file;
            out.push(Diagnostic::error_at(
                &file.display_path,
                file.text(),
                place.span.clone(),
                format!("external link `{url}` {why}"),
            ));
        }
    }
    urls.len()
}

/// Every external URL (without its fragment, which no server sees) and the
/// places it was written, ordered by URL so that output never depends on
/// timing.
fn collect<'s>(site: &'s Site, bodies: &[Body<'s>]) -> BTreeMap<String, Vec<Place<'s>>> {
    let urls = super::site_urls(site);
    let mut places: BTreeMap<String, Vec<Place<'s>>> = BTreeMap::new();
    let mut add = |url: &str, origin: &'s Origin, span: Range<usize>| {
        if let Some(url) = request_url(url) {
            places.entry(url).or_default().push(Place { origin, span });
        }
    };
    for body in bodies {
        for link in &body.links {
            if let Target::External(url) = urls.classify(&link.url, body.url) {
                add(&url, body.origin, link.span.clone());
            }
        }
    }
    for b in &site.briefings {
        for source in &b.sources {
            add(&source.url, &b.origin, locate(&b.origin, &source.url));
        }
    }
    for entry in &site.companies {
        let (Some(origin), Some(home)) = (&entry.company.origin, &entry.company.homepage) else {
            continue;
        };
        let span = origin.spans.get("homepage").unwrap_or(&origin.opening);
        add(home, origin, span.clone());
    }
    places
}

/// The URL to ask for: parsed (non-ASCII percent-encoded), fragment cut.
fn request_url(url: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return None;
    }
    parsed.set_fragment(None);
    Some(parsed.into())
}

/// Where a source URL was written: in the `source`/`sources` value, else
/// the `Source:` line of the body, else the opening front-matter line.
fn locate(origin: &Origin, url: &str) -> Range<usize> {
    let text = origin.file.text();
    let keys = ["source", "sources"].into_iter();
    let in_keys = keys.filter_map(|k| origin.spans.get(k)).find_map(|span| {
        let found = text.get(span.clone())?.find(url)?;
        Some(span.start + found)
    });
    let in_body = || {
        let found = text.get(origin.body_offset..)?.find(url)?;
        Some(origin.body_offset + found)
    };
    match in_keys.or_else(in_body) {
        Some(start) => start..start + url.len(),
        None => origin.opening.clone(),
    }
}

/// Asks for each URL; `Err` says what is wrong with it. Results are in the
/// order of `urls`.
pub fn probe_all(urls: &[&str], settings: &Settings) -> Vec<Result<(), String>> {
    let agent = agent(settings);
    let hosts: Vec<String> = urls
        .iter()
        .map(|u| {
            url::Url::parse(u)
                .ok()
                .and_then(|p| p.host_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    run_pool(&hosts, settings, |i| {
        probe(&agent, urls[i], settings.timeout)
    })
}

fn agent(settings: &Settings) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        // A 404 is an answer to report, not a failure of the client.
        .http_status_as_error(false)
        .max_redirects(MAX_REDIRECTS)
        .max_redirects_will_error(false)
        .user_agent(concat!("briefing-check/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::new_with_config(config)
}

/// HEAD, then GET when the server refuses HEAD. 2xx and 3xx are fine.
fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> Result<(), String> {
    let answer = match agent.head(url).call() {
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => agent.get(url).call(),
        other => other,
    };
    // The body is never read: dropping the response closes the connection.
    match answer {
        Ok(response) if response.status().as_u16() < 400 => Ok(()),
        Ok(response) => {
            let status = response.status();
            let code = status.as_u16();
            Err(match status.canonical_reason() {
                Some(reason) => format!("answered HTTP {code} {reason}"),
                None => format!("answered HTTP {code}"),
            })
        }
        Err(ureq::Error::Timeout(_)) => {
            Err(format!("did not answer within {} s", timeout.as_secs_f64()))
        }
        Err(ureq::Error::HostNotFound) => Err("has a host that was not found".to_owned()),
        Err(ureq::Error::Io(err)) => Err(format!("could not be reached: {err}")),
        Err(err) => Err(format!("could not be checked: {err}")),
    }
}

/// Which jobs wait and how many are running per host.
struct Queue {
    pending: VecDeque<usize>,
    running: HashMap<String, usize>,
}

/// Runs `work(i)` for every job `i` (one per entry of `hosts`) on at most
/// `max_concurrency` threads, with at most `max_per_host` jobs of one host
/// running at once. Results come back in job order, whatever the timing.
pub fn run_pool<R: Send>(
    hosts: &[String],
    settings: &Settings,
    work: impl Fn(usize) -> R + Sync,
) -> Vec<R> {
    let queue = Mutex::new(Queue {
        pending: (0..hosts.len()).collect(),
        running: HashMap::new(),
    });
    let turn = Condvar::new();
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..hosts.len()).map(|_| None).collect());
    let per_host = settings.max_per_host.max(1);
    let threads = settings.max_concurrency.clamp(1, hosts.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(i) = next_job(&queue, &turn, hosts, per_host) {
                    let result = work(i);
                    lock(&results)[i] = Some(result);
                    let mut q = lock(&queue);
                    if let Some(n) = q.running.get_mut(&hosts[i]) {
                        *n -= 1;
                    }
                    turn.notify_all();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .map(|r| r.expect("every job is taken by exactly one thread, which stores its result"))
        .collect()
}

/// The first waiting job whose host has room, waiting for room when none
/// has; `None` when no job is left.
fn next_job(
    queue: &Mutex<Queue>,
    turn: &Condvar,
    hosts: &[String],
    per_host: usize,
) -> Option<usize> {
    let mut q = lock(queue);
    loop {
        if q.pending.is_empty() {
            return None;
        }
        let free = q
            .pending
            .iter()
            .position(|&i| q.running.get(&hosts[i]).copied().unwrap_or(0) < per_host);
        if let Some(at) = free {
            let i = q.pending.remove(at)?;
            *q.running.entry(hosts[i].clone()).or_insert(0) += 1;
            return Some(i);
        }
        // Every waiting job's host is busy: a running job frees a slot and
        // wakes us.
        q = turn.wait(q).unwrap_or_else(PoisonError::into_inner);
    }
}

/// A poisoned lock only means another worker panicked; the scope re-raises
/// that panic, so the data is still fine to use until then.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Runs jobs that sleep briefly and records the most running at once,
    /// overall and per host.
    fn observe(hosts: &[&str], settings: &Settings) -> (usize, HashMap<String, usize>) {
        let hosts: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let now = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let per: Mutex<(HashMap<String, usize>, HashMap<String, usize>)> = Mutex::default();
        let out = run_pool(&hosts, settings, |i| {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
            {
                let mut p = per.lock().unwrap();
                let c = p.0.entry(hosts[i].clone()).or_default();
                *c += 1;
                let c = *c;
                let m = p.1.entry(hosts[i].clone()).or_default();
                *m = (*m).max(c);
            }
            std::thread::sleep(Duration::from_millis(30));
            *per.lock().unwrap().0.get_mut(&hosts[i]).unwrap() -= 1;
            now.fetch_sub(1, Ordering::SeqCst);
            i * 10
        });
        assert_eq!(out, (0..hosts.len()).map(|i| i * 10).collect::<Vec<_>>());
        (peak.into_inner(), per.into_inner().unwrap().1)
    }

    #[test]
    fn pool_respects_both_caps_and_keeps_order() {
        let settings = Settings {
            max_concurrency: 3,
            max_per_host: 2,
            ..Settings::default()
        };
        let hosts = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "a"];
        let (peak, per_host) = observe(&hosts, &settings);
        assert!(peak <= 3, "{peak} running at once");
        assert!(per_host.values().all(|&n| n <= 2), "{per_host:?}");
    }

    #[test]
    fn one_host_runs_one_at_a_time_when_asked() {
        let settings = Settings {
            max_concurrency: 8,
            max_per_host: 1,
            ..Settings::default()
        };
        let (peak, _) = observe(&["x"; 5], &settings);
        assert_eq!(peak, 1);
    }

    #[test]
    fn empty_pool_returns_nothing() {
        let out: Vec<usize> = run_pool(&[], &Settings::default(), |i| i);
        assert!(out.is_empty());
    }

    #[test]
    fn request_urls_drop_fragments_and_other_schemes() {
        assert_eq!(
            request_url("https://example.com/a#b").as_deref(),
            Some("https://example.com/a")
        );
        assert_eq!(
            request_url("https://example.com/é").as_deref(),
            Some("https://example.com/%C3%A9")
        );
        assert_eq!(request_url("mailto:a@example.com"), None);
        assert_eq!(request_url("/local/"), None);
    }
}
