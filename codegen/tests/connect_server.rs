//! The generated server SDK of model/ over real HTTP: every constraint of GetAttachedFile is
//! checked before the handler runs, valid requests reach it with the exact values, and handler
//! errors reach the caller with their status, error type and body.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use attached_files_server_sdk::error::{
    AccessDeniedException, GetAttachedFileError, InternalServiceException, ResourceNotFoundException,
    ThrottlingException,
};
use attached_files_server_sdk::input::GetAttachedFileInput;
use attached_files_server_sdk::model::{
    ContentDisposition, CreatedByInfo, FileId, FileSizeInBytes, FileStatusType, TagKey, TagMap, TagValue,
};
use attached_files_server_sdk::output::GetAttachedFileOutput;
use attached_files_server_sdk::server::Extension;
use attached_files_server_sdk::server::body::BoxBody;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::server::plugin::{HttpMarker, Plugin};
use attached_files_server_sdk::server::service::ContainsOperation;
use attached_files_server_sdk::{AmazonConnectService, AmazonConnectServiceConfig};
use serde_json::{Value, json};

const ARN: &str = "arn:aws:cases:us-east-1:111122223333:domain/d-1/case/c-1";
/// ARN, percent-encoded as a query value.
const ARN_QUERY: &str = "arn%3Aaws%3Acases%3Aus-east-1%3A111122223333%3Adomain%2Fd-1%2Fcase%2Fc-1";

/// The inputs the handler received, in order.
type Seen = Arc<Mutex<Vec<GetAttachedFileInput>>>;

/// Records the input; the file id picks the answer.
async fn get_attached_file(
    input: GetAttachedFileInput,
    Extension(seen): Extension<Seen>,
) -> Result<GetAttachedFileOutput, GetAttachedFileError> {
    let file_id = input.file_id().as_str().to_owned();
    seen.lock().unwrap().push(input);
    let message = Some(format!("about {file_id}"));
    match file_id.as_str() {
        "missing" => Err(ResourceNotFoundException::builder().message(message).build().into()),
        "throttled" => Err(ThrottlingException::builder().message(message).build().into()),
        "denied" => Err(AccessDeniedException::builder().message(message).build().into()),
        "broken" => Err(InternalServiceException::builder().message(message).build().into()),
        "bare" => Ok(GetAttachedFileOutput::builder()
            .file_size_in_bytes(FileSizeInBytes::try_from(1).unwrap())
            .build()
            .unwrap()),
        _ => {
            let tag = (TagKey::try_from("team".to_owned()).unwrap(), TagValue::try_from("blue".to_owned()).unwrap());
            let tags = TagMap::try_from(HashMap::from([tag])).unwrap();
            Ok(GetAttachedFileOutput::builder()
                .file_id(Some(FileId::try_from(file_id).unwrap()))
                .file_status(Some(FileStatusType::Processing))
                .file_size_in_bytes(FileSizeInBytes::try_from(42).unwrap())
                .created_by(Some(CreatedByInfo::ConnectUserArn("arn:user".to_owned())))
                .tags(Some(tags))
                .build()
                .unwrap())
        }
    }
}

/// Adds `x-operation: <name>` to each response: a plugin written against smithy-rs's traits
/// (`Plugin`, `OperationShape`, `ContainsOperation`), as users' plugins are.
#[derive(Clone)]
struct OperationHeader;

impl HttpMarker for OperationHeader {}

impl<Ser, Op, T> Plugin<Ser, Op, T> for OperationHeader
where
    Ser: ContainsOperation<Op>,
    Op: OperationShape,
{
    type Output = OperationHeaderService<T>;
    fn apply(&self, inner: T) -> Self::Output {
        OperationHeaderService { inner, name: Op::ID.name() }
    }
}

#[derive(Clone)]
struct OperationHeaderService<S> {
    inner: S,
    name: &'static str,
}

impl<S, B> tower::Service<http::Request<B>> for OperationHeaderService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<BoxBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let name = self.name;
        let response = self.inner.call(request);
        Box::pin(async move {
            let mut response = response.await?;
            response.headers_mut().insert("x-operation", http::HeaderValue::from_static(name));
            Ok(response)
        })
    }
}

/// A running server and what its handler saw.
struct Server {
    base: String,
    seen: Seen,
    http: reqwest::Client,
}

