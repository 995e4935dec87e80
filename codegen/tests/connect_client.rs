//! The generated client of model/ against the generated server over loopback: inputs and every
//! output member round-trip, modeled errors arrive as their variants, throttling and 500 answers
//! are retried, timeouts hold, unknown enum and union values are kept, and requests are signed
//! with SigV4 exactly as botocore signs them (unsigned without credentials).

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use attached_files_client::config::interceptors::BeforeTransmitInterceptorContextRef;
use attached_files_client::config::retry::RetryConfig;
use attached_files_client::config::timeout::TimeoutConfig;
use attached_files_client::config::{ConfigBag, Credentials, Intercept, Region, RuntimeComponents, TimeSource};
use attached_files_client::error::{BoxError, ProvideErrorMetadata, SdkError};
use attached_files_client::operation::get_attached_file::{GetAttachedFileError, GetAttachedFileOutput};
use attached_files_client::types::{
    AttachedFileInvalidRequestExceptionReason, ContentDisposition, CreatedByInfo, FileStatusType, FileUseCaseType,
    InvalidRequestExceptionReason,
};
use attached_files_client::{Client, Config};
use attached_files_server_sdk as sdk;
use sdk::server::Extension;

const ARN: &str = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1";

// --- The server: the generated server SDK with a handler that answers by file id ----------------

/// The inputs the handler received, in order.
#[derive(Default)]
struct Seen(Mutex<Vec<sdk::input::GetAttachedFileInput>>);

impl Seen {
    /// How many calls reached the handler for this file id.
    fn calls(&self, file_id: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|input| input.file_id().as_str() == file_id).count()
    }
}

/// Every member of the output set, from the server's types.
fn full_output(file_id: &str) -> sdk::output::GetAttachedFileOutput {
    let tag = |key: &str, value: &str| {
        (
            sdk::model::TagKey::try_from(key.to_owned()).unwrap(),
            sdk::model::TagValue::try_from(value.to_owned()).unwrap(),
        )
    };
    let tags = sdk::model::TagMap::try_from(HashMap::from([tag("team", "blue"), tag("ünï cödé", "")])).unwrap();
    let url = "https://files.example.com/o?X-Amz-Signature=abc&x=1%2F2".to_owned();
    sdk::output::GetAttachedFileOutput::builder()
        .file_arn(Some(format!("arn:aws:connect:us-east-1:111122223333:instance/i-1/file/{file_id}")))
        .file_id(Some(sdk::model::FileId::try_from(file_id.to_owned()).unwrap()))
        .creation_time(Some("2024-05-03T02:41:28.172Z".to_owned()))
        .file_status(Some(sdk::model::FileStatusType::Approved))
        .file_name(Some(sdk::model::FileName::try_from("report \"Q1\".pdf".to_owned()).unwrap()))
        .file_size_in_bytes(sdk::model::FileSizeInBytes::try_from(9_007_199_254_740_993).unwrap())
        .associated_resource_arn(Some(ARN.to_owned()))
        .file_use_case_type(Some(sdk::model::FileUseCaseType::Attachment))
        .created_by(Some(sdk::model::CreatedByInfo::ConnectUserArn("arn:aws:connect:user/u-1".to_owned())))
        .download_url_metadata(Some(
            sdk::model::DownloadUrlMetadata::builder()
                .url(Some(sdk::model::MetadataUrl::try_from(url).unwrap()))
                .url_expiry(Some("2024-05-03T02:46:28.172Z".to_owned()))
                .build(),
        ))
        .tags(Some(tags))
        .build()
        .unwrap()
}

