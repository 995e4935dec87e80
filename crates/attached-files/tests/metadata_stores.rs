//! Proves that both metadata stores keep the same contract: SQLite (the embedded default) and
//! PostgreSQL (a real server: `scripts/test` starts one and names it in
//! `ATTACHED_FILES_TEST_DATABASE_URL`). Records are scoped to their instance, a FileId is unique,
//! a ClientToken names one file of its instance, quotas count files and bytes until removal,
//! phases move only from the expected ones, and two handles on one database (two processes, or two
//! replicas) see each other's writes, also when they race for the same quota.

use std::sync::Arc;

use attached_files::metadata::{
    Inserted, MetadataStore, PhaseWalk, Position, PostgresStore, Quota, QuotaExceeded, SqliteStore,
};
use attached_files::record::{CreatedBy, FileRecord, FileStatus, ObjectLocation, Phase};

const ROOMY: Quota = Quota { max_files: 100, max_bytes: 1000 };

fn record(instance_id: &str, file_id: &str) -> FileRecord {
    FileRecord {
        instance_id: instance_id.into(),
        file_id: file_id.into(),
        file_arn: format!("arn:aws:connect:us-east-1:111122223333:instance/{instance_id}/file/{file_id}"),
        file_name: "notes.txt".into(),
        file_size_in_bytes: 5,
        file_status: FileStatus::Processing,
        file_use_case_type: Some("ATTACHMENT".into()),
        created_by: Some(CreatedBy::ConnectUserArn("arn:aws:connect:us-east-1:111122223333:user/u".into())),
        creation_time: time::macros::datetime!(2024-05-03 02:41:28.172 UTC),
        associated_resource_arn: "arn:aws:cases:us-east-1:111122223333:domain/d/case/c".into(),
        tags: [("team".to_string(), "blue".to_string())].into(),
        object: ObjectLocation { bucket: "b".into(), key: format!("files/{file_id}") },
        client_token: None,
        upload_url_expiry_in_seconds: Some(300),
        phase: Phase::Complete,
    }
}

/// A fresh, empty database of one kind, and how to open another handle on it.
enum Database {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Database {
    /// One empty database of each kind.
    async fn each() -> Vec<Database> {
        let mut databases = vec![Database::Sqlite(tempfile::tempdir().unwrap())];
        match std::env::var("ATTACHED_FILES_TEST_DATABASE_URL") {
            Ok(admin) => databases.push(Database::Postgres(fresh_postgres_database(&admin).await)),
            Err(_) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("ATTACHED_FILES_TEST_DATABASE_URL is not set: run the tests with scripts/test")
            }
            Err(_) => {
                eprintln!("PostgreSQL not tested: ATTACHED_FILES_TEST_DATABASE_URL is not set (scripts/test sets it)")
            }
        }
        databases
    }

    async fn open(&self) -> Arc<dyn MetadataStore> {
        match self {
            Database::Sqlite(dir) => Arc::new(SqliteStore::open(&dir.path().join("metadata.sqlite3")).unwrap()),
            Database::Postgres(url) => Arc::new(PostgresStore::connect_cached(url).await.unwrap()),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres(_) => "postgres",
        }
    }
}

/// Creates a database of its own on the server at `admin` (a URL ending in a database name) and
/// returns its URL.
async fn fresh_postgres_database(admin: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("attached_files_test_{}", uuid::Uuid::new_v4().simple());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (base, _) = admin.rsplit_once('/').expect("the URL ends in a database name");
    format!("{base}/{name}")
}

#[tokio::test]
async fn records_are_scoped_to_their_instance_and_survive_reopening() {
    for database in Database::each().await {
        let name = database.name();
        {
            let store = database.open().await;
            for (instance, file) in [("i1", "f1"), ("i1", "f2"), ("i2", "f3")] {
                assert_eq!(store.insert(&record(instance, file), ROOMY).await.unwrap(), Inserted::New, "{name}");
            }
            assert!(store.insert(&record("i1", "f1"), ROOMY).await.is_err(), "{name}: a FileId is unique");
            let approve = Some(FileStatus::Approved);
            assert!(store.advance("i1", "f1", &[Phase::Complete], Phase::Complete, approve).await.unwrap());
            assert!(!store.advance("i2", "f1", &[Phase::Complete], Phase::Complete, approve).await.unwrap());
        }
        let store = database.open().await;
        let expected = FileRecord { file_status: FileStatus::Approved, ..record("i1", "f1") };
        assert_eq!(store.get("i1", "f1").await.unwrap(), Some(expected), "{name}");
        assert_eq!(store.get("i2", "f1").await.unwrap(), None, "{name}");
        assert_eq!(store.get("i1", "nope").await.unwrap(), None, "{name}");
        let listed: Vec<_> = store.list("i1").await.unwrap().into_iter().map(|r| r.file_id).collect();
        assert_eq!(listed, ["f1", "f2"], "{name}");
    }
}