impl Server {
    async fn start() -> Server {
        let seen = Seen::default();
        let config = AmazonConnectServiceConfig::builder()
            .layer(attached_files_server_sdk::server::AddExtensionLayer::new(seen.clone()))
            .http_plugin(OperationHeader)
            .build();
        // The other operations are not served here: they answer 500, as smithy-rs's unchecked build does.
        let app = AmazonConnectService::builder(config).get_attached_file(get_attached_file).build_unchecked();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            attached_files_server_sdk::serve(listener, app.into_make_service()).await.unwrap();
        });
        Server { base, seen, http: reqwest::Client::new() }
    }

    async fn get(&self, path_and_query: &str) -> (u16, Option<String>, Value) {
        self.send(self.http.get(format!("{}{path_and_query}", self.base))).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Option<String>, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let error_type = response.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap().to_owned());
        let body = response.bytes().await.unwrap();
        let body = if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap() };
        (status, error_type, body)
    }

    fn last_input(&self) -> Option<GetAttachedFileInput> {
        self.seen.lock().unwrap().last().cloned()
    }

    fn calls(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn file_path(instance_id: &str, file_id: &str) -> String {
    format!("/attached-files/{instance_id}/{file_id}?associatedResourceArn={ARN_QUERY}")
}

/// Asserts a 400 InvalidRequestException with exactly this field message, and that the handler
/// was not called.
async fn assert_invalid(server: &Server, path_and_query: &str, field_message: &str) {
    let calls = server.calls();
    let (status, error_type, body) = server.get(path_and_query).await;
    assert_eq!((status, error_type.as_deref()), (400, Some("InvalidRequestException")), "{path_and_query}: {body}");
    assert_eq!(body, json!({ "Message": format!("1 validation error detected. {field_message}") }), "{path_and_query}");
    assert_eq!(server.calls(), calls, "{path_and_query} reached the handler");
}

#[tokio::test]
async fn a_valid_request_reaches_the_handler_with_the_exact_values() {
    let server = Server::start().await;
    let (status, error_type, body) = server
        .get(&format!(
            "/attached-files/inst-1/file%2F1%20x?associatedResourceArn={ARN_QUERY}&urlExpiryInSeconds=60&urlContentDisposition=INLINE"
        ))
        .await;
    assert_eq!((status, error_type), (200, None), "{body}");
    let input = server.last_input().unwrap();
    assert_eq!(input.instance_id().as_str(), "inst-1");
    assert_eq!(input.file_id().as_str(), "file/1 x");
    assert_eq!(input.associated_resource_arn(), ARN);
    assert_eq!(input.url_expiry_in_seconds().map(|e| *e.inner()), Some(60));
    assert_eq!(input.url_content_disposition(), Some(&ContentDisposition::Inline));
    assert_eq!(
        body,
        json!({
            "FileId": "file/1 x",
            "FileStatus": "PROCESSING",
            "FileSizeInBytes": 42,
            "CreatedBy": { "ConnectUserArn": "arn:user" },
            "Tags": { "team": "blue" },
        })
    );

    // Optional query parameters may be left out; absent output members are left out of JSON.
    let (status, _, body) = server.get(&file_path("inst-1", "bare")).await;
    assert_eq!((status, body), (200, json!({ "FileSizeInBytes": 1 })));
    let input = server.last_input().unwrap();
    assert_eq!((input.url_expiry_in_seconds(), input.url_content_disposition()), (None, None));
}

#[tokio::test]
async fn instance_id_length_is_checked() {
    let server = Server::start().await;
    for length in [1, 100] {
        let id = "i".repeat(length);
        let (status, _, body) = server.get(&file_path(&id, "f")).await;
        assert_eq!(status, 200, "length {length}: {body}");
        assert_eq!(server.last_input().unwrap().instance_id().as_str(), id);
    }
    for length in [0, 101] {
        let message = format!(
            "Value with length {length} at '/InstanceId' failed to satisfy constraint: Member must have length between 1 and 100, inclusive"
        );
        assert_invalid(&server, &file_path(&"i".repeat(length), "f"), &message).await;
    }
}

#[tokio::test]
async fn file_id_length_is_checked() {
    let server = Server::start().await;
    for length in [1, 256] {
        let id = "f".repeat(length);
        let (status, _, body) = server.get(&file_path("inst-1", &id)).await;
        assert_eq!(status, 200, "length {length}: {body}");
        assert_eq!(server.last_input().unwrap().file_id().as_str(), id);
    }
    let message = "Value with length 257 at '/FileId' failed to satisfy constraint: Member must have length between 1 and 256, inclusive";
    assert_invalid(&server, &file_path("inst-1", &"f".repeat(257)), message).await;
}

#[tokio::test]
async fn url_expiry_range_is_checked() {
    let server = Server::start().await;
    for seconds in [5, 300] {
        let (status, _, body) = server.get(&format!("{}&urlExpiryInSeconds={seconds}", file_path("i", "f"))).await;
        assert_eq!(status, 200, "{seconds}: {body}");
        assert_eq!(server.last_input().unwrap().url_expiry_in_seconds().map(|e| *e.inner()), Some(seconds));
    }
    for seconds in [4, 301] {
        let message =
            "Value at '/UrlExpiryInSeconds' failed to satisfy constraint: Member must be between 5 and 300, inclusive";
        assert_invalid(&server, &format!("{}&urlExpiryInSeconds={seconds}", file_path("i", "f")), message).await;
    }
    // Not a number at all: the request cannot be read, which is not a constraint violation.
    let calls = server.calls();
    let (status, error_type, _) = server.get(&format!("{}&urlExpiryInSeconds=abc", file_path("i", "f"))).await;
    assert_eq!((status, error_type.as_deref()), (400, Some("SerializationException")));
    assert_eq!(server.calls(), calls);
}

#[tokio::test]
async fn required_and_enum_query_parameters_are_checked() {
    let server = Server::start().await;
    assert_invalid(
        &server,
        "/attached-files/i/f",
        "Value at '/AssociatedResourceArn' failed to satisfy constraint: Member must not be null",
    )
    .await;
    assert_invalid(
        &server,
        &format!("{}&urlContentDisposition=inline", file_path("i", "f")),
        "Value at '/UrlContentDisposition' failed to satisfy constraint: Member must satisfy enum value set: [ATTACHMENT, INLINE]",
    )
    .await;
}

#[tokio::test]
async fn handler_errors_reach_the_caller_with_status_type_and_body() {
    let server = Server::start().await;
    for (file_id, status, name) in [
        ("missing", 404, "ResourceNotFoundException"),
        ("throttled", 429, "ThrottlingException"),
        ("denied", 403, "AccessDeniedException"),
        ("broken", 500, "InternalServiceException"),
    ] {
        let response = server.http.get(format!("{}{}", server.base, file_path("i", file_id))).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{file_id}");
        assert_eq!(response.headers()["x-amzn-errortype"], name);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body, json!({ "Message": format!("about {file_id}") }), "{file_id}");
    }
}