async fn get_attached_file(
    input: sdk::input::GetAttachedFileInput,
    Extension(seen): Extension<Arc<Seen>>,
) -> Result<sdk::output::GetAttachedFileOutput, sdk::error::GetAttachedFileError> {
    let file_id = input.file_id().as_str().to_owned();
    seen.0.lock().unwrap().push(input);
    let calls = seen.calls(&file_id);
    let message = Some(format!("about {file_id}"));
    match file_id.as_str() {
        "missing" => Err(sdk::error::ResourceNotFoundException::builder().message(message).build().into()),
        "denied" => Err(sdk::error::AccessDeniedException::builder().message(message).build().into()),
        "broken" => Err(sdk::error::InternalServiceException::builder().message(message).build().into()),
        "throttled" => Err(sdk::error::ThrottlingException::builder().message(message).build().into()),
        "too-big" => Err(sdk::error::InvalidRequestException::builder()
            .message(message)
            .reason(Some(sdk::model::InvalidRequestExceptionReason::AttachedFileInvalidRequestExceptionReason(
                sdk::model::AttachedFileInvalidRequestExceptionReason::InvalidFileSize,
            )))
            .build()
            .into()),
        "throttled-twice" if calls <= 2 => {
            Err(sdk::error::ThrottlingException::builder().message(message).build().into())
        }
        "broken-twice" if calls <= 2 => {
            Err(sdk::error::InternalServiceException::builder().message(message).build().into())
        }
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(full_output(&file_id))
        }
        "by-identity" => Ok(sdk::output::GetAttachedFileOutput::builder()
            .file_size_in_bytes(sdk::model::FileSizeInBytes::try_from(1).unwrap())
            .created_by(Some(sdk::model::CreatedByInfo::AwsIdentityArn("arn:aws:iam::111122223333:role/r".to_owned())))
            .build()
            .unwrap()),
        _ => Ok(full_output(&file_id)),
    }
}

struct Server {
    endpoint: String,
    seen: Arc<Seen>,
}

impl Server {
    async fn start() -> Server {
        let seen = Arc::new(Seen::default());
        let config =
            sdk::AmazonConnectServiceConfig::builder().layer(sdk::server::AddExtensionLayer::new(seen.clone())).build();
        // The other operations are not served here: they answer 500, as smithy-rs's unchecked build does.
        let app = sdk::AmazonConnectService::builder(config).get_attached_file(get_attached_file).build_unchecked();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { sdk::serve(listener, app.into_make_service()).await.unwrap() });
        Server { endpoint, seen }
    }

    /// A client of this server, unsigned, with `recorder` seeing every attempt.
    fn client(&self, recorder: &Recorder) -> Client {
        self.client_with(recorder, Config::builder())
    }

    fn client_with(&self, recorder: &Recorder, builder: attached_files_client::config::Builder) -> Client {
        let config =
            builder.endpoint_url(&self.endpoint).behavior_version_latest().interceptor(recorder.clone()).build();
        Client::from_conf(config)
    }
}

// --- What the client sent: an interceptor sees each attempt's final (signed) request -----------

