//! The pagination state machine, alone and driving a server.

use bytes::Bytes;
use talque_core::{Client, Error, ListPage, PageCursor};

use crate::common::{config, list_body, Canned, Scripted};

fn page(cursor: Option<&str>, more: bool) -> ListPage {
    ListPage {
        body: Bytes::new(),
        cursor: cursor.map(str::to_owned),
        more,
        ticket_count: 0,
    }
}

#[test]
fn walks_pages_until_more_is_false() {
    let mut pages = PageCursor::new("org".into(), Some("prof".into()), 25, None);
    let first = pages.next_request().unwrap();
    assert_eq!(first.org_id, "org");
    assert_eq!(first.profile_id.as_deref(), Some("prof"));
    assert_eq!(first.limit, 25);
    assert_eq!(first.cursor, None);
    pages.advance(&page(Some("c1"), true)).unwrap();
    assert_eq!(pages.cursor(), Some("c1"));
    assert_eq!(pages.next_request().unwrap().cursor.as_deref(), Some("c1"));
    pages.advance(&page(Some("c2"), true)).unwrap();
    assert!(!pages.is_finished());
    // A last page may carry any cursor (or none); it is not followed.
    pages.advance(&page(Some("c1"), false)).unwrap();
    assert!(pages.is_finished());
    assert!(pages.next_request().is_none());
    assert!(pages.advance(&page(None, false)).is_err());
}

#[test]
fn more_without_a_cursor_is_invalid() {
    for cursor in [None, Some("")] {
        let mut pages = PageCursor::new("org".into(), None, 10, None);
        match pages.advance(&page(cursor, true)) {
            Err(Error::InvalidResponse(message)) => {
                assert!(message.contains("cursor"), "{message}")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!pages.is_finished());
    }
}

#[test]
fn repeated_cursors_are_invalid() {
    let mut pages = PageCursor::new("org".into(), None, 10, None);
    pages.advance(&page(Some("a"), true)).unwrap();
    pages.advance(&page(Some("b"), true)).unwrap();
    match pages.advance(&page(Some("a"), true)) {
        Err(Error::InvalidResponse(message)) => assert!(message.contains("repeated cursor")),
        other => panic!("unexpected {other:?}"),
    }
    // The failed step leaves the resume point on the page that was being fetched.
    assert_eq!(pages.cursor(), Some("b"));
}

#[test]
fn resuming_counts_the_starting_cursor_as_seen() {
    let mut pages = PageCursor::new("org".into(), None, 10, Some("start".into()));
    assert_eq!(pages.cursor(), Some("start"));
    assert_eq!(
        pages.next_request().unwrap().cursor.as_deref(),
        Some("start")
    );
    assert!(matches!(
        pages.advance(&page(Some("start"), true)),
        Err(Error::InvalidResponse(_))
    ));
}

#[tokio::test]
async fn drives_a_server_to_the_end() {
    let server = Scripted::start(vec![
        Canned::json(200, &list_body(2, Some("c1"), true)),
        Canned::json(200, &list_body(2, Some("c2"), true)),
        Canned::json(200, &list_body(1, None, false)),
    ])
    .await;
    let client = Client::new(config(&server.url)).unwrap();
    let mut pages = PageCursor::new("org".into(), None, 2, None);
    let mut tickets = 0;
    while let Some(request) = pages.next_request() {
        let page = client.list_page(&request, None).await.unwrap();
        tickets += page.ticket_count;
        pages.advance(&page).unwrap();
    }
    assert_eq!(tickets, 5);
    let cursors: Vec<serde_json::Value> = server
        .requests()
        .iter()
        .map(|r| r.json()["cursor"].clone())
        .collect();
    assert_eq!(cursors, [serde_json::Value::Null, "c1".into(), "c2".into()]);
}

fn counted(cursor: Option<&str>, more: bool, tickets: usize) -> ListPage {
    ListPage {
        ticket_count: tickets,
        ..page(cursor, more)
    }
}

#[test]
fn a_budget_shrinks_the_requests_and_stops_before_the_end() {
    let mut pages = PageCursor::new("org".into(), None, 10, None).with_max_items(Some(25));
    assert_eq!(pages.next_request().unwrap().limit, 10);
    let first = counted(Some("c1"), true, 10);
    assert_eq!(pages.request_after(&first).unwrap().limit, 10);
    pages.advance(&first).unwrap();
    pages.advance(&counted(Some("c2"), true, 10)).unwrap();
    assert_eq!(pages.remaining(), Some(5));
    let last = pages.next_request().unwrap();
    assert_eq!((last.limit, last.cursor.as_deref()), (5, Some("c2")));
    let third = counted(Some("c3"), true, 5);
    // Nothing is left after the third page, so nothing is prefetched for a fourth.
    assert!(pages.request_after(&third).is_none());
    pages.advance(&third).unwrap();
    assert!(pages.next_request().is_none());
    assert!(!pages.is_finished());
    assert_eq!(pages.cursor(), Some("c3"));
}

#[test]
fn a_page_longer_than_the_budget_is_cut_and_fetched_again_on_resume() {
    let mut pages =
        PageCursor::new("org".into(), None, 10, Some("c0".into())).with_max_items(Some(3));
    assert_eq!(pages.next_request().unwrap().limit, 3);
    let long = counted(Some("c1"), true, 10);
    assert!(pages.is_cut(&long));
    assert_eq!(pages.kept(&long), 3);
    assert!(pages.request_after(&long).is_none());
    pages.advance(&long).unwrap();
    assert_eq!(pages.cursor(), Some("c0"));
    assert!(pages.next_request().is_none());
}

#[test]
fn a_cut_page_with_a_repeated_cursor_is_still_refused() {
    let mut pages =
        PageCursor::new("org".into(), None, 10, Some("c0".into())).with_max_items(Some(3));
    assert!(matches!(
        pages.advance(&counted(Some("c0"), true, 10)),
        Err(Error::InvalidResponse(_))
    ));
    assert_eq!(pages.remaining(), Some(3));
}
