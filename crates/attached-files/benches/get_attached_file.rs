//! What one GetAttachedFile costs, and its parts, each against the same baseline: the bare SigV4
//! arithmetic (signing key + signature, five HMAC-SHA256) that any presigner must do.
//!
//! `cargo bench -p attached-files --bench get_attached_file`; compare the groups' times as ratios.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use attached_files::metadata::{MetadataStore, SqliteStore};
use attached_files::presign::{Presigner, SdkPresigner};
use attached_files::{FileStatus, GetRequest};
use criterion::{Criterion, criterion_group, criterion_main};

fn get_attached_file(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, files, record) = runtime.block_on(async {
        let (store, files) = common::start_files(dir.path()).await;
        let path = common::local_file(dir.path(), "a.bin", &common::sample_bytes(1000));
        let record = files.ingest(common::new_file("inst", "a.bin"), &path, Some(FileStatus::Approved)).await.unwrap();
        (store, files, record)
    });
    let presigner = runtime.block_on(async { SdkPresigner::new(store.endpoint().client().await) });
    let cached = runtime.block_on(store.endpoint().presigner()).unwrap();
    let metadata = SqliteStore::open(&dir.path().join("metadata.sqlite3")).unwrap();
    let request = GetRequest {
        instance_id: "inst".into(),
        file_id: record.file_id.clone(),
        associated_resource_arn: common::CASE_ARN.into(),
        url_expiry_in_seconds: None,
        disposition: None,
    };

    let mut group = c.benchmark_group("get_attached_file");
    group.bench_function("baseline: sigv4 key and signature", |b| {
        let string_to_sign = "AWS4-HMAC-SHA256\n20261127T103416Z\n20261127/us-east-1/s3/aws4_request\n\
                              0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        b.iter(|| {
            let key = aws_sigv4::sign::v4::generate_signing_key("test-secret", SystemTime::now(), "us-east-1", "s3");
            black_box(aws_sigv4::sign::v4::calculate_signature(key, string_to_sign.as_bytes()))
        })
    });
    group.bench_function("presign one URL (aws-sdk-s3)", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(presigner.presign_get(&record.object, Duration::from_secs(300), None).await) })
    });
    group.bench_function("presign one URL (cached signing key)", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(cached.presign_get(&record.object, Duration::from_secs(300), None).await) })
    });
    group.bench_function("metadata lookup (cached: no write since it was read)", |b| {
        b.to_async(&runtime).iter(|| async { black_box(metadata.get("inst", &record.file_id).await.unwrap()) })
    });
    group.bench_function("metadata insert (SQLite, fsync on commit)", |b| {
        b.to_async(&runtime).iter(|| {
            let fresh = attached_files::FileRecord { file_id: uuid::Uuid::new_v4().to_string(), ..record.clone() };
            let metadata = &metadata;
            async move { metadata.insert(&fresh, attached_files::files::DEFAULT_QUOTA).await.unwrap() }
        })
    });
    let objects =
        attached_files::objects::ObjectStore::new(runtime.block_on(store.endpoint().client()), common::BUCKET);
    group.bench_function("HEAD object over loopback (not part of a Get any more)", |b| {
        b.to_async(&runtime).iter(|| async { black_box(objects.size(&record.object).await.unwrap()) })
    });
    group.bench_function("whole GetAttachedFile (lookup, presign)", |b| {
        b.to_async(&runtime).iter(|| async { black_box(files.get(&request).await.unwrap()) })
    });
    // Sequential calls measure latency; the rate a server can answer shows under concurrency.
    group.bench_function("64 concurrent GetAttachedFile, per call", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let (files, request) = (files.clone(), request.clone());
            async move {
                let start = std::time::Instant::now();
                for _ in 0..iterations {
                    let calls = (0..64).map(|_| {
                        let (files, request) = (files.clone(), request.clone());
                        tokio::spawn(async move { files.get(&request).await.unwrap() })
                    });
                    for call in futures::future::join_all(calls).await {
                        black_box(call.unwrap());
                    }
                }
                start.elapsed() / 64
            }
        })
    });
    group.finish();
    runtime.block_on(store.stop());
}

criterion_group!(benches, get_attached_file);
criterion_main!(benches);
