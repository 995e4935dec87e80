//! Proves the attached-file operations over the embedded S3 store on loopback: download URLs
//! download the exact bytes with a plain HTTP client, only for approved files, only while valid
//! and unaltered; lookups answer one not-found for every mismatch; nothing is lost across a
//! restart or an outage of the store, and GetAttachedFile does not depend on the store being up.

mod common;

use std::time::{Duration, SystemTime};

use attached_files::record::{ObjectLocation, format_iso_millis};
use attached_files::{Disposition, FileError, FileStatus, GetRequest};
use aws_sdk_s3::presigning::PresigningConfig;
use common::*;
use time::OffsetDateTime;

fn get(instance_id: &str, file_id: &str) -> GetRequest {
    GetRequest {
        instance_id: instance_id.into(),
        file_id: file_id.into(),
        associated_resource_arn: CASE_ARN.into(),
        url_expiry_in_seconds: None,
        disposition: None,
    }
}

fn expires_param(url: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    query.split('&').find_map(|p| p.strip_prefix("X-Amz-Expires=")).unwrap().to_owned()
}

#[tokio::test]
async fn an_approved_file_downloads_byte_for_byte_within_its_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let bytes = sample_bytes(300_001);
    let path = local_file(dir.path(), "upload.bin", &bytes);

    let ingested = files.ingest(new_file("inst-1", "report été.pdf"), &path, Some(FileStatus::Approved)).await.unwrap();
    assert_eq!(ingested.file_size_in_bytes, 300_001);
    assert_eq!(
        ingested.file_arn,
        format!("arn:aws:connect:us-west-2:111122223333:instance/inst-1/file/{}", ingested.file_id)
    );

    let before = OffsetDateTime::now_utc();
    let answer = files.get(&get("inst-1", &ingested.file_id)).await.unwrap();
    let after = OffsetDateTime::now_utc();
    assert_eq!(answer.record, ingested);
    let url = answer.download.expect("an approved file has a URL");
    assert_eq!(expires_param(&url.url), "300");
    let lifetime = Duration::from_secs(300);
    assert!(url.expires_at >= before + lifetime - Duration::from_secs(1) && url.expires_at <= after + lifetime);
    assert_eq!(format_iso_millis(url.expires_at).len(), "2024-05-03T02:41:28.172Z".len());

    let (status, disposition, body) = download(&url.url).await;
    assert_eq!(status, 200);
    assert_eq!(disposition, None, "no disposition was asked for");
    assert!(body == bytes, "downloaded bytes differ from the ingested file");

    for (expiry, disposition, header) in [
        (
            5,
            Disposition::Attachment,
            "attachment; filename=\"report _t_.pdf\"; filename*=UTF-8''report%20%C3%A9t%C3%A9.pdf",
        ),
        (300, Disposition::Inline, "inline; filename=\"report _t_.pdf\"; filename*=UTF-8''report%20%C3%A9t%C3%A9.pdf"),
    ] {
        let request = GetRequest {
            url_expiry_in_seconds: Some(expiry),
            disposition: Some(disposition),
            ..get("inst-1", &ingested.file_id)
        };
        let url = files.get(&request).await.unwrap().download.unwrap().url;
        assert_eq!(expires_param(&url), expiry.to_string());
        let (status, got_header, body) = download(&url).await;
        assert_eq!((status, got_header.as_deref()), (200, Some(header)));
        assert!(body == bytes);
    }
    store.stop().await;
}

#[tokio::test]
async fn only_approved_files_get_a_url() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let path = local_file(dir.path(), "a.txt", b"hello");

    for status in [FileStatus::Processing, FileStatus::Rejected, FileStatus::Failed] {
        let record = files.ingest(new_file("inst", "a.txt"), &path, Some(status)).await.unwrap();
        let answer = files.get(&get("inst", &record.file_id)).await.unwrap();
        assert_eq!(answer.record.file_status, status);
        assert!(answer.download.is_none(), "{status} must not have a URL");

        let approved = files.set_status("inst", &record.file_id, FileStatus::Approved).await.unwrap();
        assert_eq!(approved.file_status, FileStatus::Approved);
        let url = files.get(&get("inst", &record.file_id)).await.unwrap().download.unwrap().url;
        assert_eq!(download(&url).await.2, b"hello");
    }
    assert_eq!(files.list("inst").await.unwrap().len(), 3);
    store.stop().await;
}

#[tokio::test]
async fn every_mismatch_is_the_same_not_found_and_a_bad_arn_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let path = local_file(dir.path(), "a.txt", b"hello");
    let record = files.ingest(new_file("inst", "a.txt"), &path, Some(FileStatus::Approved)).await.unwrap();

    let unknown = get("inst", "no-such-file");
    let other_instance = get("other-inst", &record.file_id);
    let other_resource = GetRequest {
        associated_resource_arn: "arn:aws:cases:us-west-2:111122223333:domain/d-1/case/c-2".into(),
        ..get("inst", &record.file_id)
    };
    for request in [unknown, other_instance, other_resource] {
        let error = files.get(&request).await.unwrap_err();
        assert!(matches!(error, FileError::NotFound), "{request:?}: {error:?}");
    }
    let bad_arn = GetRequest { associated_resource_arn: "case-1".into(), ..get("inst", &record.file_id) };
    assert!(
        matches!(files.get(&bad_arn).await, Err(FileError::InvalidRequest { message: m, .. }) if m.contains("AssociatedResourceArn"))
    );
    store.stop().await;
}

