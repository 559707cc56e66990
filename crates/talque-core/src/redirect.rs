//! The redirect policy: credentials travel in headers, so a redirect may only be
//! followed when it stays on the origin the credentials were meant for.

use reqwest::redirect::{Attempt, Policy};

/// The longest redirect chain that is followed; longer chains stop with the 3xx.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// Follows same-origin (scheme, host and port) redirects only. Any other redirect stops,
/// so that the 3xx reaches the caller as an error instead of `X-TQ-SECRET` reaching
/// another host.
pub(crate) fn same_origin_policy() -> Policy {
    Policy::custom(decide)
}

fn decide(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    // `previous()` starts with the original request URL and then lists every URL
    // already redirected to, so its length counts the hops taken including this one.
    let previous = attempt.previous();
    let same_origin = previous
        .first()
        .is_some_and(|first| first.origin() == attempt.url().origin());
    if same_origin && previous.len() <= MAX_REDIRECTS {
        attempt.follow()
    } else {
        attempt.stop()
    }
}
