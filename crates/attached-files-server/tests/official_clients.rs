//! Proves that the official AWS clients use the server with nothing changed but the endpoint URL:
//! aws-sdk-connect (Rust), boto3 (Python) and the AWS CLI get every field as stored, download the
//! exact bytes from the URL, and see each modeled error the handler produces (InvalidRequest,
//! ResourceNotFound, InternalService, Throttling) as their own error types. (AccessDenied and the
//! refused signatures are in `tests/signatures.rs`.)
//!
//! boto3 and the AWS CLI come from PyPI (tests/requirements.txt); `scripts/test` installs them.

mod common;

use std::collections::HashMap;
use std::process::{Command, Stdio};

use attached_files::record::format_iso_millis;
use attached_files::{FileRecord, FileStatus};
use attached_files_server::config::Limits;
use aws_sdk_connect::error::ProvideErrorMetadata;
use aws_sdk_connect::operation::RequestId;
use aws_sdk_connect::operation::get_attached_file::{GetAttachedFileError, GetAttachedFileOutput};
use aws_sdk_connect::types::{CreatedByInfo, FileStatusType, FileUseCaseType};
use common::*;
use serde_json::{Value, json};

const NOT_FOUND: &str = "The attached file was not found";
const INTERNAL: &str = "The service could not handle the request; retry later";
const THROTTLED: &str = "Too many requests in flight; retry later";

/// A server (one call in flight at most, so that one held call throttles the next) with an
/// approved file, a file still being scanned, and a file whose record is damaged.
struct Scenario {
    server: TestServer,
    approved: FileRecord,
    bytes: Vec<u8>,
    processing: FileRecord,
    damaged: FileRecord,
}

impl Scenario {
    async fn new() -> Self {
        let server = TestServer::start_with(Limits { max_concurrent_requests: 1, ..LIMITS }).await;
        let bytes = sample_bytes(200_003);
        let approved = server.ingest("inst-1", "relevé de compte.pdf", &bytes, FileStatus::Approved).await;
        let processing = server.ingest("inst-1", "scan.png", b"not yet", FileStatus::Processing).await;
        let damaged = server.ingest("inst-1", "damaged.txt", b"x", FileStatus::Approved).await;
        server.corrupt(&damaged.file_id).await;
        Scenario { server, approved, bytes, processing, damaged }
    }

    /// Each call that must fail, with its modeled error and text its message contains.
    fn failing_calls(&self) -> Vec<FailingCall> {
        let call = |instance_id: &str, file_id: &str, arn, expiry, error, message| FailingCall {
            instance_id: instance_id.to_owned(),
            file_id: file_id.to_owned(),
            arn,
            expiry,
            error,
            message,
        };
        let (id, damaged) = (self.approved.file_id.as_str(), self.damaged.file_id.as_str());
        let (not_found, invalid) = ("ResourceNotFoundException", "InvalidRequestException");
        vec![
            call("inst-1", "no-such-file", CASE_ARN, None, not_found, NOT_FOUND),
            call("inst-2", id, CASE_ARN, None, not_found, NOT_FOUND),
            call("inst-1", id, OTHER_CASE_ARN, None, not_found, NOT_FOUND),
            call(&"i".repeat(101), id, CASE_ARN, None, invalid, "'/InstanceId'"),
            call("inst-1", id, CASE_ARN, Some(301), invalid, "'/UrlExpiryInSeconds'"),
            call("inst-1", id, "case-1", None, invalid, "must be a valid ARN"),
            call("inst-1", damaged, CASE_ARN, None, "InternalServiceException", INTERNAL),
        ]
    }

    /// Runs `calls` while one call holds the only permit, so that each of them is throttled.
    async fn while_saturated<T>(&self, calls: impl AsyncFnOnce() -> T) -> T {
        let held = self.server.hold();
        let url = format!(
            "{}/attached-files/inst-1/{}?associatedResourceArn={}",
            self.server.url,
            self.approved.file_id,
            CASE_ARN.replace(':', "%3A").replace('/', "%2F")
        );
        let lookups = self.server.lookups();
        let holder = tokio::spawn(send_signed(reqwest::Client::new().get(url)));
        eventually("a call holds the only permit", || self.server.lookups() > lookups).await;
        let result = calls().await;
        drop(held);
        assert_eq!(holder.await.unwrap().unwrap().status(), 200);
        result
    }
}

struct FailingCall {
    instance_id: String,
    file_id: String,
    arn: &'static str,
    expiry: Option<i32>,
    error: &'static str,
    message: &'static str,
}