#[tokio::test]
async fn framework_errors_follow_rest_json() {
    let server = Server::start().await;
    let (status, error_type, _) = server.get("/attached-files").await;
    assert_eq!((status, error_type.as_deref()), (404, Some("UnknownOperationException")));
    // Start (PUT) and BatchGet (POST) have this path; GET has no operation on it.
    let (status, error_type, _) = server.get("/attached-files/i").await;
    assert_eq!((status, error_type), (405, None), "GET /attached-files/i: method not allowed, as smithy-rs answers");
    let (status, error_type, _) = server
        .send(server.http.get(format!("{}{}", server.base, file_path("i", "f"))).header("accept", "text/html"))
        .await;
    assert_eq!((status, error_type.as_deref()), (406, Some("NotAcceptableException")));
    let (status, error_type, _) = server
        .send(
            server
                .http
                .get(format!("{}{}", server.base, file_path("i", "f")))
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    assert_eq!((status, error_type.as_deref()), (415, Some("UnsupportedMediaTypeException")));
    assert_eq!(server.calls(), 0);
}

#[tokio::test]
async fn plugins_written_for_smithy_rs_apply() {
    let server = Server::start().await;
    let response = server.http.get(format!("{}{}", server.base, file_path("i", "f"))).send().await.unwrap();
    assert_eq!(response.headers()["x-operation"], "GetAttachedFile");
    // Constraint violations are answered inside the operation's route, so the plugin sees them too.
    let response =
        server.http.get(format!("{}{}", server.base, file_path("i", &"f".repeat(257)))).send().await.unwrap();
    assert_eq!(
        (response.status().as_u16(), &response.headers()["x-operation"]),
        (400, &"GetAttachedFile".parse().unwrap())
    );
}

#[test]
fn build_names_the_operations_without_a_handler() {
    let builder = AmazonConnectService::builder::<attached_files_server_sdk::server::body::Body, _, _, _>(
        AmazonConnectServiceConfig::builder().build(),
    );
    let error = builder.build().err().expect("GetAttachedFile has no handler").to_string();
    assert!(
        error.contains("com.amazonaws.connect#GetAttachedFile") && error.contains(".get_attached_file()"),
        "{error}"
    );
}
