//! The record cache of a replica on PostgreSQL, kept true across replicas by the database.
//!
//! Every write that changes a record ticks a clock in the database (one row, so ticks follow the
//! order writes commit in) and notifies the tick and the FileId in the same transaction (`NOTIFY
//! attached_files_writes`). Each replica's listener drops what its cache holds of that file and
//! then records, in `record_caches`, the last tick it has seen, with a lease. A write is
//! acknowledged only once every other replica whose lease is live has seen its tick (or its lease
//! ran out), and a replica answers from its cache only while it knows its lease is live. So no
//! replica answers a Get with a record older than a write already acknowledged, and a replica
//! that stops listening (its connection lost, its process stuck) costs writers at most [`LEASE`].
//!
//! The price is on writes: a global row lock held while each write commits, and the wait for the
//! other replicas' listeners (a notification and an update each, about a millisecond on one
//! machine). Gets, which outnumber writes by far, then need no round trip at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{AsyncMessage, Client, Socket};

use super::StoreError;
use crate::record::FileRecord;

/// How long a renewal keeps a replica's lease live in the database.
pub(super) const LEASE: Duration = Duration::from_secs(2);
/// A replica stops answering from its cache this long before its lease ends in the database: the
/// clocks of two machines run at slightly different rates, never this different.
const MARGIN: Duration = Duration::from_millis(500);
/// How often a listener with nothing to acknowledge renews its lease.
const RENEW_EVERY: Duration = Duration::from_millis(500);
/// At most this many records (a few KiB each) are kept; a full cache starts over.
const CAPACITY: usize = 4096;

/// The channel writes notify on: `TICK FILE_ID`.
pub(super) const CHANNEL: &str = "attached_files_writes";

pub(super) struct ReplicaCache {
    /// This replica's row in `record_caches`.
    pub(super) id: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Moves on every invalidation: a record read from the database before it moved may be
    /// older than what the invalidation announced, so it is not kept.
    generation: u64,
    records: HashMap<String, FileRecord>,
    /// Until when this replica may answer from the cache; `None` while it has no lease.
    usable_until: Option<Instant>,
}

impl State {
    /// Whether the lease is live: the cache may answer.
    fn live(&self) -> bool {
        self.usable_until.is_some_and(|until| Instant::now() < until)
    }
}

impl ReplicaCache {
    pub(super) fn new() -> Self {
        Self { id: uuid::Uuid::new_v4().to_string(), state: Mutex::default() }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays whole whatever a panicking holder did: every change is one assignment.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached record of `file_id` if it belongs to `instance_id` and the lease is live.
    pub(super) fn get(&self, instance_id: &str, file_id: &str) -> Option<FileRecord> {
        let state = self.state();
        if !state.live() {
            return None;
        }
        state.records.get(file_id).filter(|record| record.instance_id == instance_id).cloned()
    }

    /// Where the cache stands before a read from the database; see [`ReplicaCache::put`].
    pub(super) fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Keeps `record`, read from the database when the cache stood at `generation`, unless an
    /// invalidation came since (the record may be older than what it announced).
    pub(super) fn put(&self, generation: u64, record: &FileRecord) {
        let mut state = self.state();
        if state.generation != generation || state.usable_until.is_none() {
            return;
        }
        if state.records.len() >= CAPACITY {
            state.records.clear();
        }
        state.records.insert(record.file_id.clone(), record.clone());
    }

    /// Forgets `file_id`: a write changed it.
    pub(super) fn invalidate(&self, file_id: &str) {
        let mut state = self.state();
        state.generation += 1;
        state.records.remove(file_id);
    }

    /// Forgets everything.
    fn forget_all(&self) {
        let mut state = self.state();
        state.generation += 1;
        state.records.clear();
    }

    /// Forgets everything and stops answering until the next renewal: the listener lost track.
    fn suspend(&self) {
        self.forget_all();
        self.state().usable_until = None;
    }

    /// The lease was renewed by a statement sent at `sent_at`. A cache whose lease had lapsed
    /// starts empty: writers acknowledged meanwhile did not wait for this replica.
    fn renewed(&self, sent_at: Instant) {
        let mut state = self.state();
        if !state.live() {
            state.generation += 1;
            state.records.clear();
        }
        state.usable_until = Some(sent_at + LEASE - MARGIN);
    }
}

/// Keeps `cache` in step with the database's writes, reconnecting after a lost connection, for
/// as long as the task runs (the store aborts it when dropped).
pub(super) async fn listen<T>(cache: Arc<ReplicaCache>, config: tokio_postgres::Config, tls: T)
where
    T: MakeTlsConnect<Socket> + Clone + Send + 'static,
    T::Stream: Send + 'static,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    loop {
        let cause = listen_once(&cache, &config, tls.clone()).await;
        cache.suspend();
        tracing::warn!(cause = %cause, "the record cache's listener lost the database; Gets read it until it is back");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Listens until the connection fails; returns why.
async fn listen_once<T>(cache: &ReplicaCache, config: &tokio_postgres::Config, tls: T) -> StoreError
where
    T: MakeTlsConnect<Socket> + Send + 'static,
    T::Stream: Send + 'static,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let (client, mut connection) = match config.connect(tls).await {
        Ok(connected) => connected,
        Err(e) => return super::postgres::store_error(e),
    };
    let (notifications, mut received) = mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(notification)) => {
                    if notifications.send(notification).is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::debug!(cause = %e, "the record cache's connection failed");
                    return;
                }
            }
        }
    });
    let _driver = AbortOnDrop(driver);
    match follow(cache, &client, &mut received).await {
        Ok(never) => match never {},
        Err(cause) => cause,
    }
}

