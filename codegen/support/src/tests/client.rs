//! The client templates at work: the config, and operations that `runtime::Base` builds from it as
//! a generated `client.rs` does, sent to an HTTP client that records what it is sent and answers
//! as told.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime::client::orchestrator::operation::{Operation, OperationBuilder};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
use aws_smithy_types::retry::{ErrorKind, ProvideErrorKind};

use crate::auth::Scheme;
use crate::config::retry::RetryConfig;
use crate::config::{Credentials, Region, SharedCredentialsProvider};
use crate::error::SdkError;
use crate::{Client, Config};

/// A request as the HTTP client got it.
#[derive(Debug)]
struct Sent {
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Sent {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// The service: answers with `answers` in turn (then 200 with no body), and keeps what it is sent.
#[derive(Clone, Debug, Default)]
struct Service {
    answers: Arc<Mutex<VecDeque<(u16, &'static str)>>>,
    sent: Arc<Mutex<Vec<Sent>>>,
}

impl Service {
    fn answering(answers: &[(u16, &'static str)]) -> Self {
        Service { answers: Arc::new(Mutex::new(answers.iter().copied().collect())), ..Service::default() }
    }

    fn sent(&self) -> Vec<Sent> {
        std::mem::take(&mut self.sent.lock().unwrap())
    }

    /// A config that sends requests to this service.
    fn config(&self) -> crate::config::Builder {
        let service = self.clone();
        Config::builder()
            .endpoint_url("http://localhost:1234")
            .behavior_version_latest()
            .retry_config(RetryConfig::disabled())
            .http_client(http_client_fn(move |_, _| SharedHttpConnector::new(service.clone())))
    }
}

impl HttpConnector for Service {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let headers = request.headers().iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
        let body = request.body().bytes().unwrap_or_default().to_vec();
        self.sent.lock().unwrap().push(Sent { uri: request.uri().to_owned(), headers, body });
        let (status, body) = self.answers.lock().unwrap().pop_front().unwrap_or((200, ""));
        HttpConnectorFuture::ready(Ok(HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body))))
    }
}

/// An operation's input: a label for its host prefix, a body, and a `Content-Encoding`.
#[derive(Debug, Default)]
struct Input {
    label: &'static str,
    body: &'static str,
    encoding: Option<&'static str>,
}

/// The body of a successful answer.
#[derive(Debug, PartialEq)]
struct Output(String);

/// An error answer, read as a generated client reads a JSON one.
#[derive(Debug)]
struct Failure(ErrorMetadata);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {:?}", self.0.code(), self.0.message())
    }
}

impl std::error::Error for Failure {}

impl ProvideErrorMetadata for Failure {
    fn meta(&self) -> &ErrorMetadata {
        &self.0
    }
}

impl ProvideErrorKind for Failure {
    fn retryable_error_kind(&self) -> Option<ErrorKind> {
        None
    }

    fn code(&self) -> Option<&str> {
        self.0.code()
    }
}

fn serialize(input: Input) -> Result<HttpRequest, BoxError> {
    let mut request = http::Request::builder().method("POST").uri("/op");
    if let Some(encoding) = input.encoding {
        request = request.header("content-encoding", encoding);
    }
    Ok(HttpRequest::try_from(request.body(SdkBody::from(input.body))?)?)
}

fn deserialize(response: &HttpResponse) -> Result<Output, OrchestratorError<Failure>> {
    let body = response.body().bytes().unwrap_or_default();
    if response.status().is_success() {
        return Ok(Output(String::from_utf8_lossy(body).into_owned()));
    }
    let (code, message) = crate::protocol_serde::json::error_fields(body).map_err(OrchestratorError::other)?;
    let meta = crate::protocol_serde::client_support::error_metadata(response.headers(), code, message);
    Err(OrchestratorError::operation(Failure(meta)))
}

type Builder = OperationBuilder<Input, Output, Failure>;

/// An operation built as a generated client builds each of its operations; `more` adds to it.
fn operation(
    conf: &Config,
    schemes: &[Scheme],
    more: impl FnOnce(Builder) -> Builder,
) -> Operation<Input, Output, Failure> {
    let builder = crate::runtime::Base::new(conf)
        .operation::<Failure>("Example", "Op", schemes)
        .serializer(serialize)
        .deserializer(deserialize);
    more(builder).build()
}

async fn call(conf: &Config, schemes: &[Scheme], input: Input) -> Result<Output, SdkError<Failure>> {
    operation(conf, schemes, |builder| builder).invoke(input).await
}

fn service_error(error: SdkError<Failure>) -> Failure {
    match error {
        SdkError::ServiceError(error) => error.into_err(),
        error => panic!("a service error: {error:?}"),
    }
}