/// What GetAttachedFile must answer for `record`, with the URL and its expiry left to be checked
/// by downloading and against the URL.
fn expected_fields(record: &FileRecord) -> Value {
    let mut fields = json!({
        "FileArn": record.file_arn,
        "FileId": record.file_id,
        "CreationTime": format_iso_millis(record.creation_time),
        "FileStatus": record.file_status.as_str(),
        "FileName": record.file_name,
        "FileSizeInBytes": record.file_size_in_bytes,
        "AssociatedResourceArn": record.associated_resource_arn,
        "FileUseCaseType": "ATTACHMENT",
        "CreatedBy": { "ConnectUserArn": AGENT_ARN },
        "Tags": record.tags,
    });
    if record.file_status == FileStatus::Approved {
        fields["DownloadUrlMetadata"] = json!({ "Url": "<downloaded>", "UrlExpiry": "<checked against the URL>" });
    }
    fields
}

/// X-Amz-Date plus X-Amz-Expires of a pre-signed URL, as the API writes times.
fn expiry_of(url: &str) -> String {
    let param =
        |name: &str| url.split(['?', '&']).find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap().to_owned();
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let signed = time::PrimitiveDateTime::parse(&param("X-Amz-Date"), format).unwrap().assume_utc();
    format_iso_millis(signed + time::Duration::seconds(param("X-Amz-Expires").parse().unwrap()))
}

async fn download(url: &str) -> Vec<u8> {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.bytes().await.unwrap().to_vec()
}

/// The fields of a Rust SDK answer, in the shape of [`expected_fields`]; checks the URL.
async fn rust_fields(output: &GetAttachedFileOutput, bytes: &[u8]) -> Value {
    assert!(output.request_id().is_some_and(|id| !id.is_empty()), "a request id");
    assert!(matches!(output.file_use_case_type(), Some(FileUseCaseType::Attachment)));
    assert!(matches!(output.created_by(), Some(CreatedByInfo::ConnectUserArn(arn)) if arn == AGENT_ARN));
    let status = match output.file_status() {
        Some(FileStatusType::Approved) => "APPROVED",
        Some(FileStatusType::Processing) => "PROCESSING",
        other => panic!("unexpected status {other:?}"),
    };
    let mut fields = json!({
        "FileArn": output.file_arn(),
        "FileId": output.file_id(),
        "CreationTime": output.creation_time(),
        "FileStatus": status,
        "FileName": output.file_name(),
        "FileSizeInBytes": output.file_size_in_bytes(),
        "AssociatedResourceArn": output.associated_resource_arn(),
        "FileUseCaseType": "ATTACHMENT",
        "CreatedBy": { "ConnectUserArn": AGENT_ARN },
        "Tags": output.tags().cloned().unwrap_or_else(HashMap::new),
    });
    if let Some(download) = output.download_url_metadata() {
        let url = download.url().unwrap();
        assert_eq!(download.url_expiry(), Some(expiry_of(url).as_str()));
        assert!(crate::download(url).await == bytes, "the URL downloads the stored bytes");
        fields["DownloadUrlMetadata"] = json!({ "Url": "<downloaded>", "UrlExpiry": "<checked against the URL>" });
    }
    fields
}

#[tokio::test]
async fn aws_sdk_connect() {
    let scenario = Scenario::new().await;
    let client = connect_client(&scenario.server.url);
    let get = |instance_id: &str, file_id: &str, arn: &str, expiry: Option<i32>| {
        client
            .get_attached_file()
            .instance_id(instance_id)
            .file_id(file_id)
            .associated_resource_arn(arn)
            .set_url_expiry_in_seconds(expiry)
    };

    for (record, bytes) in [(&scenario.approved, &scenario.bytes[..]), (&scenario.processing, &b"not yet"[..])] {
        let output = get("inst-1", &record.file_id, CASE_ARN, Some(60)).send().await.unwrap();
        assert_eq!(rust_fields(&output, bytes).await, expected_fields(record));
    }
    // Without urlExpiryInSeconds the URL lives 300 s.
    let output = get("inst-1", &scenario.approved.file_id, CASE_ARN, None).send().await.unwrap();
    assert!(output.download_url_metadata().unwrap().url().unwrap().contains("X-Amz-Expires=300&"));

    for FailingCall { instance_id, file_id, arn, expiry, error, message } in scenario.failing_calls() {
        let failure = get(&instance_id, &file_id, arn, expiry).send().await.unwrap_err().into_service_error();
        let matched = match &failure {
            GetAttachedFileError::ResourceNotFoundException(_) => "ResourceNotFoundException",
            GetAttachedFileError::InvalidRequestException(_) => "InvalidRequestException",
            GetAttachedFileError::InternalServiceException(_) => "InternalServiceException",
            other => panic!("{instance_id}/{file_id}: unexpected {other:?}"),
        };
        assert_eq!(matched, error, "{instance_id}/{file_id}");
        assert!(failure.message().is_some_and(|m| m.contains(message)), "{failure:?}");
        assert!(failure.meta().request_id().is_some(), "{failure:?}");
    }

    let throttled = scenario
        .while_saturated(async || get("inst-1", &scenario.approved.file_id, CASE_ARN, None).send().await)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(matches!(&throttled, GetAttachedFileError::ThrottlingException(e) if e.message() == Some(THROTTLED)));
}