#[tokio::test]
async fn two_handles_on_one_database_see_each_others_writes() {
    for database in Database::each().await {
        let (server, operator) = (database.open().await, database.open().await);
        operator.insert(&record("i", "f"), ROOMY).await.unwrap();
        assert_eq!(server.get("i", "f").await.unwrap().unwrap().file_status, FileStatus::Processing);
        operator.advance("i", "f", &[Phase::Complete], Phase::Complete, Some(FileStatus::Rejected)).await.unwrap();
        assert_eq!(
            server.get("i", "f").await.unwrap().unwrap().file_status,
            FileStatus::Rejected,
            "{}",
            database.name()
        );
    }
}

#[tokio::test]
async fn a_phase_is_walked_a_page_at_a_time_in_the_order_files_were_added() {
    for database in Database::each().await {
        let name = database.name();
        let store = database.open().await;
        // More than two pages, between files of other phases, with one removed on the way.
        let mut added = Vec::new();
        for n in 0..600 {
            let phase = if n % 3 == 0 { Phase::Complete } else { Phase::Deleting };
            store
                .insert(
                    &FileRecord { phase, ..record("i", &format!("f{n:03}")) },
                    Quota { max_files: 1000, max_bytes: 10_000 },
                )
                .await
                .unwrap();
            if phase == Phase::Deleting {
                added.push(format!("f{n:03}"));
            }
        }
        let first = store.in_phase(Phase::Deleting, Position::default(), 3).await.unwrap();
        let ids: Vec<&str> = first.iter().map(|(_, record)| record.file_id.as_str()).collect();
        assert_eq!(ids, ["f001", "f002", "f004"], "{name}");
        let next = store.in_phase(Phase::Deleting, first[2].0, 1).await.unwrap();
        assert_eq!(next[0].1.file_id, "f005", "{name}");
        assert!(store.remove("i", "f005").await.unwrap());

        let mut walk = PhaseWalk::new(Phase::Deleting);
        let mut seen = Vec::new();
        while let Some(page) = walk.next(store.as_ref()).await.unwrap() {
            assert!(page.len() <= 256, "{name}");
            seen.extend(page.into_iter().map(|record| record.file_id));
        }
        added.retain(|id| id != "f005");
        assert_eq!(seen, added, "{name}");
    }
}