#[test]
fn the_config_keeps_what_it_is_given() {
    let conf = Config::builder().build();
    assert_eq!(conf.endpoint_url(), None);
    assert_eq!(conf.behavior_version(), None);
    assert!(!conf.disable_request_compression());
    assert_eq!(conf.request_min_compression_size_bytes(), 10_240);

    let conf = Config::builder()
        .endpoint_url("http://127.0.0.1:8080")
        .request_min_compression_size_bytes(u32::MAX)
        .idempotency_token_provider("fixed-token")
        .region(Region::new("eu-west-1"))
        .build();
    assert_eq!(conf.request_min_compression_size_bytes(), 10_485_760);
    assert_eq!(conf.idempotency_token_provider().unwrap().make_idempotency_token(), "fixed-token");
    assert_eq!(conf.region(), Some(&Region::new("eu-west-1")));
    assert_eq!(conf.signing_name(), "example");

    let changed = conf.to_builder().disable_request_compression(true).build();
    assert_eq!(changed.endpoint_url(), Some("http://127.0.0.1:8080"));
    assert!(changed.disable_request_compression());

    let client = Client::from_conf(changed.to_builder().behavior_version_latest().build());
    assert_eq!(client.config().endpoint_url(), Some("http://127.0.0.1:8080"));
}

#[test]
fn a_config_from_an_sdk_config() {
    let credentials = Credentials::new("AKID", "secret", None, None, "test");
    let sdk_config = aws_types::SdkConfig::builder()
        .region(Region::new("us-west-2"))
        .endpoint_url("https://example.com")
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .behavior_version(crate::config::BehaviorVersion::latest())
        .build();
    let client = Client::new(&sdk_config);
    let conf = client.config();
    assert_eq!(conf.region(), Some(&Region::new("us-west-2")));
    assert_eq!(conf.endpoint_url(), Some("https://example.com"));
    assert!(conf.credentials_provider().is_some());
    assert!(conf.behavior_version().is_some());
}

#[test]
#[should_panic(expected = "A behavior major version must be set")]
fn a_client_needs_a_behavior_version() {
    Client::from_conf(Config::builder().endpoint_url("http://localhost").build());
}

#[test]
fn idempotency_tokens_are_random_uuids_unless_fixed() {
    use crate::idempotency_token::IdempotencyTokenProvider;
    let random = IdempotencyTokenProvider::default();
    let (a, b) = (random.make_idempotency_token(), random.make_idempotency_token());
    assert_ne!(a, b);
    for token in [a, b] {
        let groups: Vec<&str> = token.split('-').collect();
        assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{token}");
        assert!(token.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{token}");
        assert!(groups[2].starts_with('4'), "version 4: {token}");
        assert!(groups[3].starts_with(['8', '9', 'a', 'b']), "variant 1: {token}");
    }
    assert_eq!(IdempotencyTokenProvider::fixed("t").make_idempotency_token(), "t");
    assert_eq!(IdempotencyTokenProvider::from("u").make_idempotency_token(), "u");
}

#[test]
fn unknown_enum_values_are_kept_as_sent() {
    assert_eq!(crate::error::UnknownVariantError::new("PURPLE").to_string(), "unknown enum variant: 'PURPLE'");
    let value = crate::primitives::sealed_enum_unknown::UnknownVariantValue("PURPLE".to_owned());
    assert_eq!((value.as_str(), value.to_string().as_str()), ("PURPLE", "PURPLE"));
}

#[tokio::test]
async fn requests_go_to_the_endpoint_and_answers_are_read() {
    let service = Service::answering(&[(200, "hello")]);
    let conf = service.config().build();
    let output = call(&conf, &[], Input { body: "sent", ..Input::default() }).await.unwrap();
    assert_eq!(output, Output("hello".to_owned()));
    let sent = service.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].uri, "http://localhost:1234/op");
    assert_eq!(sent[0].body, b"sent");
    assert_eq!(sent[0].header("authorization"), None);
}

#[tokio::test]
async fn without_an_endpoint_url_calls_fail() {
    let conf = Service::default().config().set_endpoint_url(None).clone().build();
    let error = call(&conf, &[], Input::default()).await.unwrap_err();
    let error = crate::error::DisplayErrorContext(&error).to_string();
    assert!(error.contains("no endpoint URL is configured"), "{error}");
}