#[derive(Debug, Clone)]
struct Sent {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Records every request the client transmits (one per attempt).
#[derive(Debug, Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Sent>>>);

impl Recorder {
    fn sent(&self) -> Vec<Sent> {
        self.0.lock().unwrap().clone()
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "Recorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let headers = request.headers().iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect();
        let sent = Sent { method: request.method().to_owned(), uri: request.uri().to_owned(), headers };
        self.0.lock().unwrap().push(sent);
        Ok(())
    }
}

fn service_error(error: SdkError<GetAttachedFileError>) -> GetAttachedFileError {
    match error {
        SdkError::ServiceError(context) => context.into_err(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

// --- Round trips --------------------------------------------------------------------------------

#[tokio::test]
async fn every_input_member_reaches_the_server_exactly() {
    let server = Server::start().await;
    let recorder = Recorder::default();
    let client = server.client(&recorder);
    let file_id = "file/1 x?&=+%é";
    client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id(file_id)
        .associated_resource_arn(ARN)
        .url_expiry_in_seconds(60)
        .url_content_disposition(ContentDisposition::Inline)
        .send()
        .await
        .unwrap();
    let input = server.seen.0.lock().unwrap().last().cloned().unwrap();
    assert_eq!(input.instance_id().as_str(), "inst-1");
    assert_eq!(input.file_id().as_str(), file_id);
    assert_eq!(input.associated_resource_arn(), ARN);
    assert_eq!(input.url_expiry_in_seconds().map(|e| *e.inner()), Some(60));
    assert_eq!(input.url_content_disposition(), Some(&sdk::model::ContentDisposition::Inline));
    let sent = &recorder.sent()[0];
    assert_eq!(sent.method, "GET");
    assert!(sent.uri.starts_with(&format!("{}/attached-files/inst-1/file%2F1%20x", server.endpoint)), "{}", sent.uri);
    assert_eq!(sent.header("content-type"), None, "a GET without a body has no Content-Type");

    // Optional members left out stay out.
    client.get_attached_file().instance_id("i").file_id("f").associated_resource_arn(ARN).send().await.unwrap();
    let input = server.seen.0.lock().unwrap().last().cloned().unwrap();
    assert_eq!((input.url_expiry_in_seconds(), input.url_content_disposition()), (None, None));
}

#[tokio::test]
async fn every_output_member_round_trips() {
    let server = Server::start().await;
    let client = server.client(&Recorder::default());
    let output = client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("file-1")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap();
    assert_eq!(output.file_arn(), Some("arn:aws:connect:us-east-1:111122223333:instance/i-1/file/file-1"));
    assert_eq!(output.file_id(), Some("file-1"));
    assert_eq!(output.creation_time(), Some("2024-05-03T02:41:28.172Z"));
    assert_eq!(output.file_status(), Some(&FileStatusType::Approved));
    assert_eq!(output.file_name(), Some("report \"Q1\".pdf"));
    assert_eq!(output.file_size_in_bytes(), 9_007_199_254_740_993, "a long beyond f64's exact integers");
    assert_eq!(output.associated_resource_arn(), Some(ARN));
    assert_eq!(output.file_use_case_type(), Some(&FileUseCaseType::Attachment));
    assert_eq!(output.created_by(), Some(&CreatedByInfo::ConnectUserArn("arn:aws:connect:user/u-1".to_owned())));
    let url = output.download_url_metadata().expect("DownloadUrlMetadata is present");
    assert_eq!(url.url(), Some("https://files.example.com/o?X-Amz-Signature=abc&x=1%2F2"));
    assert_eq!(url.url_expiry(), Some("2024-05-03T02:46:28.172Z"));
    let tags = output.tags().expect("Tags are present");
    assert_eq!(tags, &HashMap::from([("team".to_owned(), "blue".to_owned()), ("ünï cödé".to_owned(), String::new())]));

    // The other CreatedBy variant; DownloadUrlMetadata, Tags and the rest absent.
    let output = client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("by-identity")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        output,
        GetAttachedFileOutput::builder()
            .file_size_in_bytes(1)
            .created_by(CreatedByInfo::AwsIdentityArn("arn:aws:iam::111122223333:role/r".to_owned()))
            .build()
            .unwrap()
    );
    assert!(output.download_url_metadata().is_none() && output.tags().is_none());
}

// --- Errors -------------------------------------------------------------------------------------

#[tokio::test]
async fn every_modeled_error_arrives_as_its_variant_with_its_message() {
    let server = Server::start().await;
    let client = server.client_with(&Recorder::default(), Config::builder().retry_config(RetryConfig::disabled()));
    for file_id in ["missing", "denied", "broken", "throttled", "too-big"] {
        let error = client
            .get_attached_file()
            .instance_id("inst-1")
            .file_id(file_id)
            .associated_resource_arn(ARN)
            .send()
            .await
            .unwrap_err();
        let error = service_error(error);
        let message = format!("about {file_id}");
        match (file_id, &error) {
            ("missing", GetAttachedFileError::ResourceNotFoundException(e)) => assert_eq!(e.message(), Some(&*message)),
            ("denied", GetAttachedFileError::AccessDeniedException(e)) => assert_eq!(e.message(), Some(&*message)),
            ("broken", GetAttachedFileError::InternalServiceException(e)) => assert_eq!(e.message(), Some(&*message)),
            ("throttled", GetAttachedFileError::ThrottlingException(e)) => assert_eq!(e.message(), Some(&*message)),
            ("too-big", GetAttachedFileError::InvalidRequestException(e)) => {
                assert_eq!(e.message(), Some(&*message));
                assert_eq!(
                    e.reason(),
                    Some(&InvalidRequestExceptionReason::AttachedFileInvalidRequestExceptionReason(
                        AttachedFileInvalidRequestExceptionReason::InvalidFileSize
                    ))
                );
            }
            _ => panic!("{file_id}: unexpected error {error:?}"),
        }
        assert_eq!(error.message(), Some(&*message), "ProvideErrorMetadata::message");
        let code = error.code().unwrap();
        assert_eq!(error.to_string(), format!("{code}: {message}"));
    }
}

#[tokio::test]
async fn a_constraint_violation_arrives_as_invalid_request_exception() {
    let server = Server::start().await;
    let client = server.client(&Recorder::default());
    let error = client
        .get_attached_file()
        .instance_id("i".repeat(101))
        .file_id("file-1")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap_err();
    let GetAttachedFileError::InvalidRequestException(error) = service_error(error) else {
        panic!("not an InvalidRequestException")
    };
    assert_eq!(
        error.message(),
        Some(
            "1 validation error detected. Value with length 101 at '/InstanceId' failed to satisfy constraint: \
             Member must have length between 1 and 100, inclusive"
        )
    );
    assert_eq!(error.reason(), None);
    assert_eq!(server.seen.calls("file-1"), 0);
}

#[tokio::test]
async fn an_enum_value_the_model_does_not_define_is_sent_as_is() {
    let server = Server::start().await;
    let client = server.client(&Recorder::default());
    let error = client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("file-1")
        .associated_resource_arn(ARN)
        .url_content_disposition(ContentDisposition::from("SIDEWAYS"))
        .send()
        .await
        .unwrap_err();
    let error = service_error(error);
    assert!(error.is_invalid_request_exception(), "{error:?}");
    assert_eq!(
        error.message(),
        Some(
            "1 validation error detected. Value at '/UrlContentDisposition' failed to satisfy constraint: \
             Member must satisfy enum value set: [ATTACHMENT, INLINE]"
        )
    );
}

#[tokio::test]
async fn a_missing_label_fails_before_sending() {
    let server = Server::start().await;
    let recorder = Recorder::default();
    let client = server.client(&recorder);
    let error = client.get_attached_file().instance_id("").file_id("f").associated_resource_arn(ARN).send().await;
    assert!(matches!(error, Err(SdkError::ConstructionFailure(_))), "{error:?}");
    assert!(recorder.sent().is_empty());
}

// --- Retries and timeouts -----------------------------------------------------------------------

#[tokio::test]
async fn throttling_and_server_errors_are_retried_to_success() {
    let server = Server::start().await;
    for file_id in ["throttled-twice", "broken-twice"] {
        let recorder = Recorder::default();
        let client = server.client(&recorder);
        let output = client
            .get_attached_file()
            .instance_id("inst-1")
            .file_id(file_id)
            .associated_resource_arn(ARN)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{file_id}: {e:?}"));
        assert_eq!(output.file_id(), Some(file_id));
        assert_eq!(recorder.sent().len(), 3, "{file_id}: the client's attempts");
        assert_eq!(server.seen.calls(file_id), 3, "{file_id}: the server's calls");
    }
}

#[tokio::test]
async fn client_errors_are_not_retried_and_retries_stop_at_max_attempts() {
    let server = Server::start().await;
    let recorder = Recorder::default();
    let client = server.client(&recorder);
    let call = |file_id: &'static str| {
        client.get_attached_file().instance_id("inst-1").file_id(file_id).associated_resource_arn(ARN).send()
    };
    assert!(call("missing").await.is_err());
    assert_eq!(recorder.sent().len(), 1, "a 404 is not retried");
    assert!(call("broken").await.is_err());
    assert_eq!(recorder.sent().len(), 1 + 3, "a 500 is retried up to the default 3 attempts");

    let recorder = Recorder::default();
    let client =
        server.client_with(&recorder, Config::builder().retry_config(RetryConfig::standard().with_max_attempts(5)));
    let error =
        client.get_attached_file().instance_id("i").file_id("throttled").associated_resource_arn(ARN).send().await;
    assert!(service_error(error.unwrap_err()).is_throttling_exception());
    assert_eq!(recorder.sent().len(), 5, "max_attempts from the config");
}

#[tokio::test]
async fn a_slow_answer_hits_the_configured_timeout() {
    let server = Server::start().await;
    let timeouts = TimeoutConfig::builder().operation_timeout(Duration::from_millis(300)).build();
    let client = server.client_with(&Recorder::default(), Config::builder().timeout_config(timeouts));
    let started = Instant::now();
    let error = client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("slow")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3), "{elapsed:?}");
}

