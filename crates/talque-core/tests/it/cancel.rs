//! Dropping a call's future (a cancelled task) aborts its HTTP request.

use std::time::Duration;

use talque_core::{Client, ListRequest};
use tokio::io::AsyncReadExt;
use tokio::sync::mpsc;

use crate::common::{config, read_head, serve_raw};

#[tokio::test]
async fn aborting_the_task_closes_the_connection() {
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel::<&'static str>();
    let addr = serve_raw(move |mut stream| {
        let seen = seen_tx.clone();
        async move {
            read_head(&mut stream).await;
            let _ = seen.send("request");
            // Never answer; wait for the client to hang up.
            let mut rest = [0u8; 64];
            while let Ok(read) = stream.read(&mut rest).await {
                if read == 0 {
                    let _ = seen.send("closed");
                    return;
                }
            }
            let _ = seen.send("closed");
        }
    })
    .await;
    let client = Client::new(config(&format!("http://{addr}"))).unwrap();
    let task = tokio::spawn(async move {
        let request = ListRequest {
            org_id: "org".into(),
            profile_id: None,
            limit: 10,
            cursor: None,
        };
        client.list_page(&request, None).await
    });
    let wait = Duration::from_secs(3);
    assert_eq!(
        tokio::time::timeout(wait, seen_rx.recv()).await.unwrap(),
        Some("request")
    );
    task.abort();
    assert_eq!(
        tokio::time::timeout(wait, seen_rx.recv()).await.unwrap(),
        Some("closed")
    );
}
