//! The API assembled from the generated service, the handler and the operating layers, and
//! served on a listener until a shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use attached_files::AttachedFiles;
use attached_files_server_sdk::server::AddExtensionLayer;
use attached_files_server_sdk::server::body::BoxBody;
use attached_files_server_sdk::server::extension::OperationExtensionPlugin;
use attached_files_server_sdk::server::layer::alb_health_check::AlbHealthCheckLayer;
use attached_files_server_sdk::server::routing::IntoMakeService;
use attached_files_server_sdk::{AmazonConnectService, AmazonConnectServiceConfig, MissingOperationsError};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tower::{Layer, Service};

use crate::access::Verification;
use crate::api;
use crate::config::Limits;
use crate::operating::{BodyLimitLayer, ConcurrencyLimitPlugin, RequestLogLayer};

/// The path load balancers poll; it answers 200 while the server accepts requests.
pub const HEALTH_PATH: &str = "/ping";

/// How long a shutdown waits for the calls in flight before closing their connections.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The HTTP service of the API: the eight operations on the generated SDK, inside the request log,
/// the health check and the body limit, with the concurrency limit around each operation and,
/// inside it, the signature's verification.
pub fn api(
    files: Arc<AttachedFiles>,
    limits: Limits,
    verification: Verification,
) -> Result<impl ApiService, MissingOperationsError> {
    let config = AmazonConnectServiceConfig::builder()
        .layer(AddExtensionLayer::new(files))
        .http_plugin(OperationExtensionPlugin)
        .http_plugin(ConcurrencyLimitPlugin::new(limits.max_concurrent_requests))
        .http_plugin(verification)
        .build();
    let service = AmazonConnectService::builder(config)
        .start_attached_file_upload(api::start_attached_file_upload)
        .complete_attached_file_upload(api::complete_attached_file_upload)
        .get_attached_file(api::get_attached_file)
        .batch_get_attached_file_metadata(api::batch_get_attached_file_metadata)
        .delete_attached_file(api::delete_attached_file)
        .describe_attached_files_configuration(api::describe_attached_files_configuration)
        .list_attached_files_configurations(api::list_attached_files_configurations)
        .update_attached_files_configuration(api::update_attached_files_configuration)
        .build()?;
    let service = BodyLimitLayer { max_bytes: limits.max_request_body_bytes }.layer(service);
    let health = AlbHealthCheckLayer::from_handler(HEALTH_PATH, |_: Request<Incoming>| async { StatusCode::OK });
    Ok(RequestLogLayer.layer(health.layer(service)))
}

/// What [`run`] serves: an HTTP service that always answers.
pub trait ApiService:
    Service<Request<Incoming>, Response = Response<BoxBody>, Error = Infallible, Future: Send> + Clone + Send + 'static
{
}

impl<S> ApiService for S where
    S: Service<Request<Incoming>, Response = Response<BoxBody>, Error = Infallible, Future: Send>
        + Clone
        + Send
        + 'static
{
}

/// Serves `api` on `listener` until `shutdown` completes, then lets the calls in flight finish
/// (for at most [`DRAIN_TIMEOUT`]).
pub async fn run(
    listener: TcpListener,
    api: impl ApiService,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    attached_files_server_sdk::serve(listener, IntoMakeService::new(api))
        .with_graceful_shutdown(shutdown)
        .with_shutdown_timeout(DRAIN_TIMEOUT)
        .await
}
