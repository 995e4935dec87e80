//! Proves the whole life of an attached file through the API (Start, the PUT of its bytes with the
//! headers Start gave, Complete, Get and its download, BatchGet, Delete, then 404) with every
//! client users have: aws-sdk-connect, the generated client, boto3 and the AWS CLI; and that each
//! modeled error of Start, Complete, BatchGet and Delete is reached, as the client's own type.

mod common;

use std::process::Command;

use attached_files::{FileStatus, Quota, Scan};
use attached_files_server::config::Limits;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::start_attached_file_upload::StartAttachedFileUploadError;
use aws_sdk_connect::types::{
    AttachedFileServiceQuotaExceededExceptionReason, CreatedByInfo, FileStatusType, FileUseCaseType,
    ServiceQuotaExceededExceptionReason,
};
use common::*;
use serde_json::Value;

/// PUTs `bytes` to an upload URL with the headers Start gave; returns the status.
async fn put(url: &str, headers: &[(&str, &str)], bytes: Vec<u8>) -> u16 {
    let mut request = reqwest::Client::new().put(url).body(bytes);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn download(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn aws_sdk_connect() {
    let server = TestServer::start().await;
    let client = connect_client(&server.url);
    let bytes = sample_bytes(70_001);
    let start = || {
        client
            .start_attached_file_upload()
            .instance_id("inst-1")
            .associated_resource_arn(CASE_ARN)
            .file_name("relevé.pdf")
            .file_size_in_bytes(bytes.len() as i64)
            .file_use_case_type(FileUseCaseType::Attachment)
            .created_by(CreatedByInfo::ConnectUserArn(AGENT_ARN.into()))
            .tags("team", "blue")
    };
    let started = start().client_token("token-1").send().await.unwrap();
    assert_eq!(started.file_status(), Some(&FileStatusType::Processing));
    let file_id = started.file_id().unwrap().to_owned();
    let upload = started.upload_url_metadata().unwrap();
    let retried = start().client_token("token-1").send().await.unwrap();
    assert_eq!((retried.file_id(), retried.upload_url_metadata()), (Some(file_id.as_str()), Some(upload)));
    let conflict = start().client_token("token-1").file_name("other.pdf").send().await.unwrap_err();
    assert!(matches!(conflict.into_service_error(), StartAttachedFileUploadError::ResourceConflictException(_)));

    let complete = || client.complete_attached_file_upload().instance_id("inst-1").file_id(&file_id);
    let early = complete().associated_resource_arn(CASE_ARN).send().await.unwrap_err().into_service_error();
    assert!(
        early.is_invalid_request_exception() && early.message().unwrap().contains("not been uploaded"),
        "{early:?}"
    );

    let headers: Vec<(&str, &str)> =
        upload.headers_to_include().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(headers, [("Content-Length", bytes.len().to_string().as_str())]);
    assert_eq!(put(upload.url().unwrap(), &headers, bytes.clone()).await, 200);
    let wrong_resource = complete().associated_resource_arn(OTHER_CASE_ARN).send().await.unwrap_err();
    assert!(wrong_resource.into_service_error().is_resource_not_found_exception());
    complete().associated_resource_arn(CASE_ARN).send().await.unwrap();
    complete().associated_resource_arn(CASE_ARN).send().await.expect("completing twice changes nothing");

    let get = || client.get_attached_file().instance_id("inst-1").file_id(&file_id).associated_resource_arn(CASE_ARN);
    let got = get().send().await.unwrap();
    assert_eq!(got.file_status(), Some(&FileStatusType::Approved));
    assert_eq!((got.file_name(), got.file_size_in_bytes()), (Some("relevé.pdf"), bytes.len() as i64));
    assert_eq!(got.creation_time(), started.creation_time());
    assert!(download(got.download_url_metadata().unwrap().url().unwrap()).await == bytes);

    let batch = client
        .batch_get_attached_file_metadata()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_ids(&file_id)
        .file_ids("no-such-file")
        .send()
        .await
        .unwrap();
    let found: Vec<_> = batch.files().iter().map(|f| (f.file_id(), f.file_status(), f.file_size_in_bytes())).collect();
    assert_eq!(found, [(file_id.as_str(), &FileStatusType::Approved, bytes.len() as i64)]);
    let errors: Vec<_> = batch.errors().iter().map(|e| (e.file_id(), e.error_code())).collect();
    assert_eq!(errors, [(Some("no-such-file"), Some("404"))]);
    let too_many = (0..101).fold(client.batch_get_attached_file_metadata(), |call, i| call.file_ids(i.to_string()));
    let too_many = too_many.instance_id("inst-1").associated_resource_arn(CASE_ARN).send().await.unwrap_err();
    assert!(too_many.into_service_error().is_invalid_request_exception());

    let delete = || client.delete_attached_file().instance_id("inst-1").file_id(&file_id);
    delete().associated_resource_arn(CASE_ARN).send().await.unwrap();
    assert!(get().send().await.unwrap_err().into_service_error().is_resource_not_found_exception());
    let again = delete().associated_resource_arn(CASE_ARN).send().await.unwrap_err();
    assert!(again.into_service_error().is_resource_not_found_exception());
    let late = complete().associated_resource_arn(CASE_ARN).send().await.unwrap_err();
    assert!(late.into_service_error().is_resource_not_found_exception());
    assert_eq!(download_status(got.download_url_metadata().unwrap().url().unwrap()).await, 404, "the bytes are gone");
}

async fn download_status(url: &str) -> u16 {
    reqwest::get(url).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn start_refuses_what_it_must() {
    let quota = Quota { max_files: 2, max_bytes: 100 };
    let server = TestServer::start_configured(LIMITS, |config| config.storage.quota = quota).await;
    let client = connect_client(&server.url);
    let start = |size: i64| {
        client
            .start_attached_file_upload()
            .instance_id("inst-1")
            .associated_resource_arn(CASE_ARN)
            .file_name("a.txt")
            .file_size_in_bytes(size)
            .file_use_case_type(FileUseCaseType::Attachment)
    };
    let refused = |e: aws_sdk_connect::error::SdkError<StartAttachedFileUploadError, _>| e.into_service_error();

    let quota_reason = |e: StartAttachedFileUploadError| match e {
        StartAttachedFileUploadError::ServiceQuotaExceededException(e) => match e.reason() {
            Some(ServiceQuotaExceededExceptionReason::AttachedFileServiceQuotaExceededExceptionReason(reason)) => {
                reason.clone()
            }
            other => panic!("no reason: {other:?}"),
        },
        other => panic!("not a quota error: {other:?}"),
    };
    assert_eq!(
        quota_reason(refused(start(101).send().await.unwrap_err())),
        AttachedFileServiceQuotaExceededExceptionReason::TotalFileSizeExceeded
    );
    start(60).send().await.unwrap();
    start(40).send().await.unwrap();
    assert_eq!(
        quota_reason(refused(start(1).send().await.unwrap_err())),
        AttachedFileServiceQuotaExceededExceptionReason::TotalFileCountExceeded
    );
    assert!(start(1).instance_id("inst-2").send().await.is_ok(), "quotas are per instance");

    let invalid = [
        start(1).instance_id("inst-2").associated_resource_arn("case-1"),
        start(1).instance_id("inst-2").created_by(CreatedByInfo::AwsIdentityArn(AGENT_ARN.into())),
        start(1).instance_id("inst-2").url_expiry_in_seconds(301),
        start(0).instance_id("inst-2"),
        start(1).instance_id("inst-2").file_name("a\u{7}b"),
        start(1).instance_id("inst-2").tags("aws:reserved", "x"),
    ];
    for call in invalid {
        let error = refused(call.send().await.unwrap_err());
        assert!(error.is_invalid_request_exception(), "{error:?}");
    }
}

#[tokio::test]
async fn a_scan_command_gives_the_verdict_after_the_upload_url_expires() {
    let dir = tempfile::tempdir().unwrap();
    // Approves files that start with "ok", rejects the others.
    let scanner = dir.path().join("scan.sh");
    std::fs::write(&scanner, "#!/bin/sh\nhead -c 2 \"$1\" | grep -q '^ok' && exit 0\nexit 1\n").unwrap();
    std::fs::set_permissions(&scanner, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let scan = Scan::Command(scanner.clone());
    let server = TestServer::start_configured(LIMITS, move |config| config.storage.scan = scan).await;
    let client = connect_client(&server.url);

    let mut ids = Vec::new();
    for content in [&b"ok, fine"[..], b"evil"] {
        let started = client
            .start_attached_file_upload()
            .instance_id("inst-1")
            .associated_resource_arn(CASE_ARN)
            .file_name("a.txt")
            .file_size_in_bytes(content.len() as i64)
            .file_use_case_type(FileUseCaseType::Attachment)
            .url_expiry_in_seconds(5)
            .send()
            .await
            .unwrap();
        let upload = started.upload_url_metadata().unwrap();
        let length = content.len().to_string();
        assert_eq!(put(upload.url().unwrap(), &[("Content-Length", &length)], content.to_vec()).await, 200);
        let file_id = started.file_id().unwrap().to_owned();
        let complete = client.complete_attached_file_upload().instance_id("inst-1").file_id(&file_id);
        complete.associated_resource_arn(CASE_ARN).send().await.unwrap();
        ids.push(file_id);
    }
    let status = async |file_id: &str| {
        let get = client.get_attached_file().instance_id("inst-1").file_id(file_id).associated_resource_arn(CASE_ARN);
        let got = get.send().await.unwrap();
        (got.file_status().cloned().unwrap(), got.download_url_metadata().is_some())
    };
    assert_eq!(status(&ids[0]).await, (FileStatusType::Processing, false), "no verdict while the URL works");
    // The URL lives 5 s, and the store may take it 5 s more; the scanner polls every 5 s.
    let mut verdicts = Vec::new();
    for _ in 0..300 {
        server.files.scan_pending().await.unwrap();
        verdicts = vec![status(&ids[0]).await, status(&ids[1]).await];
        if verdicts[1].0 != FileStatusType::Processing {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(verdicts, [(FileStatusType::Approved, true), (FileStatusType::Rejected, false)]);
}

#[tokio::test]
async fn the_generated_client() {
    let server = TestServer::start().await;
    use attached_files_client::config::{Credentials, Region};
    let config = attached_files_client::Config::builder()
        .endpoint_url(&server.url)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(KEY_ID, SECRET, None, None, "test"))
        .behavior_version_latest()
        .build();
    let client = attached_files_client::Client::from_conf(config);
    let bytes = sample_bytes(1234);
    let started = client
        .start_attached_file_upload()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_name("notes.txt")
        .file_size_in_bytes(bytes.len() as i64)
        .file_use_case_type(attached_files_client::types::FileUseCaseType::Attachment)
        .send()
        .await
        .unwrap();
    let file_id = started.file_id().unwrap().to_owned();
    let upload = started.upload_url_metadata().unwrap();
    let headers: Vec<(&str, &str)> =
        upload.headers_to_include().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(put(upload.url().unwrap(), &headers, bytes.clone()).await, 200);
    let complete = client.complete_attached_file_upload().instance_id("inst-1").file_id(&file_id);
    complete.associated_resource_arn(CASE_ARN).send().await.unwrap();
    let get = || client.get_attached_file().instance_id("inst-1").file_id(&file_id).associated_resource_arn(CASE_ARN);
    let got = get().send().await.unwrap();
    assert_eq!(got.file_status(), Some(&attached_files_client::types::FileStatusType::Approved));
    assert!(download(got.download_url_metadata().unwrap().url().unwrap()).await == bytes);
    let batch = client
        .batch_get_attached_file_metadata()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_ids(&file_id)
        .send()
        .await
        .unwrap();
    assert_eq!(batch.files().iter().map(|f| f.file_id()).collect::<Vec<_>>(), [file_id.as_str()]);
    let delete = client.delete_attached_file().instance_id("inst-1").file_id(&file_id);
    delete.associated_resource_arn(CASE_ARN).send().await.unwrap();
    let gone = get().send().await.unwrap_err().into_service_error();
    assert!(gone.is_resource_not_found_exception(), "{gone:?}");
}

#[tokio::test]
async fn boto3() {
    let server = TestServer::start().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3_lifecycle.py");
    let url = server.url.clone();
    let status = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .arg(url)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .status()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(status.success(), "boto3 saw differences (above); if it is not installed, run the tests with scripts/test");
}

/// `aws connect <operation> <args>` against `endpoint`: the JSON it printed, or its stderr.
fn aws(endpoint: &str, operation: &str, args: &[&str]) -> Result<Value, String> {
    let (ok, stdout, stderr) = aws_connect(endpoint, (KEY_ID, SECRET), &[&[operation][..], args].concat());
    match ok {
        true if stdout.is_empty() => Ok(Value::Null),
        true => Ok(serde_json::from_str(&stdout).unwrap()),
        false => Err(stderr),
    }
}

#[tokio::test]
async fn aws_cli() {
    let server = TestServer::start().await;
    let endpoint = server.url.clone();
    let cli = move |operation: &'static str, args: Vec<String>| {
        let endpoint = endpoint.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                aws(&endpoint, operation, &args.iter().map(String::as_str).collect::<Vec<_>>())
            })
            .await
            .unwrap()
        }
    };
    let args = |extra: &[&str]| -> Vec<String> {
        ["--instance-id", "inst-1", "--associated-resource-arn", CASE_ARN]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    let bytes = b"hello from the AWS CLI\n".to_vec();
    let size = bytes.len().to_string();
    let started = cli(
        "start-attached-file-upload",
        args(&["--file-name", "hello.txt", "--file-size-in-bytes", &size, "--file-use-case-type", "ATTACHMENT"]),
    )
    .await
    .unwrap();
    let file_id = started["FileId"].as_str().unwrap().to_owned();
    let upload = &started["UploadUrlMetadata"];
    assert_eq!(upload["HeadersToInclude"], serde_json::json!({ "Content-Length": size }));
    assert_eq!(put(upload["Url"].as_str().unwrap(), &[("Content-Length", &size)], bytes.clone()).await, 200);
    cli("complete-attached-file-upload", args(&["--file-id", &file_id])).await.unwrap();
    let got = cli("get-attached-file", args(&["--file-id", &file_id])).await.unwrap();
    assert_eq!(got["FileStatus"], FileStatus::Approved.as_str());
    assert!(download(got["DownloadUrlMetadata"]["Url"].as_str().unwrap()).await == bytes);
    let batch = cli("batch-get-attached-file-metadata", args(&["--file-ids", &file_id, "nope"])).await.unwrap();
    assert_eq!(batch["Files"][0]["FileId"], file_id.as_str());
    assert_eq!(batch["Errors"][0]["ErrorCode"], "404");
    cli("delete-attached-file", args(&["--file-id", &file_id])).await.unwrap();
    let gone = cli("get-attached-file", args(&["--file-id", &file_id])).await.unwrap_err();
    assert!(gone.contains("(ResourceNotFoundException)"), "{gone}");
}

#[tokio::test]
async fn throttling_and_internal_errors_reach_every_operation() {
    let server = TestServer::start_with(Limits { max_concurrent_requests: 1, ..LIMITS }).await;
    let file = server.ingest("inst-1", "a.txt", b"hello", FileStatus::Approved).await;
    let client = connect_client(&server.url);
    let id = file.file_id.as_str();
    let start = || {
        let call = client.start_attached_file_upload().instance_id("inst-1").associated_resource_arn(CASE_ARN);
        call.file_name("b.txt").file_size_in_bytes(1).file_use_case_type(FileUseCaseType::Attachment)
    };
    let complete = || client.complete_attached_file_upload().instance_id("inst-1").file_id(id);
    let get = || client.get_attached_file().instance_id("inst-1").file_id(id).associated_resource_arn(CASE_ARN);
    let batch = || client.batch_get_attached_file_metadata().instance_id("inst-1").file_ids(id);
    let delete = || client.delete_attached_file().instance_id("inst-1").file_id(id);

    // One held call takes the only permit: each operation is throttled at once.
    let held = server.hold();
    let before = server.lookups();
    let holder = tokio::spawn(get().send());
    eventually("a call holds the only permit", || server.lookups() > before).await;
    let throttled = [
        start().send().await.err().and_then(|e| e.code().map(str::to_owned)),
        complete().associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned)),
        get().send().await.err().and_then(|e| e.code().map(str::to_owned)),
        batch().associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned)),
        delete().associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned)),
    ];
    assert_eq!(throttled, [(); 5].map(|()| Some("ThrottlingException".to_owned())));
    drop(held);
    holder.await.unwrap().unwrap();

    // A damaged record: the operations on it fail without telling why; BatchGet reports it alone.
    server.corrupt(id).await;
    let internal = [
        complete().associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned)),
        get().send().await.err().and_then(|e| e.code().map(str::to_owned)),
        delete().associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned)),
    ];
    assert_eq!(internal, [(); 3].map(|()| Some("InternalServiceException".to_owned())));
    let batch = batch().associated_resource_arn(CASE_ARN).send().await.unwrap();
    let errors: Vec<_> = batch.errors().iter().map(|e| (e.file_id(), e.error_code())).collect();
    assert_eq!((batch.files().len(), errors), (0, vec![(Some(id), Some("500"))]));

    // A metadata store that cannot write: Start and Complete fail without telling why.
    let other = server.ingest("inst-1", "c.txt", b"hello", FileStatus::Approved).await;
    server.break_writes();
    let failed = start().send().await.err().and_then(|e| e.code().map(str::to_owned));
    assert_eq!(failed.as_deref(), Some("InternalServiceException"));
    let uploading = client.complete_attached_file_upload().instance_id("inst-1").file_id(&other.file_id);
    let completed = uploading.associated_resource_arn(CASE_ARN).send().await;
    assert!(completed.is_ok(), "a completed file needs no write to be completed again");
    let failed = client.delete_attached_file().instance_id("inst-1").file_id(&other.file_id);
    let failed = failed.associated_resource_arn(CASE_ARN).send().await.err().and_then(|e| e.code().map(str::to_owned));
    assert_eq!(failed.as_deref(), Some("InternalServiceException"));
}
