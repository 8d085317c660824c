//! Dates as articles write them: machine forms from metadata
//! (`2026-03-03`, `2026-03-03T09:30:00+01:00`) and human forms from a
//! dateline ("March 3, 2026", "Tue 3 Mar 2026", "Posted on 3rd March 2026
//! by Jane Roe").

use std::str::FromStr;

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// A date found in an article, ready for front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    /// The value to write: a date, or a date-time with offset.
    pub value: toml::value::Datetime,
    /// The calendar day in the site's time zone (the folder's year, the
    /// future check).
    pub day: Date,
}

/// Reads a date written in metadata or text, in any of the forms above.
/// An instant with an offset keeps its time and is shown in the site's time
/// zone; a date-time without one is read there, as front matter does.
pub fn parse(text: &str, tz: &TimeZone) -> Option<FoundDate> {
    let text = text.trim();
    machine(text, tz).or_else(|| human(text).map(day_only))
}

/// Today in the site's time zone, as a front-matter date.
pub fn today(tz: &TimeZone) -> FoundDate {
    day_only(jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date())
}

fn day_only(day: Date) -> FoundDate {
    let value = toml::value::Datetime {
        date: Some(toml::value::Date {
            year: u16::try_from(day.year()).unwrap_or(0),
            month: u8::try_from(day.month()).unwrap_or(1),
            day: u8::try_from(day.day()).unwrap_or(1),
        }),
        time: None,
        offset: None,
    };
    FoundDate { value, day }
}

/// `YYYY-MM-DD`, RFC 3339 (offset or `Z`), and ISO date-times without an
/// offset (read in the site's zone).
fn machine(text: &str, tz: &TimeZone) -> Option<FoundDate> {
    if let Ok(instant) = jiff::Timestamp::from_str(text) {
        let zoned = instant.to_zoned_datetime(tz.clone());
        let written = zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        let value = toml::value::Datetime::from_str(&written).ok()?;
        return Some(FoundDate {
            value,
            day: zoned.date(),
        });
    }
    if let Ok(local) = jiff::civil::DateTime::from_str(text)
        && text.len() > 10
    {
        let zoned = local.to_zoned_datetime(tz.clone()).ok()?;
        let written = local.strftime("%Y-%m-%dT%H:%M:%S").to_string();
        let value = toml::value::Datetime::from_str(&written).ok()?;
        return Some(FoundDate {
            value,
            day: zoned.date(),
        });
    }
    let day = Date::from_str(text.get(..10)?).ok()?;
    (text.len() == 10).then(|| day_only(day))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words a dateline may carry besides the date itself.
const FILLER: &[&str] = &["on", "at", "am", "pm", "a.m", "p.m", "utc", "gmt", "of"];

/// A human-written date: a month name, a day and a four-digit year in
/// either order, with an optional weekday and time. Any other word makes it
/// not a date, so that a sentence that merely mentions a date is not taken
/// for a dateline.
pub fn human(text: &str) -> Option<Date> {
    let lower = text.to_lowercase();
    let cleaned: String = lower
        .chars()
        .map(|c| {
            if matches!(c, ',' | '/' | '(' | ')') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let (mut month, mut day, mut year) = (None, None, None);
    for word in cleaned.split_whitespace() {
        let word = word.trim_end_matches('.');
        if let Some(m) = month_of(word) {
            if month.replace(m).is_some() {
                return None;
            }
        } else if let Some(n) = day_of(word) {
            if day.replace(n).is_some() {
                return None;
            }
        } else if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
            if year.replace(word.parse::<i16>().ok()?).is_some() {
                return None;
            }
        } else if !(is_weekday(word) || FILLER.contains(&word) || is_time(word)) {
            return None;
        }
    }
    Date::new(year?, month?, day?).ok()
}

fn month_of(word: &str) -> Option<i8> {
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word };
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .and_then(|i| i8::try_from(i + 1).ok())
}

fn is_weekday(word: &str) -> bool {
    word.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(word))
}

/// `3`, `03`, `3rd`, `21st`: a day of the month.
fn day_of(word: &str) -> Option<i8> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") || digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let n: i8 = digits.parse().ok()?;
    (1..=31).contains(&n).then_some(n)
}

/// `9:30`, `09:30:00`, `9:30am`.
fn is_time(word: &str) -> bool {
    let word = word.trim_end_matches(['a', 'p', 'm', '.']);
    let mut parts = word.split(':');
    let hour = parts
        .next()
        .is_some_and(|h| !h.is_empty() && h.len() <= 2 && h.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<_> = parts.collect();
    hour && !rest.is_empty()
        && rest
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    fn shown(text: &str) -> Option<String> {
        parse(text, &utc()).map(|d| d.value.to_string())
    }

    #[test]
    fn machine_forms() {
        assert_eq!(shown("2026-03-03").as_deref(), Some("2026-03-03"));
        assert_eq!(
            shown("2026-03-03T09:30:00+01:00").as_deref(),
            Some("2026-03-03T08:30:00+00:00")
        );
        assert_eq!(
            shown("2026-03-03T09:30:00.000Z").as_deref(),
            Some("2026-03-03T09:30:00+00:00")
        );
        assert_eq!(
            shown("2026-03-03T09:30:00").as_deref(),
            Some("2026-03-03T09:30:00")
        );
    }

    #[test]
    fn an_instant_is_shown_in_the_site_zone() {
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        let found = parse("2026-12-31T20:00:00Z", &tokyo).unwrap();
        assert_eq!(found.value.to_string(), "2027-01-01T05:00:00+09:00");
        assert_eq!(found.day.year(), 2027);
    }

    #[test]
    fn human_forms() {
        let day = |y, m, d| Some(Date::new(y, m, d).unwrap());
        assert_eq!(human("March 3, 2026"), day(2026, 3, 3));
        assert_eq!(human("3 March 2026"), day(2026, 3, 3));
        assert_eq!(human("Tue, Mar. 3rd, 2026"), day(2026, 3, 3));
        assert_eq!(human("Sept 21 2025 at 9:30 am"), day(2025, 9, 21));
        assert_eq!(human("on Friday, 1 May 2026, 14:05 UTC"), day(2026, 5, 1));
    }

    #[test]
    fn sentences_and_impossible_dates_are_not_dates() {
        assert_eq!(human("The deal closed on March 3, 2026."), None);
        assert_eq!(human("March 2026"), None);
        assert_eq!(human("February 30, 2026"), None);
        assert_eq!(human("May 3 May 4 2026"), None);
        assert_eq!(shown("yesterday"), None);
        assert_eq!(shown("2026-13-01"), None);
    }
}
