//! The chrome that comes along when an article is copied out of a blog:
//! share and like widgets, the comment form, "Related" lists, cookie
//! banners. Each test is on one line (or paragraph) of plain text.

/// Lines dropped when they are exactly this (case-insensitive, trailing
/// punctuation and spaces ignored).
const EXACT: &[&str] = &[
    "leave a reply",
    "leave a comment",
    "add to favorites",
    "add to favourites",
    "share this",
    "share",
    "like this",
    "like",
    "like loading",
    "loading",
    "related",
    "related posts",
    "related articles",
    "post comment",
    "post a comment",
    "cancel reply",
    "comment",
    "comments",
    "name",
    "email",
    "website",
    "print",
    "email this",
    "reblog",
    "subscribe",
    "follow",
    "listen",
    "previous post",
    "next post",
    "read more",
    "advertisement",
    "accept",
    "accept all",
    "reject all",
    "manage cookies",
    "cookie settings",
    "skip to content",
    "back to top",
    "tweet",
    "facebook",
    "twitter",
    "linkedin",
    "reddit",
    "whatsapp",
    "telegram",
    "pocket",
    "x",
];

/// Lines dropped when they start with this (case-insensitive).
const PREFIXES: &[&str] = &[
    "your email address will not be published",
    "required fields are marked",
    "save my name, email, and website",
    "this site uses akismet",
    "click to share on",
    "click to email",
    "click to print",
    "share on ",
    "like loading",
    "be the first to like this",
    "you must be logged in to post a comment",
    "notify me of ",
    "posted in ",
    "filed under",
    "categories:",
    "tags:",
    "previous post:",
    "next post:",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "copyright ©",
    "© ",
];

/// Whether one line (or paragraph) of plain text is blog chrome.
pub fn is_boilerplate(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let bare = lower.trim_end_matches([':', '.', '…', '*', ' ', '!', '·', '|', '•']);
    if bare.is_empty() && !lower.is_empty() {
        return true;
    }
    EXACT.contains(&bare)
        || PREFIXES.iter().any(|p| lower.starts_with(p))
        || is_cookie_banner(&lower)
}

/// A cookie banner's sentence: mentions cookies and asks for consent.
fn is_cookie_banner(lower: &str) -> bool {
    lower.contains("cookie")
        && [
            "accept",
            "consent",
            "we use cookies",
            "uses cookies",
            "privacy policy",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether a line starts the "Related" block, after which the titles of
/// other posts follow.
pub fn starts_related(line: &str) -> bool {
    let lower = line.trim().trim_end_matches(':').to_lowercase();
    matches!(
        lower.as_str(),
        "related" | "related posts" | "related articles"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widgets_and_forms_are_boilerplate() {
        for line in [
            "Leave a Reply",
            "Share this:",
            "Like this:",
            "Like Loading...",
            "Add to favorites",
            "Related",
            "Your email address will not be published. Required fields are marked *",
            "Post Comment",
            "Cancel reply",
            "Comment *",
            "Name *",
            "We use cookies to improve your experience. Accept?",
            "Click to share on LinkedIn (Opens in new window)",
            "***",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn prose_is_not_boilerplate() {
        for line in [
            "Share prices rose after the announcement.",
            "The company will email customers next week.",
            "Related work by other labs points the same way.",
            "Cookies are not the point here.",
            "Key points",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }
}