// --- A newer server -----------------------------------------------------------------------------

/// A server that answers every request with `status` and this JSON `body`.
async fn canned(status: u16, error_type: Option<&'static str>, body: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buffer).await.unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
            }
            let error_type = error_type.map(|t| format!("x-amzn-errortype: {t}\r\n")).unwrap_or_default();
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{error_type}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).await.unwrap();
        }
    });
    endpoint
}

#[tokio::test]
async fn values_the_client_does_not_know_are_kept() {
    let endpoint = canned(
        200,
        None,
        r#"{"FileStatus":"DRAFTING","FileUseCaseType":"EMAIL_MESSAGE","CreatedBy":{"SomeNewMember":"x"},"NewMember":[1,{"a":null}]}"#,
    )
    .await;
    let client = Client::from_conf(Config::builder().endpoint_url(endpoint).behavior_version_latest().build());
    let output =
        client.get_attached_file().instance_id("i").file_id("f").associated_resource_arn(ARN).send().await.unwrap();
    let status = output.file_status().unwrap();
    assert_eq!(status.as_str(), "DRAFTING");
    assert!(!FileStatusType::values().contains(&status.as_str()));
    assert!(FileStatusType::try_parse("DRAFTING").is_err());
    assert_eq!(output.file_use_case_type().map(|t| t.as_str()), Some("EMAIL_MESSAGE"));
    assert!(output.created_by().unwrap().is_unknown());
    assert_eq!(output.file_size_in_bytes(), 0, "a required member the answer left out reads as 0");
}