#[tokio::test]
async fn phases_move_only_from_the_expected_ones() {
    for database in Database::each().await {
        let name = database.name();
        let store = database.open().await;
        let uploading = FileRecord { phase: Phase::Uploading, ..record("i", "f") };
        store.insert(&uploading, ROOMY).await.unwrap();
        let found = store.in_phase(Phase::Uploading, Position::default(), 10).await.unwrap();
        assert_eq!(found.into_iter().map(|(_, record)| record).collect::<Vec<_>>(), [uploading], "{name}");
        assert!(!store.advance("i", "f", &[Phase::Scanning], Phase::Complete, None).await.unwrap());
        assert!(store.advance("i", "f", &[Phase::Uploading], Phase::Scanning, None).await.unwrap());
        let both = [Phase::Uploading, Phase::Scanning];
        assert!(store.advance("i", "f", &both, Phase::Deleting, None).await.unwrap());
        let record = store.get("i", "f").await.unwrap().unwrap();
        assert_eq!((record.phase, record.file_status), (Phase::Deleting, FileStatus::Processing), "{name}");
        assert!(store.in_phase(Phase::Uploading, Position::default(), 10).await.unwrap().is_empty(), "{name}");
        assert!(store.remove("i", "f").await.unwrap(), "{name}");
        assert!(!store.remove("i", "f").await.unwrap(), "{name}");
        assert_eq!(store.get("i", "f").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn a_client_token_names_one_file_of_its_instance() {
    for database in Database::each().await {
        let store = database.open().await;
        let first = FileRecord { client_token: Some("t".into()), ..record("i", "f1") };
        assert_eq!(store.insert(&first, ROOMY).await.unwrap(), Inserted::New);
        let retry = FileRecord { client_token: Some("t".into()), ..record("i", "f2") };
        assert_eq!(
            store.insert(&retry, ROOMY).await.unwrap(),
            Inserted::Existing(Box::new(first)),
            "{}",
            database.name()
        );
        let elsewhere = FileRecord { client_token: Some("t".into()), ..record("j", "f3") };
        assert_eq!(store.insert(&elsewhere, ROOMY).await.unwrap(), Inserted::New);
    }
}

#[tokio::test]
async fn quotas_count_files_and_bytes_until_they_are_removed() {
    for database in Database::each().await {
        let name = database.name();
        let store = database.open().await;
        let quota = Quota { max_files: 2, max_bytes: 12 };
        let sized = |id: &str, size| FileRecord { file_size_in_bytes: size, ..record("i", id) };
        let refused = |reason| Inserted::Refused(reason);
        assert_eq!(store.insert(&sized("a", 5), quota).await.unwrap(), Inserted::New, "{name}");
        assert_eq!(store.insert(&sized("b", 8), quota).await.unwrap(), refused(QuotaExceeded::TotalSize), "{name}");
        assert_eq!(store.insert(&sized("b", 7), quota).await.unwrap(), Inserted::New, "{name}");
        assert_eq!(store.insert(&sized("c", 1), quota).await.unwrap(), refused(QuotaExceeded::FileCount), "{name}");
        assert_eq!(store.insert(&record("j", "d"), quota).await.unwrap(), Inserted::New, "{name}: per instance");
        store.remove("i", "a").await.unwrap();
        assert_eq!(store.insert(&sized("c", 5), quota).await.unwrap(), Inserted::New, "{name}");
    }
}

#[tokio::test]
async fn handles_racing_for_one_quota_never_exceed_it() {
    for database in Database::each().await {
        // Four handles (processes, replicas) insert 40 files at once; the quota allows 10.
        let stores: Vec<_> = futures::future::join_all((0..4).map(|_| database.open())).await;
        let quota = Quota { max_files: 10, max_bytes: 1000 };
        let inserts = (0..40).map(|i| {
            let store = stores[i % stores.len()].clone();
            async move { store.insert(&record("i", &format!("f{i}")), quota).await.unwrap() }
        });
        let answers = futures::future::join_all(inserts).await;
        let accepted = answers.iter().filter(|answer| **answer == Inserted::New).count();
        assert_eq!(accepted, 10, "{}", database.name());
        assert_eq!(stores[0].list("i").await.unwrap().len(), 10, "{}", database.name());
    }
}

#[tokio::test]
async fn a_configuration_update_changes_only_what_it_names_and_every_handle_sees_it() {
    use attached_files::configuration::{AttachmentScope, ConfigurationUpdate};
    use time::macros::datetime;

    for database in Database::each().await {
        let (writer, reader) = (database.open().await, database.open().await);
        let name = database.name();
        assert_eq!(reader.configuration("i", AttachmentScope::Case).await.unwrap(), None, "{name}");
        assert_eq!(reader.configurations("i").await.unwrap(), vec![], "{name}");

        let size_only = ConfigurationUpdate { max_size_bytes: Some(10), allowed_extensions: None };
        let first = writer
            .update_configuration("i", AttachmentScope::Case, &size_only, datetime!(2026-01-02 03:04:05.678 UTC))
            .await
            .unwrap();
        assert_eq!((first.max_size_bytes, first.allowed_extensions.as_deref()), (Some(10), None), "{name}");
        assert_eq!(first.last_modified_time, datetime!(2026-01-02 03:04:05.678 UTC), "{name}");

        let extensions = ConfigurationUpdate { max_size_bytes: None, allowed_extensions: Some(vec!["pdf".into()]) };
        let later = datetime!(2026-01-02 03:04:06 UTC);
        let second = writer.update_configuration("i", AttachmentScope::Case, &extensions, later).await.unwrap();
        assert_eq!(second.max_size_bytes, Some(10), "{name}: the size is kept");
        assert_eq!(second.allowed_extensions, Some(vec!["pdf".to_owned()]), "{name}");
        assert_eq!(second.last_modified_time, later, "{name}");
        let none = ConfigurationUpdate { max_size_bytes: None, allowed_extensions: Some(vec![]) };
        let emptied = writer.update_configuration("i", AttachmentScope::Case, &none, later).await.unwrap();
        assert_eq!(emptied.allowed_extensions, Some(vec![]), "{name}: an empty list is a list");

        // Another handle (process, replica) reads it at once; other instances and scopes have none.
        assert_eq!(reader.configuration("i", AttachmentScope::Case).await.unwrap(), Some(emptied.clone()), "{name}");
        assert_eq!(reader.configuration("i", AttachmentScope::Task).await.unwrap(), None, "{name}");
        assert_eq!(reader.configuration("j", AttachmentScope::Case).await.unwrap(), None, "{name}");
        assert_eq!(reader.configurations("i").await.unwrap(), vec![emptied], "{name}");
    }
}

#[tokio::test]
async fn connections_to_postgres_use_tls_as_the_url_asks() {
    let (Ok(admin), Ok(ca)) =
        (std::env::var("ATTACHED_FILES_TEST_DATABASE_URL"), std::env::var("ATTACHED_FILES_TEST_DATABASE_CA"))
    else {
        let ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
        assert!(!ci, "ATTACHED_FILES_TEST_DATABASE_URL and _CA are not set: run the tests with scripts/test");
        eprintln!("PostgreSQL's TLS not tested: run the tests with scripts/test");
        return;
    };
    // The tests' server lets the role tls_only in over TLS only (scripts/lib/postgres.sh).
    let url = fresh_postgres_database(&admin).await.replacen("postgres@", "tls_only@", 1);
    let connect = |query: String| {
        let url = format!("{url}{query}");
        async move { PostgresStore::connect(&url).await.map(|_| ()).map_err(|e| e.to_string()) }
    };
    assert!(connect(String::new()).await.is_err(), "without sslmode there is no TLS, and the server refuses");
    connect("?sslmode=require".into()).await.expect("encrypted, the certificate unchecked");
    connect(format!("?sslmode=verify-full&sslrootcert={ca}")).await.expect("the server's certificate, trusted");
    connect(format!("?sslmode=verify-ca&sslrootcert={ca}")).await.expect("its issuer trusted");
    let refused = connect("?sslmode=verify-full".into()).await.expect_err("a self-signed certificate");
    assert!(refused.to_lowercase().contains("certificate"), "{refused}");
}

/// A fresh PostgreSQL database, or `None` (with a note) when the tests have no server.
async fn postgres_database() -> Option<String> {
    Database::each().await.into_iter().find_map(|database| match database {
        Database::Postgres(url) => Some(url),
        Database::Sqlite(_) => None,
    })
}

/// Waits until `replicas` replicas hold a live lease on their record cache.
async fn leases_live(admin: &tokio_postgres::Client, replicas: i64) {
    for _ in 0..100 {
        let live = admin.query_one("SELECT count(*) FROM record_caches WHERE lease_until > now()", &[]).await.unwrap();
        if live.get::<_, i64>(0) == replicas {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the replicas' caches did not start");
}

async fn admin_client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    client
}

/// `url` as seen from a replica `delay` away: the URL of a TCP proxy on loopback that delivers
/// every byte to and from the database `delay` after it was sent (latency, not a bandwidth limit).
async fn far_from(url: &str, delay: std::time::Duration) -> String {
    let (head, rest) = url.split_once('@').unwrap();
    let (address, database) = rest.split_once('/').unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = listener.local_addr().unwrap();
    let address = address.to_owned();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&address).await else { continue };
            let ((client_in, client_out), (server_in, server_out)) = (client.into_split(), server.into_split());
            tokio::spawn(delayed(client_in, server_out, delay));
            tokio::spawn(delayed(server_in, client_out, delay));
        }
    });
    format!("{head}@{proxy}/{database}")
}

