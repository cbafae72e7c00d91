//! Issue 12: several reads in one trip to the database (`db::sql::fetch_batch`, how a month
//! page and a new row read what they need) give each read exactly the rows it gives alone, in
//! order, on SQLite (one multi-statement command) and PostgreSQL (one after another).

use crate::common;

use common::*;
use server::db::sql::{Row, fetch_batch};

fn values(rows: &[Row]) -> Vec<Vec<db::sql::Value>> {
    rows.iter().map(|r| r.clone().into_values()).collect()
}

#[tokio::test]
async fn each_read_of_a_batch_gets_its_own_rows_in_order() {
    let app = spawn_app().await;
    let mut c = app.db().await;
    let anna = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await;
    let reads = || {
        vec![
            // Several rows, with a placeholder.
            query("SELECT id, first_name FROM assistants WHERE tenant_id = $1 ORDER BY id").bind(1i64),
            // No rows at all, between two that have some: it keeps its place.
            query("SELECT id FROM assistants WHERE tenant_id = $1 AND id < 0").bind(1i64),
            // Its own numbering from $1 again, a placeholder used twice, and a '$1' that is text.
            query("SELECT id, '$1' AS text FROM assistants WHERE tenant_id = $1 AND id = $2 AND id >= $2").bind(1i64).bind(anna),
            // No placeholder.
            query("SELECT COUNT(*) AS n FROM recipients"),
        ]
    };
    let together = fetch_batch(&mut c, reads()).await.unwrap();
    let mut alone = Vec::new();
    for q in reads() {
        alone.push(q.fetch_all(&mut c).await.unwrap());
    }
    assert_eq!(together.len(), 4);
    for (t, a) in together.iter().zip(&alone) {
        assert_eq!(values(t), values(a));
    }
    assert!(together[0].len() >= 2, "the municipality's assistants");
    assert!(together[1].is_empty());
    assert_eq!(together[2].len(), 1);
    assert_eq!(together[2][0].get::<i64, _>("id"), anna);
    assert_eq!(together[2][0].get::<&str, _>("text"), "$1");
    assert!(together[3][0].get::<i64, _>("n") > 0);

    // A read the database refuses fails the whole batch with its error, and the connection
    // still answers afterwards.
    let refused = fetch_batch(
        &mut c,
        vec![query("SELECT 1 AS one"), query("SELECT no_such_column FROM assistants")],
    )
    .await;
    assert!(refused.is_err());
    assert_eq!(
        query("SELECT 2 AS two").fetch_all(&mut c).await.unwrap()[0].get::<i64, _>("two"),
        2
    );
}