/// Runs tests/boto3_get_attached_file.py on `calls`.
fn run_boto3(endpoint: &str, calls: Vec<Value>) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3_get_attached_file.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .spawn()
        .unwrap();
    let plan = json!({ "endpoint": endpoint, "calls": calls });
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), plan.to_string().as_bytes()).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "boto3 saw differences (above); if it is not installed, run the tests with scripts/test");
}

fn boto3_params(instance_id: &str, file_id: &str, arn: &str, expiry: Option<i32>) -> Value {
    let mut params = json!({ "InstanceId": instance_id, "FileId": file_id, "AssociatedResourceArn": arn });
    if let Some(expiry) = expiry {
        params["UrlExpiryInSeconds"] = expiry.into();
    }
    params
}

#[tokio::test]
async fn boto3() {
    let scenario = Scenario::new().await;
    let endpoint = scenario.server.url.clone();
    let mut calls = vec![
        json!({
            "params": boto3_params("inst-1", &scenario.approved.file_id, CASE_ARN, Some(60)),
            "expect": { "fields": expected_fields(&scenario.approved), "download": hex(&scenario.bytes) },
        }),
        json!({
            "params": boto3_params("inst-1", &scenario.processing.file_id, CASE_ARN, None),
            "expect": { "fields": expected_fields(&scenario.processing), "download": null },
        }),
    ];
    for FailingCall { instance_id, file_id, arn, expiry, error, message } in scenario.failing_calls() {
        calls.push(json!({
            "params": boto3_params(&instance_id, &file_id, arn, expiry),
            "expect": { "error": error, "message": message },
        }));
    }
    let call = endpoint.clone();
    tokio::task::spawn_blocking(move || run_boto3(&call, calls)).await.unwrap();

    let throttled = vec![json!({
        "params": boto3_params("inst-1", &scenario.approved.file_id, CASE_ARN, None),
        "expect": { "error": "ThrottlingException", "message": THROTTLED },
    })];
    scenario
        .while_saturated(async move || {
            tokio::task::spawn_blocking(move || run_boto3(&endpoint, throttled)).await.unwrap()
        })
        .await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `aws connect get-attached-file` as the README runs it: (exit status, stdout, stderr).
fn run_aws_cli(endpoint: &str, instance_id: &str, file_id: &str) -> (bool, String, String) {
    let file = ["--instance-id", instance_id, "--file-id", file_id, "--associated-resource-arn", CASE_ARN];
    let args = [&["get-attached-file"][..], &file, &["--url-expiry-in-seconds", "60"]].concat();
    aws_connect(endpoint, (KEY_ID, SECRET), &args)
}

#[tokio::test]
async fn aws_cli() {
    let scenario = Scenario::new().await;
    let (url, id) = (scenario.server.url.clone(), scenario.approved.file_id.clone());
    let (ok, stdout, stderr) = tokio::task::spawn_blocking(move || run_aws_cli(&url, "inst-1", &id)).await.unwrap();
    assert!(ok, "{stderr}");
    let mut answer: Value = serde_json::from_str(&stdout).unwrap();
    let url = answer["DownloadUrlMetadata"]["Url"].as_str().unwrap().to_owned();
    assert_eq!(answer["DownloadUrlMetadata"]["UrlExpiry"], expiry_of(&url).as_str());
    assert!(download(&url).await == scenario.bytes, "the URL downloads the stored bytes");
    answer["DownloadUrlMetadata"] = json!({ "Url": "<downloaded>", "UrlExpiry": "<checked against the URL>" });
    assert_eq!(answer, expected_fields(&scenario.approved));

    let url = scenario.server.url.clone();
    let (ok, _, stderr) =
        tokio::task::spawn_blocking(move || run_aws_cli(&url, "inst-1", "no-such-file")).await.unwrap();
    assert!(!ok);
    assert!(stderr.contains("(ResourceNotFoundException)") && stderr.contains(NOT_FOUND), "{stderr}");
}