#[tokio::test]
async fn altered_expired_and_unsigned_urls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let path = local_file(dir.path(), "a.txt", b"secret bytes");
    let first = files.ingest(new_file("inst", "a.txt"), &path, Some(FileStatus::Approved)).await.unwrap();
    let second = files.ingest(new_file("inst", "b.txt"), &path, Some(FileStatus::Approved)).await.unwrap();
    let url = files.get(&get("inst", &first.file_id)).await.unwrap().download.unwrap().url;
    assert_eq!(download(&url).await.0, 200);

    // Every byte of the URL after the host is covered by the signature.
    let path_start = url.find(&store.addr.to_string()).unwrap() + store.addr.to_string().len();
    let mut refused = 0;
    for i in path_start + 1..url.len() {
        let original = url.as_bytes()[i];
        let replacement = if original == b'7' { '8' } else { '7' };
        if matches!(original, b'&' | b'=' | b'%' | b'?') {
            continue; // would break the query's syntax, not its signature
        }
        let altered = format!("{}{replacement}{}", &url[..i], &url[i + 1..]);
        let (status, _, body) = download(&altered).await;
        assert!(status >= 400 && body != b"secret bytes", "byte {i} altered: {altered} answered {status}");
        refused += 1;
    }
    assert!(refused > 100);

    let other_key = url.replace(&first.file_id, &second.file_id);
    assert_eq!(download(&other_key).await.0, 403);

    let unsigned = url.split_once('?').unwrap().0;
    assert_eq!(download(unsigned).await.0, 403);

    // Signed 10 s ago for 5 s: expired, with no need to wait for it.
    let client = store.endpoint().client().await;
    let config = PresigningConfig::builder()
        .start_time(SystemTime::now() - Duration::from_secs(10))
        .expires_in(Duration::from_secs(5))
        .build()
        .unwrap();
    let expired = client.get_object().bucket(BUCKET).key(&first.object.key).presigned(config).await.unwrap();
    assert_eq!(download(expired.uri()).await.0, 403);

    // And a URL from the server's presigner expires exactly when it says: signed at a whole
    // second (as X-Amz-Date counts), valid for 2 s, so at least 1 s is left now.
    let presigner = store.endpoint().presigner().await.unwrap();
    let short = presigner.presign_get(&first.object, Duration::from_secs(2), None).await.unwrap();
    assert_eq!(download(&short.url).await.0, 200);
    let expires_at = short.signed_at + Duration::from_secs(2);
    tokio::time::sleep(expires_at.duration_since(SystemTime::now()).unwrap() + Duration::from_millis(1100)).await;
    assert_eq!(download(&short.url).await.0, 403);
    store.stop().await;
}

#[tokio::test]
async fn files_survive_a_restart_and_an_outage_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let addr = store.addr;
    let bytes = sample_bytes(70_000);
    let path = local_file(dir.path(), "a.bin", &bytes);
    let record = files.ingest(new_file("inst", "a.pdf"), &path, Some(FileStatus::Approved)).await.unwrap();
    drop(files);
    store.stop().await;

    // The store is down: GetAttachedFile answers from the metadata alone (it does not ask the
    // store), and the URL works once the store is back within the URL's lifetime.
    let files = attached_files(dir.path(), &endpoint(&format!("http://{addr}"))).await;
    let answer = files.get(&get("inst", &record.file_id)).await.unwrap();
    assert_eq!(answer.record, record);
    let url = answer.download.unwrap().url;
    assert!(reqwest::get(&url).await.is_err(), "nothing answers while the store is down");

    // Back on the same address with the same directory: everything is still there.
    let store = EmbeddedStore::start(&dir.path().join("objects"), addr).await;
    assert!(download(&url).await.2 == bytes);
    let answer = files.get(&get("inst", &record.file_id)).await.unwrap();
    assert!(download(&answer.download.unwrap().url).await.2 == bytes);

    // Bytes removed behind the service's back (nothing in it does so) are reported by the store
    // when the URL is used, as S3 does: 404.
    let missing = ObjectLocation { bucket: BUCKET.into(), key: record.object.key.clone() };
    store.endpoint().client().await.delete_object().bucket(&missing.bucket).key(&missing.key).send().await.unwrap();
    let url = files.get(&get("inst", &record.file_id)).await.unwrap().download.unwrap().url;
    assert_eq!(download(&url).await.0, 404);
    store.stop().await;
}

