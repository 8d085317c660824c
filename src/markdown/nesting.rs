//! Bounds how deeply block quotes and lists nest in the output.
//!
//! Nothing in the pipeline recurses, so deep nesting cannot overflow the
//! stack; but an HTML parser's cost grows with depth (ammonia takes half a
//! second for 10,000 nested quotes, and quadratically more after that), and
//! no article needs more than a handful of levels. Containers past the limit
//! are dropped and their content joins the deepest one kept.

use pulldown_cmark::{Event, TagEnd};

use super::SpannedEvent;

/// Deepest nesting of quotes and lists that is rendered as written.
const MAX_DEPTH: usize = 32;

/// Drop container tags nested deeper than [`MAX_DEPTH`].
pub(crate) fn bound(events: &mut Vec<SpannedEvent<'_>>) {
    if max_depth(events) <= MAX_DEPTH {
        return;
    }
    let mut depth = 0usize;
    events.retain(|(event, _)| match event {
        Event::Start(tag) if is_container(tag.to_end()) => {
            depth += 1;
            depth <= MAX_DEPTH
        }
        Event::End(tag) if is_container(*tag) => {
            let kept = depth <= MAX_DEPTH;
            depth = depth.saturating_sub(1);
            kept
        }
        _ => true,
    });
}

fn max_depth(events: &[SpannedEvent<'_>]) -> usize {
    let mut depth = 0usize;
    let mut max = 0;
    for (event, _) in events {
        match event {
            Event::Start(tag) if is_container(tag.to_end()) => {
                depth += 1;
                max = max.max(depth);
            }
            Event::End(tag) if is_container(*tag) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn is_container(tag: TagEnd) -> bool {
    matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Options, parse};

    fn depth_after(body: &str) -> (usize, Vec<SpannedEvent<'_>>) {
        let mut events = parse(body, &Options::default());
        bound(&mut events);
        (max_depth(&events), events)
    }

    #[test]
    fn shallow_documents_are_untouched() {
        let body = "> a\n>\n> - b\n>   - c\n";
        let events = parse(body, &Options::default());
        let mut bounded = events.clone();
        bound(&mut bounded);
        assert_eq!(bounded, events);
    }

    #[test]
    fn deep_quotes_are_cut_at_the_limit_and_keep_their_text() {
        let body = format!("{} deep *text*\n", ">".repeat(10_000));
        let (depth, events) = depth_after(&body);
        assert_eq!(depth, MAX_DEPTH);
        let starts = events
            .iter()
            .filter(|(event, _)| matches!(event, Event::Start(tag) if is_container(tag.to_end())))
            .count();
        let ends = events
            .iter()
            .filter(|(event, _)| matches!(event, Event::End(tag) if is_container(*tag)))
            .count();
        assert_eq!((starts, ends), (MAX_DEPTH, MAX_DEPTH));
        assert!(
            events
                .iter()
                .any(|(event, _)| matches!(event, Event::Text(t) if &**t == "deep "))
        );
    }

    #[test]
    fn deep_lists_are_cut_too() {
        let body: String = (0..200)
            .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
            .collect();
        let (depth, events) = depth_after(&body);
        assert_eq!(depth, MAX_DEPTH);
        let texts = events
            .iter()
            .filter(|(event, _)| matches!(event, Event::Text(_)))
            .count();
        assert_eq!(texts, 200);
    }
}