/// Registers this replica's lease, then applies notifications and renews the lease, for ever or
/// until a statement fails or the connection's notifications stop.
async fn follow(
    cache: &ReplicaCache,
    client: &Client,
    received: &mut mpsc::UnboundedReceiver<tokio_postgres::Notification>,
) -> Result<std::convert::Infallible, StoreError> {
    let failed = super::postgres::store_error;
    client.batch_execute(&format!("LISTEN {CHANNEL}")).await.map_err(failed)?;
    // Every write after this read is notified to us; what came before is not in the cache.
    let mut seen: i64 = client.query_one("SELECT tick FROM cache_clock", &[]).await.map_err(failed)?.get(0);
    let lease = format!("{} milliseconds", LEASE.as_millis());
    // Rows of replicas long gone.
    client
        .execute("DELETE FROM record_caches WHERE lease_until < now() - interval '1 day'", &[])
        .await
        .map_err(failed)?;
    let renew = client
        .prepare(
            "INSERT INTO record_caches (cache_id, seen, lease_until) VALUES ($1, $2, now() + $3::text::interval)
             ON CONFLICT (cache_id) DO UPDATE SET seen = $2, lease_until = now() + $3::text::interval",
        )
        .await
        .map_err(failed)?;
    loop {
        let sent_at = Instant::now();
        client.execute(&renew, &[&cache.id, &seen, &lease]).await.map_err(failed)?;
        cache.renewed(sent_at);
        let first = tokio::select! {
            notification = received.recv() => {
                notification.ok_or_else(|| StoreError::new("postgres: the record cache's connection closed"))?
            }
            () = tokio::time::sleep(RENEW_EVERY) => continue,
        };
        // This one and every other already here, then one acknowledgement for all.
        let mut next = Some(first);
        while let Some(notification) = next {
            let payload = notification.payload();
            match payload.split_once(' ').and_then(|(tick, file_id)| Some((tick.parse::<i64>().ok()?, file_id))) {
                Some((tick, file_id)) => {
                    cache.invalidate(file_id);
                    seen = seen.max(tick);
                }
                // Not one of ours (another program notifying on the channel): whatever it meant,
                // nothing cached can be trusted to be unaffected.
                None => {
                    tracing::warn!(payload, "an unexpected notification on {CHANNEL}; the record cache starts over");
                    cache.forget_all();
                }
            }
            next = received.try_recv().ok();
        }
    }
}

/// Stops a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