/// Copies `from` to `to`, each chunk written `delay` after it was read.
async fn delayed(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: std::time::Duration,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (send, mut receive) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        while let Some((due, chunk)) = receive.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&chunk).await.is_err() {
                break;
            }
        }
    });
    let mut buffer = vec![0; 64 * 1024];
    while let Ok(n @ 1..) = from.read(&mut buffer).await {
        if send.send((tokio::time::Instant::now() + delay, buffer[..n].to_vec())).is_err() {
            break;
        }
    }
    drop(send);
    let _ = writer.await;
}

#[tokio::test]
async fn replicas_answer_gets_from_their_caches_and_never_stale_once_a_write_is_acknowledged() {
    let Some(url) = postgres_database().await else { return };
    let (a, b, c) = (
        PostgresStore::connect_cached(&url).await.unwrap(),
        PostgresStore::connect_cached(&url).await.unwrap(),
        // c is far from the database: its notifications and acknowledgements come 30 ms late.
        PostgresStore::connect_cached(&far_from(&url, std::time::Duration::from_millis(30)).await).await.unwrap(),
    );
    let (b, c) = (Arc::new(b), Arc::new(c));
    let admin = admin_client(&url).await;
    let files: Vec<String> = (0..40).map(|n| format!("f{n}")).collect();
    for file in &files {
        a.insert(&record("i", file), Quota { max_files: 100, max_bytes: 10_000 }).await.unwrap();
    }
    leases_live(&admin, 3).await;

    // The caches answer: a change made behind the stores' back (plain SQL, no notification) is
    // not seen by a replica that cached the record before it.
    assert_eq!(b.get("i", "f0").await.unwrap().unwrap().file_name, "notes.txt");
    admin
        .execute(
            "UPDATE attached_files SET record = jsonb_set(record, '{FileName}', '\"behind.txt\"') WHERE file_id = 'f0'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(b.get("i", "f0").await.unwrap().unwrap().file_name, "notes.txt", "answered from the cache");
    assert_eq!(c.get("i", "f0").await.unwrap().unwrap().file_name, "behind.txt", "c had not cached it");

    // Under load (readers keeping both caches warm), every write made on a is seen by b and c as
    // soon as a acknowledges it.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for replica in [b.clone(), c.clone(), b.clone(), c.clone()] {
        let (files, stop) = (files.clone(), stop.clone());
        readers.push(tokio::spawn(async move {
            let mut reads = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for file in &files {
                    replica.get("i", file).await.unwrap();
                    reads += 1;
                }
            }
            reads
        }));
    }
    let started = std::time::Instant::now();
    for file in &files {
        let approve = Some(FileStatus::Approved);
        assert!(a.advance("i", file, &[Phase::Complete], Phase::Complete, approve).await.unwrap());
        for replica in [&b, &c] {
            assert_eq!(replica.get("i", file).await.unwrap().unwrap().file_status, FileStatus::Approved, "{file}");
        }
        assert!(a.advance("i", file, &[Phase::Complete], Phase::Deleting, None).await.unwrap());
        for replica in [&b, &c] {
            assert_eq!(replica.get("i", file).await.unwrap().unwrap().phase, Phase::Deleting, "{file}");
        }
        assert!(a.remove("i", file).await.unwrap());
        for replica in [&b, &c] {
            assert_eq!(replica.get("i", file).await.unwrap(), None, "{file}");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        assert!(reader.await.unwrap() > 0);
    }
    // (The writes did wait for c: at least its delay each, three writes for each of 40 files.)
    assert!(started.elapsed() > std::time::Duration::from_millis(30 * 3 * 40));
}