fn file_ref(record: &attached_files::FileRecord) -> attached_files::FileRef {
    attached_files::FileRef {
        instance_id: record.instance_id.clone(),
        file_id: record.file_id.clone(),
        associated_resource_arn: record.associated_resource_arn.clone(),
    }
}

#[tokio::test]
async fn deletes_hide_at_once_and_the_sweep_removes_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let objects = attached_files::objects::ObjectStore::new(store.endpoint().client().await, BUCKET);
    let kept = files.ingest(new_file("inst", "kept.txt"), &local_file(dir.path(), "k", b"kept"), None).await.unwrap();

    // A file whose upload URL still works when it is deleted.
    let started = files.start(attached_files::StartRequest { file_size_in_bytes: 5, ..new_file("inst", "a.txt") });
    let started = started.await.unwrap();
    let put = |url: String| async move {
        let response = reqwest::Client::new().put(url).header("content-length", "5").body("hello").send().await;
        response.unwrap().status().as_u16()
    };
    assert_eq!(put(started.upload.url.clone()).await, 200);
    files.complete(&file_ref(&started.record)).await.unwrap();
    files.delete(&file_ref(&started.record)).await.unwrap();
    let gone = files.get(&get("inst", &started.record.file_id)).await.unwrap_err();
    assert!(matches!(gone, FileError::NotFound), "{gone:?}");
    assert_eq!(objects.size(&started.record.object).await.unwrap(), None, "the bytes go at once");
    // The URL still works: a PUT brings the bytes back, hidden, until the sweep.
    assert_eq!(put(started.upload.url.clone()).await, 200);
    assert_eq!(files.sweep(Duration::from_secs(3600)).await.unwrap(), 0, "not while the URL works");

    // An upload never completed.
    let abandoned = files.start(attached_files::StartRequest { file_size_in_bytes: 3, ..new_file("inst", "b.txt") });
    let abandoned = abandoned.await.unwrap().record;

    let later = OffsetDateTime::now_utc() + Duration::from_secs(7200);
    assert_eq!(files.sweep_at(Duration::from_secs(3600), later).await.unwrap(), 2);
    assert_eq!(objects.size(&started.record.object).await.unwrap(), None, "the bytes put back are gone");
    let left: Vec<_> = files.list("inst").await.unwrap().into_iter().map(|r| r.file_id).collect();
    assert_eq!(left, std::slice::from_ref(&kept.file_id));
    assert!(matches!(files.get(&get("inst", &abandoned.file_id)).await, Err(FileError::NotFound)));
    let url = files.get(&get("inst", &kept.file_id)).await.unwrap().download.unwrap().url;
    assert_eq!(download(&url).await.2, b"kept");
    store.stop().await;
}

#[tokio::test]
async fn starts_obey_the_configuration_of_their_instance_and_scope_at_the_time() {
    use attached_files::{AttachmentScope, ConfigurationUpdate, InvalidFile, StartRequest};
    let dir = tempfile::tempdir().unwrap();
    let (store, files) = start_files(dir.path()).await;
    let start = |instance: &str, name: &str, size: u64, arn: &str| StartRequest {
        file_size_in_bytes: size,
        associated_resource_arn: arn.into(),
        ..new_file(instance, name)
    };
    let refused = |result: Result<_, FileError>| match result {
        Err(FileError::InvalidRequest { message, reason: Some(reason) }) => (reason, message),
        other => panic!("not refused as an invalid file: {:?}", other.map(|_: attached_files::StartedUpload| ())),
    };
    let contact = "arn:aws:connect:us-east-1:111122223333:instance/inst/contact/c-1";
    let early = local_file(dir.path(), "early", &sample_bytes(100));
    let before = files.ingest(new_file("inst", "early.txt"), &early, Some(FileStatus::Approved)).await.unwrap();

    let update = ConfigurationUpdate { max_size_bytes: Some(50), allowed_extensions: Some(vec!["PDF".into()]) };
    files.update_configuration("inst", AttachmentScope::Case, &update).await.unwrap();
    let (reason, message) = refused(files.start(start("inst", "big.pdf", 51, CASE_ARN)).await);
    assert_eq!(reason, InvalidFile::Size);
    assert!(message.contains("50 bytes"), "{message}");
    let (reason, message) = refused(files.start(start("inst", "notes.txt", 5, CASE_ARN)).await);
    assert_eq!(reason, InvalidFile::Type);
    assert!(message.contains("PDF"), "{message}");
    files.start(start("inst", "ok.pdf", 50, CASE_ARN)).await.expect("at the limit, any case of the extension");

    // Another instance, and the email scope of the same one, keep the defaults.
    files.start(start("other", "notes.txt", 51, CASE_ARN)).await.unwrap();
    files.start(start("inst", "notes.txt", 51, contact)).await.unwrap();
    // A file stored before the change is not affected by it.
    let url = files.get(&get("inst", &before.file_id)).await.unwrap().download.unwrap().url;
    assert_eq!(download(&url).await.2, sample_bytes(100));
    store.stop().await;
}