#[tokio::test]
async fn an_unmodeled_error_code_is_unhandled_with_its_code_and_message() {
    let endpoint =
        canned(503, Some("ServiceUnavailableException:http://internal.amazon.com/"), r#"{"message":"try later"}"#)
            .await;
    let config =
        Config::builder().endpoint_url(endpoint).behavior_version_latest().retry_config(RetryConfig::disabled());
    let client = Client::from_conf(config.build());
    let error = client.get_attached_file().instance_id("i").file_id("f").associated_resource_arn(ARN).send().await;
    let error = service_error(error.unwrap_err());
    assert_eq!((error.code(), error.message()), (Some("ServiceUnavailableException"), Some("try later")));
    assert_eq!(error.to_string(), "unhandled error (ServiceUnavailableException)");
}

// --- SigV4 --------------------------------------------------------------------------------------

/// A clock stopped at one instant.
#[derive(Debug)]
struct Stopped(SystemTime);

impl TimeSource for Stopped {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// 2024-05-03T02:41:28Z.
const SIGNING_TIME: u64 = 1_714_704_088;

#[tokio::test]
async fn requests_are_signed_as_botocore_signs_them() {
    let server = Server::start().await;
    let recorder = Recorder::default();
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token/with+special=chars".to_owned()),
        None,
        "test",
    );
    let config = Config::builder()
        .region(Region::new("eu-west-2"))
        .credentials_provider(credentials)
        .time_source(Stopped(SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNING_TIME)));
    let client = server.client_with(&recorder, config);
    client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("file-1")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap();
    client
        .get_attached_file()
        .instance_id("inst 2")
        .file_id("a/b c~é%")
        .associated_resource_arn(ARN)
        .url_expiry_in_seconds(60)
        .url_content_disposition(ContentDisposition::Attachment)
        .send()
        .await
        .unwrap();
    // A throttled attempt and its retry: each attempt is signed.
    client
        .get_attached_file()
        .instance_id("inst-1")
        .file_id("throttled-twice")
        .associated_resource_arn(ARN)
        .send()
        .await
        .unwrap();
    let sent = recorder.sent();
    assert_eq!(sent.len(), 5);
    let expected = botocore_authorizations(&sent, "eu-west-2");
    for (request, expected) in sent.iter().zip(&expected) {
        let authorization = request.header("authorization").expect("the request is signed");
        assert!(
            authorization
                .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240503/eu-west-2/connect/aws4_request")
        );
        assert_eq!(request.header("x-amz-date"), Some("20240503T024128Z"));
        assert_eq!(request.header("x-amz-security-token"), Some("session-token/with+special=chars"));
        assert_eq!(authorization, expected, "{} {}", request.method, request.uri);
    }
}

