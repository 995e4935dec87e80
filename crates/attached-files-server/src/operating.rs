//! What surrounds every call to the API: a request id and one log line per request, a limit on
//! request bodies, and a limit on calls in flight beyond which callers get ThrottlingException.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use attached_files_server_sdk::error::ThrottlingException;
use attached_files_server_sdk::server::body::{BoxBody, boxed};
use attached_files_server_sdk::server::extension::OperationExtension;
use attached_files_server_sdk::server::operation::OperationShape;
use attached_files_server_sdk::server::plugin::{HttpMarker, Plugin};
use attached_files_server_sdk::server::protocol::rest_json_1::RestJson1;
use attached_files_server_sdk::server::response::IntoResponse;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Limited;
use tokio::sync::Semaphore;
use tower::{Layer, Service};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The header AWS services put their request id in, and clients read it from.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// The id of a request, a random UUID as AWS's are: sent back as `x-amzn-RequestId` and logged.
/// Handlers take it with `Extension<RequestId>`, to log it with what goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestId(uuid::Uuid);

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Gives every request a [`RequestId`] (in its extensions, and `x-amzn-RequestId` on its
/// response), then logs one line when it is answered: request id, operation, method, path,
/// status, error type and latency. (No tracing span per request: under load a span cost the
/// server about a fifth of its CPU time per request, measured with the load benchmark.)
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestLogLayer;

impl<S> Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestLog { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RequestLog<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for RequestLog<S>
where
    S: Service<Request<B>, Response = Response<BoxBody>, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response<BoxBody>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response<BoxBody>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let started = Instant::now();
        let request_id = RequestId(uuid::Uuid::new_v4());
        let (method, path) = (request.method().clone(), request.uri().path().to_owned());
        request.extensions_mut().insert(request_id);
        let response = self.inner.call(request);
        Box::pin(async move {
            let Ok(mut response) = response.await;
            let operation = response.extensions().get::<OperationExtension>().map_or("-", |op| op.0.name());
            let error = response.headers().get("x-amzn-errortype").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info!(
                target: "attached_files_server::request",
                request_id = %request_id,
                operation = %operation,
                %method,
                path = %path,
                status = response.status().as_u16(),
                error = %error,
                latency_us = started.elapsed().as_micros() as u64,
            );
            let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
            if let Ok(value) = HeaderValue::from_str(request_id.0.hyphenated().encode_lower(&mut text)) {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            Ok(response)
        })
    }
}

/// Refuses a request whose declared body is longer than `max_bytes` with 413, before routing,
/// and cuts any body an operation reads at `max_bytes` (a body sent without a length).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimitLayer {
    pub max_bytes: u64,
}

impl<S> Layer<S> for BodyLimitLayer {
    type Service = BodyLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyLimit { inner, max_bytes: self.max_bytes }
    }
}

#[derive(Debug, Clone)]
pub struct BodyLimit<S> {
    inner: S,
    max_bytes: u64,
}

impl<S, B> Service<Request<B>> for BodyLimit<S>
where
    S: Service<Request<Limited<B>>, Response = Response<BoxBody>, Error = Infallible>,
{
    type Response = Response<BoxBody>;
    type Error = Infallible;
    type Future = futures_util::future::Either<Ready<Result<Response<BoxBody>, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let declared = request.headers().get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse().ok());
        if declared.is_some_and(|length: u64| length > self.max_bytes) {
            let message = format!("the request body is longer than {} bytes", self.max_bytes);
            return futures_util::future::Either::Left(ready(Ok(json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeException",
                &message,
            ))));
        }
        let max = usize::try_from(self.max_bytes).unwrap_or(usize::MAX);
        futures_util::future::Either::Right(self.inner.call(request.map(|body| Limited::new(body, max))))
    }
}

/// A restJson1 error answer: status, `X-Amzn-Errortype` and `{"Message": ...}`.
fn json_error(status: StatusCode, error_type: &'static str, message: &str) -> Response<BoxBody> {
    let body = serde_json::json!({ "Message": message }).to_string();
    let mut response = Response::new(boxed(http_body_util::Full::new(bytes::Bytes::from(body))));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("x-amzn-errortype", HeaderValue::from_static(error_type));
    response
}

/// At most `max` calls of the API's operations in flight; one more is answered at once with the
/// operation's modeled ThrottlingException (429), written by the generated SDK, so that callers
/// never wait behind a saturated server nor see a 5xx. Clients retry 429 with back-off.
#[derive(Debug, Clone)]
pub struct ConcurrencyLimitPlugin {
    permits: Arc<Semaphore>,
}

impl ConcurrencyLimitPlugin {
    pub fn new(max: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(max.min(Semaphore::MAX_PERMITS))) }
    }
}

impl HttpMarker for ConcurrencyLimitPlugin {}

impl<Ser, Op, T> Plugin<Ser, Op, T> for ConcurrencyLimitPlugin
where
    Op: OperationShape,
    Op::Error: From<ThrottlingException> + IntoResponse<RestJson1>,
{
    type Output = ConcurrencyLimit<T>;

    fn apply(&self, inner: T) -> Self::Output {
        ConcurrencyLimit {
            inner,
            permits: self.permits.clone(),
            throttled: || {
                let message = "Too many requests in flight; retry later".to_owned();
                Op::Error::from(ThrottlingException::builder().message(Some(message)).build()).into_response()
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct ConcurrencyLimit<S> {
    inner: S,
    permits: Arc<Semaphore>,
    /// The operation's ThrottlingException, as an HTTP response.
    throttled: fn() -> Response<BoxBody>,
}

impl<S, B> Service<Request<B>> for ConcurrencyLimit<S>
where
    S: Service<Request<B>, Response = Response<BoxBody>>,
    S::Future: Send + 'static,
{
    type Response = Response<BoxBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response<BoxBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => {
                let response = self.inner.call(request);
                Box::pin(async move {
                    let response = response.await;
                    drop(permit);
                    response
                })
            }
            Err(_) => {
                let response = (self.throttled)();
                Box::pin(async move { Ok(response) })
            }
        }
    }
}