/// Two replicas' stores with their record caches on `url`, once both hold a lease, and an admin
/// connection; file "f" of instance "i" inserted through the first.
async fn two_replicas_with_a_file(url: &str) -> (PostgresStore, PostgresStore, tokio_postgres::Client) {
    let (a, b) = (PostgresStore::connect_cached(url).await.unwrap(), PostgresStore::connect_cached(url).await.unwrap());
    let admin = admin_client(url).await;
    a.insert(&record("i", "f"), ROOMY).await.unwrap();
    leases_live(&admin, 2).await;
    (a, b, admin)
}

#[tokio::test]
async fn a_replica_gone_holds_writers_up_for_at_most_its_lease() {
    let Some(url) = postgres_database().await else { return };
    let (a, b, _admin) = two_replicas_with_a_file(&url).await;
    // b stops without a word (as a killed process would): its lease stays live in the database
    // until it runs out, and a's writes wait for it that long at most.
    drop(b);
    let started = std::time::Instant::now();
    assert!(a.advance("i", "f", &[Phase::Complete], Phase::Complete, Some(FileStatus::Approved)).await.unwrap());
    let waited = started.elapsed();
    assert!(waited < std::time::Duration::from_secs(3), "{waited:?}");
    // Then writes no longer wait at all.
    let started = std::time::Instant::now();
    assert!(a.advance("i", "f", &[Phase::Complete], Phase::Complete, Some(FileStatus::Rejected)).await.unwrap());
    assert!(started.elapsed() < std::time::Duration::from_millis(500), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_replica_whose_listener_loses_the_database_answers_from_it_until_it_is_back() {
    let Some(url) = postgres_database().await else { return };
    let (a, b, admin) = two_replicas_with_a_file(&url).await;
    assert_eq!(b.get("i", "f").await.unwrap().unwrap().file_status, FileStatus::Processing);
    // The database ends the listeners' connections (a restart or a network cut would too).
    let ended = admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'attached-files record cache' AND datname = current_database()",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(ended.len(), 2);
    for status in [FileStatus::Approved, FileStatus::Rejected, FileStatus::Approved] {
        assert!(a.advance("i", "f", &[Phase::Complete], Phase::Complete, Some(status)).await.unwrap());
        assert_eq!(b.get("i", "f").await.unwrap().unwrap().file_status, status);
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    }
    // Both listeners are back (each with a lease), and the caches are used again.
    leases_live(&admin, 2).await;
    assert_eq!(b.get("i", "f").await.unwrap().unwrap().file_status, FileStatus::Approved);
}