/// The `Authorization` header botocore's `SigV4Auth` computes for each request (given without
/// its signature headers), with the same credentials, region, service and time.
fn botocore_authorizations(requests: &[Sent], region: &str) -> Vec<String> {
    const SCRIPT: &str = r#"
import datetime, json, sys
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

job = json.load(sys.stdin)
now = datetime.datetime.fromtimestamp(job["time"], datetime.timezone.utc).replace(tzinfo=None)
botocore.auth.get_current_datetime = lambda: now
credentials = Credentials(job["access_key"], job["secret_key"], job["token"])
signed = []
for r in job["requests"]:
    skip = ("authorization", "x-amz-date", "x-amz-security-token")
    headers = [(k, v) for k, v in r["headers"] if k.lower() not in skip]
    request = AWSRequest(method=r["method"], url=r["uri"], headers=dict(headers), data=b"")
    botocore.auth.SigV4Auth(credentials, job["service"], job["region"]).add_auth(request)
    signed.append(request.headers["Authorization"])
json.dump(signed, sys.stdout)
"#;
    let job = serde_json::json!({
        "time": SIGNING_TIME,
        "access_key": "AKIDEXAMPLE",
        "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "token": "session-token/with+special=chars",
        "service": "connect",
        "region": region,
        "requests": requests
            .iter()
            .map(|r| serde_json::json!({ "method": r.method, "uri": r.uri, "headers": r.headers }))
            .collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is on PATH");
    child.stdin.take().unwrap().write_all(job.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "botocore failed (run the tests with scripts/test, which installs it into .venv): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn without_credentials_requests_are_unsigned() {
    let server = Server::start().await;
    let recorder = Recorder::default();
    let client = server.client_with(&recorder, Config::builder().region(Region::new("us-east-1")));
    client.get_attached_file().instance_id("i").file_id("f").associated_resource_arn(ARN).send().await.unwrap();
    let sent = &recorder.sent()[0];
    assert_eq!((sent.header("authorization"), sent.header("x-amz-date")), (None, None));
}

/// `aws_config::load_defaults` reads the standard variables (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL`), and `Client::new` takes them. The
/// variables are set on a child process of this test binary, which runs
/// [`client_from_environment`]: the test process's own environment is left alone.
#[tokio::test(flavor = "multi_thread")]
async fn the_standard_aws_environment_variables_configure_and_sign() {
    let server = Server::start().await;
    let output = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "client_from_environment", "--ignored", "--nocapture"])
        .env("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
        .env("AWS_SECRET_ACCESS_KEY", "secret-from-env")
        .env("AWS_REGION", "ap-south-1")
        .env("AWS_ENDPOINT_URL", &server.endpoint)
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        stdout.contains("signed: AWS4-HMAC-SHA256 Credential=AKIDFROMENV/20"),
        "the child did not sign with the variables' key: {stdout}"
    );
    assert!(stdout.contains("/ap-south-1/connect/aws4_request"), "{stdout}");
    assert_eq!(server.seen.calls("from-env"), 1);
}

#[tokio::test]
#[ignore = "run by the_standard_aws_environment_variables_configure_and_sign, with the variables set"]
async fn client_from_environment() {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        println!("skipped: run by the_standard_aws_environment_variables_configure_and_sign");
        return;
    }
    let sdk_config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let recorder = Recorder::default();
    let config = attached_files_client::config::Builder::from(&sdk_config).interceptor(recorder.clone()).build();
    let client = Client::from_conf(config);
    client.get_attached_file().instance_id("i").file_id("from-env").associated_resource_arn(ARN).send().await.unwrap();
    println!("signed: {}", recorder.sent()[0].header("authorization").unwrap_or("no"));
}
