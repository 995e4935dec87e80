//! Only signed callers, and only on their instances: every official client with a valid key gets
//! its answer, and each refusal (unsigned, unknown key, wrong secret, outside the clock window,
//! an altered signed header, query byte or body byte, another instance or operation) arrives as
//! the client's usual error. The in-process server verifies with the generated SDK's SigV4 plugin
//! and the key file of its data directory, as `serve` does.

mod common;

use std::process::Command;
use std::time::{Duration, SystemTime};

use attached_files::FileStatus;
use attached_files_server::access::{ANY, AccessKey, KeyFile};
use aws_sdk_connect::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_connect::config::{BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_connect::error::{BoxError, ProvideErrorMetadata};
use aws_sdk_connect::types::FileUseCaseType;
use aws_smithy_runtime_api::http::Request as HttpRequest;
use common::*;

/// A key for inst-1 only.
const INST_1_KEY: &str = "AKIDINSTONE";
const INST_1_SECRET: &str = "inst-one-secret";

async fn server_with_a_file() -> (TestServer, String) {
    let server = TestServer::start().await;
    server.add_key(key(INST_1_KEY, INST_1_SECRET, &["inst-1"], &[ANY])).await;
    let file = server.ingest("inst-1", "a.txt", b"signed callers only", FileStatus::Approved).await;
    (server, file.file_id)
}

fn key(id: &str, secret: &str, instances: &[&str], operations: &[&str]) -> AccessKey {
    AccessKey {
        access_key_id: id.into(),
        secret_access_key: secret.into(),
        instances: instances.iter().map(|s| s.to_string()).collect(),
        operations: operations.iter().map(|s| s.to_string()).collect(),
        identity_arn: None,
    }
}

/// aws-sdk-connect for `endpoint`, signing with `key` (or not signing), with its clock at `now`
/// plus `skew`, and no retries.
fn sdk(endpoint: &str, key: Option<(&str, &str)>, skew: Option<Duration>, ahead: bool) -> aws_sdk_connect::Client {
    let mut config = aws_sdk_connect::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_connect::config::retry::RetryConfig::disabled());
    config = match key {
        Some((id, secret)) => config.credentials_provider(Credentials::new(id, secret, None, None, "test")),
        None => config.allow_no_auth(),
    };
    if let Some(skew) = skew {
        let now = SystemTime::now();
        let then = if ahead { now + skew } else { now - skew };
        config = config.time_source(aws_smithy_async::time::StaticTimeSource::new(then));
    }
    aws_sdk_connect::Client::from_conf(config.build())
}

/// Changes the request after aws-sdk-connect has signed it.
#[derive(Debug)]
struct AfterSigning(fn(&mut HttpRequest));

impl Intercept for AfterSigning {
    fn name(&self) -> &'static str {
        "AfterSigning"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let signed = request.headers().get("authorization").expect("the request is signed").to_owned();
        (self.0)(request);
        assert_eq!(request.headers().get("authorization"), Some(signed.as_str()), "the signature is kept");
        Ok(())
    }
}