#[tokio::test]
async fn error_answers_carry_their_code_message_and_request_id() {
    let service = Service::answering(&[(400, r#"{"__type": "aws.example#InvalidInput", "message": "no good"}"#)]);
    let error = call(&service.config().build(), &[], Input::default()).await.unwrap_err();
    let failure = service_error(error);
    assert_eq!(failure.meta().code(), Some("InvalidInput"));
    assert_eq!(failure.meta().message(), Some("no good"));
}

#[tokio::test]
async fn throttling_answers_are_retried_and_others_are_not() {
    let retries = RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1));
    let throttled = [(429, ""), (400, r#"{"__type": "ThrottlingException"}"#), (200, "done")];
    let service = Service::answering(&throttled);
    let conf = service.config().retry_config(retries.clone()).build();
    assert_eq!(call(&conf, &[], Input::default()).await.unwrap(), Output("done".to_owned()));
    assert_eq!(service.sent().len(), 3);

    let service = Service::answering(&[(400, r#"{"__type": "ValidationException"}"#), (200, "never")]);
    let conf = service.config().retry_config(retries).build();
    assert!(call(&conf, &[], Input::default()).await.is_err());
    assert_eq!(service.sent().len(), 1);
}

#[tokio::test]
async fn each_operation_uses_the_first_of_its_schemes_the_config_has() {
    let service = Service::default();
    let all: &'static [Scheme] = &[Scheme::SigV4, Scheme::Bearer, Scheme::ApiKey];
    let authorization = |conf: Config, schemes: &'static [Scheme]| {
        let service = service.clone();
        async move {
            call(&conf, schemes, Input::default()).await.unwrap();
            let sent = service.sent().pop().unwrap();
            // The runtime writes `<scheme> <key>`; HTTP drops the space before a key without a scheme.
            (sent.header("authorization").map(str::to_owned), sent.header("x-api-key").map(|key| key.trim().to_owned()))
        }
    };

    assert_eq!(authorization(service.config().build(), &[Scheme::SigV4, Scheme::Bearer]).await, (None, None));

    let bearer = service.config().bearer_token("secret-token").build();
    assert_eq!(
        authorization(bearer.clone(), &[Scheme::SigV4, Scheme::Bearer]).await.0.as_deref(),
        Some("Bearer secret-token")
    );
    assert_eq!(authorization(bearer, &[Scheme::ApiKey]).await, (None, None));

    let api_key = service.config().api_key("the-key").build();
    assert_eq!(authorization(api_key, &[Scheme::Bearer, Scheme::ApiKey]).await, (None, Some("the-key".to_owned())));

    let sigv4 = service
        .config()
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"))
        .bearer_token("secret-token")
        .build();
    let (signed, _) = authorization(sigv4.clone(), all).await;
    let signed = signed.unwrap();
    assert!(signed.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{signed}");
    assert!(signed.contains("/us-east-1/example/aws4_request"), "{signed}");
    assert_eq!(authorization(sigv4, &[Scheme::Bearer, Scheme::SigV4]).await.0.as_deref(), Some("Bearer secret-token"));
}

#[tokio::test]
async fn large_enough_bodies_are_gzipped() {
    let service = Service::default();
    let send = |conf: Config, input: Input| async move {
        let compress = crate::compression::RequestCompression::new(&conf);
        operation(&conf, &[], |builder| builder.interceptor(compress)).invoke(input).await.unwrap();
    };
    let body = "a body that is long enough to be compressed";

    send(service.config().request_min_compression_size_bytes(16).build(), Input { body, ..Input::default() }).await;
    let sent = service.sent().pop().unwrap();
    assert_eq!(sent.header("content-encoding"), Some("gzip"));
    assert_eq!(sent.header("content-length"), Some(sent.body.len().to_string().as_str()));
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(sent.body.as_slice()).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped, body);

    let encoded = Input { body, encoding: Some("br"), ..Input::default() };
    send(service.config().request_min_compression_size_bytes(16).build(), encoded).await;
    assert_eq!(service.sent().pop().unwrap().header("content-encoding"), Some("br, gzip"));

    send(service.config().build(), Input { body, ..Input::default() }).await;
    let disabled = service.config().request_min_compression_size_bytes(16).disable_request_compression(true).build();
    send(disabled, Input { body, ..Input::default() }).await;
    for sent in service.sent() {
        assert_eq!((sent.header("content-encoding"), sent.body.as_slice()), (None, body.as_bytes()));
    }
}

#[tokio::test]
async fn host_prefixes_go_before_the_endpoint_host() {
    let service = Service::default();
    let conf = service.config().build();
    let prefixed = || {
        let prefix = crate::host_prefix::HostPrefix::new(|input: &Input| Ok(format!("{}.data.", input.label)));
        operation(&conf, &[], |builder| builder.interceptor(prefix))
    };
    prefixed().invoke(Input { label: "acme", ..Input::default() }).await.unwrap();
    assert_eq!(service.sent().pop().unwrap().uri, "http://acme.data.localhost:1234/op");

    assert!(prefixed().invoke(Input { label: "not a host", ..Input::default() }).await.is_err());
    assert!(service.sent().is_empty());
}

#[tokio::test]
async fn streaming_outputs_take_the_body_of_successes_only() {
    fn streamed(response: &mut HttpResponse) -> Result<Output, OrchestratorError<Failure>> {
        let body = response.take_body();
        Ok(Output(format!("streamed {}", String::from_utf8_lossy(body.bytes().unwrap_or_default()))))
    }
    let service = Service::answering(&[(200, "chunks"), (404, r#"{"__type": "NotFound"}"#)]);
    let conf = service.config().build();
    let streaming = || {
        let deserializer = crate::streaming::StreamingResponse { success: streamed, whole: deserialize };
        operation(&conf, &[], |builder| builder.deserializer_impl(deserializer))
    };
    assert_eq!(streaming().invoke(Input::default()).await.unwrap(), Output("streamed chunks".to_owned()));
    let error = streaming().invoke(Input::default()).await.unwrap_err();
    assert_eq!(service_error(error).meta().code(), Some("NotFound"));
}