/// The code of a refused call, checking that it is a 403.
fn refused<E: ProvideErrorMetadata + std::fmt::Debug>(
    result: Result<impl std::fmt::Debug, aws_sdk_connect::error::SdkError<E, aws_smithy_runtime_api::http::Response>>,
) -> String {
    let error = result.expect_err("the call is refused");
    let status = error.raw_response().map(|r| r.status().as_u16());
    assert_eq!(status, Some(403), "{error:?}");
    error.code().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn aws_sdk_connect_gets_aws_refusals() {
    let (server, file_id) = server_with_a_file().await;
    let url = &server.url;
    let get = |client: &aws_sdk_connect::Client| {
        client.get_attached_file().instance_id("inst-1").file_id(&file_id).associated_resource_arn(CASE_ARN)
    };
    let valid = sdk(url, Some((INST_1_KEY, INST_1_SECRET)), None, false);
    assert_eq!(get(&valid).send().await.unwrap().file_id(), Some(file_id.as_str()));

    assert_eq!(refused(get(&sdk(url, None, None, false)).send().await), "MissingAuthenticationTokenException");
    let unknown = sdk(url, Some(("AKIDUNKNOWN", INST_1_SECRET)), None, false);
    assert_eq!(refused(get(&unknown).send().await), "UnrecognizedClientException");
    let wrong = sdk(url, Some((INST_1_KEY, "inst-one-secreT")), None, false);
    assert_eq!(refused(get(&wrong).send().await), "InvalidSignatureException");

    // The clock window: 15 minutes either way. (Each client is used once: after a refusal, the SDK
    // corrects its clock by the answer's Date, as it would against AWS.)
    let minutes = |n: u64| Some(Duration::from_secs(n * 60));
    let late = sdk(url, Some((INST_1_KEY, INST_1_SECRET)), minutes(16), false);
    let early = sdk(url, Some((INST_1_KEY, INST_1_SECRET)), minutes(16), true);
    let slightly = sdk(url, Some((INST_1_KEY, INST_1_SECRET)), minutes(14), false);
    let late = get(&late).send().await.unwrap_err().into_service_error();
    assert_eq!(late.code(), Some("InvalidSignatureException"));
    assert!(late.message().unwrap().starts_with("Signature expired"), "{late:?}");
    let early = get(&early).send().await.unwrap_err().into_service_error();
    assert_eq!(early.code(), Some("InvalidSignatureException"));
    assert!(early.message().unwrap().starts_with("Signature not yet current"), "{early:?}");
    get(&slightly).send().await.expect("14 minutes off is within the window");

    // Anything changed after signing: a signed header, a query byte, a body byte.
    let alter = |change: fn(&mut HttpRequest)| get(&valid).customize().interceptor(AfterSigning(change));
    let host = alter(|request| {
        let host = request.headers().get("host").map(|h| h.replace("127.0.0.1", "localhost"));
        let host = host.unwrap_or_else(|| request.uri().split('/').nth(2).unwrap().replace("127.0.0.1", "localhost"));
        request.headers_mut().insert("host", host);
    });
    assert_eq!(refused(host.send().await), "InvalidSignatureException");
    let query = alter(|request| {
        let uri = request.uri().replace("domain%2Fd-1", "domain%2Fd-2");
        request.set_uri(uri).unwrap();
    });
    assert_eq!(refused(query.send().await), "InvalidSignatureException");
    let start = valid
        .start_attached_file_upload()
        .instance_id("inst-1")
        .associated_resource_arn(CASE_ARN)
        .file_name("body.txt")
        .file_size_in_bytes(10)
        .file_use_case_type(FileUseCaseType::Attachment);
    let body = start.clone().customize().interceptor(AfterSigning(|request| {
        let text = String::from_utf8(request.body().bytes().unwrap().to_vec()).unwrap();
        *request.body_mut() = text.replace("body.txt", "body.txu").into();
    }));
    assert_eq!(refused(body.send().await), "InvalidSignatureException");
    start.send().await.expect("the same Start unchanged is accepted");

    // Another instance: the modeled AccessDeniedException, for every operation.
    let inst_2 = |op: &str| format!("{op} on inst-2");
    let denied = get(&valid).instance_id("inst-2").send().await.unwrap_err().into_service_error();
    assert!(denied.is_access_denied_exception(), "{}", inst_2("Get"));
    let start = valid.start_attached_file_upload().instance_id("inst-2").associated_resource_arn(CASE_ARN);
    let start = start.file_name("x.txt").file_size_in_bytes(1).file_use_case_type(FileUseCaseType::Attachment);
    assert!(start.send().await.unwrap_err().into_service_error().is_access_denied_exception(), "{}", inst_2("Start"));
    let complete = valid.complete_attached_file_upload().instance_id("inst-2").file_id(&file_id);
    let complete = complete.associated_resource_arn(CASE_ARN).send().await.unwrap_err().into_service_error();
    assert!(complete.is_access_denied_exception(), "{}", inst_2("Complete"));
    let batch = valid.batch_get_attached_file_metadata().instance_id("inst-2").file_ids(&file_id);
    let batch = batch.associated_resource_arn(CASE_ARN).send().await.unwrap_err().into_service_error();
    assert!(batch.is_access_denied_exception(), "{}", inst_2("BatchGet"));
    let delete = valid.delete_attached_file().instance_id("inst-2").file_id(&file_id);
    let delete = delete.associated_resource_arn(CASE_ARN).send().await.unwrap_err().into_service_error();
    assert!(delete.is_access_denied_exception(), "{}", inst_2("Delete"));
    assert_eq!(denied.meta().code(), Some("AccessDeniedException"));
    assert!(denied.message().unwrap().contains("GetAttachedFile on instance inst-2"), "{denied:?}");
}

#[tokio::test]
async fn a_key_is_limited_to_its_operations_and_ends_when_deleted() {
    let (server, file_id) = server_with_a_file().await;
    server.add_key(key("AKIDREADER", "reader-secret", &[ANY], &["GetAttachedFile"])).await;
    let reader = sdk(&server.url, Some(("AKIDREADER", "reader-secret")), None, false);
    let get = reader.get_attached_file().instance_id("inst-9").file_id(&file_id).associated_resource_arn(CASE_ARN);
    let not_found = get.send().await.unwrap_err().into_service_error();
    assert!(not_found.is_resource_not_found_exception(), "any instance, GetAttachedFile: {not_found:?}");
    let delete = reader.delete_attached_file().instance_id("inst-1").file_id(&file_id);
    let delete = delete.associated_resource_arn(CASE_ARN).send().await.unwrap_err().into_service_error();
    assert!(delete.is_access_denied_exception(), "{delete:?}");

    KeyFile::in_dir(server.dir.path()).remove("AKIDREADER").unwrap();
    server.keys.reload().await.unwrap();
    let get = reader.get_attached_file().instance_id("inst-1").file_id(&file_id).associated_resource_arn(CASE_ARN);
    assert_eq!(refused(get.send().await), "UnrecognizedClientException");
}

#[tokio::test]
async fn the_generated_client_gets_aws_refusals() {
    use attached_files_client::config::{Credentials, Region};
    use attached_files_client::error::ProvideErrorMetadata;
    let (server, file_id) = server_with_a_file().await;
    let client = |key: Option<(&str, &str)>| {
        let mut config = attached_files_client::Config::builder().endpoint_url(&server.url).behavior_version_latest();
        if let Some((id, secret)) = key {
            config = config
                .region(Region::new("us-east-1"))
                .credentials_provider(Credentials::new(id, secret, None, None, "t"));
        }
        attached_files_client::Client::from_conf(config.build())
    };
    let get = |client: &attached_files_client::Client, instance: &str| {
        client.get_attached_file().instance_id(instance).file_id(&file_id).associated_resource_arn(CASE_ARN).send()
    };
    let valid = client(Some((INST_1_KEY, INST_1_SECRET)));
    assert_eq!(get(&valid, "inst-1").await.unwrap().file_id(), Some(file_id.as_str()));
    use attached_files_client::operation::get_attached_file::GetAttachedFileError;
    let code = |error: attached_files_client::error::SdkError<GetAttachedFileError>| error.code().map(str::to_owned);
    let refusals = [
        (get(&client(None), "inst-1").await, "MissingAuthenticationTokenException"),
        (get(&client(Some(("AKIDUNKNOWN", INST_1_SECRET))), "inst-1").await, "UnrecognizedClientException"),
        (get(&client(Some((INST_1_KEY, "x"))), "inst-1").await, "InvalidSignatureException"),
        (get(&valid, "inst-2").await, "AccessDeniedException"),
    ];
    for (result, expected) in refusals {
        assert_eq!(code(result.unwrap_err()).as_deref(), Some(expected));
    }
    assert!(get(&valid, "inst-2").await.unwrap_err().into_service_error().is_access_denied_exception());
}

#[tokio::test]
async fn boto3_gets_aws_refusals_and_its_presigned_urls_work() {
    let (server, file_id) = server_with_a_file().await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/boto3_signatures.py");
    let url = server.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .args([script, &url, INST_1_KEY, INST_1_SECRET, &file_id, CASE_ARN])
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert!(output.status.success(), "{}{}", text(&output.stdout), text(&output.stderr));
}

#[tokio::test]
async fn the_aws_cli_gets_aws_refusals() {
    let (server, file_id) = server_with_a_file().await;
    let url = server.url.clone();
    let outcomes = tokio::task::spawn_blocking(move || {
        let cli = |key: (&str, &str), instance: &str, extra: &[&str]| {
            let file = ["get-attached-file", "--instance-id", instance, "--file-id", &file_id];
            let args = [&file[..], &["--associated-resource-arn", CASE_ARN], extra].concat();
            let (ok, _, stderr) = aws_connect(&url, key, &args);
            (ok, stderr)
        };
        let valid = (INST_1_KEY, INST_1_SECRET);
        [
            (cli(valid, "inst-1", &[]), None),
            (cli(valid, "inst-1", &["--no-sign-request"]), Some("MissingAuthenticationTokenException")),
            (cli(("AKIDUNKNOWN", INST_1_SECRET), "inst-1", &[]), Some("UnrecognizedClientException")),
            (cli((INST_1_KEY, "x"), "inst-1", &[]), Some("InvalidSignatureException")),
            (cli(valid, "inst-2", &[]), Some("AccessDeniedException")),
        ]
    })
    .await
    .unwrap();
    for ((succeeded, stderr), error) in outcomes {
        match error {
            None => assert!(succeeded, "{stderr}"),
            Some(code) => assert!(!succeeded && stderr.contains(&format!("({code})")), "expected {code}: {stderr}"),
        }
    }
}

#[tokio::test]
async fn a_changed_query_byte_or_a_missing_date_is_refused() {
    let (server, file_id) = server_with_a_file().await;
    let path = |query: &str| format!("{}/attached-files/inst-1/{file_id}?{query}", server.url);
    let arn = CASE_ARN.replace(':', "%3A").replace('/', "%2F");
    let http = reqwest::Client::new();
    let signed = |request: reqwest::RequestBuilder, time: SystemTime| {
        let mut request = request.build().unwrap();
        sign(&mut request, INST_1_KEY, INST_1_SECRET, time);
        request
    };
    let status = async |request: reqwest::Request| {
        let response = http.execute(request).await.unwrap();
        let error = response.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_owned());
        (response.status().as_u16(), error)
    };
    let now = SystemTime::now();
    let get = signed(http.get(path(&format!("associatedResourceArn={arn}&urlExpiryInSeconds=60"))), now);
    assert_eq!(status(get).await, (200, None));

    // The same signed request with one query byte changed.
    let mut get = signed(http.get(path(&format!("associatedResourceArn={arn}&urlExpiryInSeconds=60"))), now);
    *get.url_mut() = path(&format!("associatedResourceArn={arn}&urlExpiryInSeconds=61")).parse().unwrap();
    assert_eq!(status(get).await, (403, Some("InvalidSignatureException".into())));

    // A signature without X-Amz-Date among its signed headers, or without a date at all.
    let mut get = signed(http.get(path(&format!("associatedResourceArn={arn}"))), now);
    get.headers_mut().remove("x-amz-date");
    assert_eq!(status(get).await, (403, Some("IncompleteSignatureException".into())));
}
