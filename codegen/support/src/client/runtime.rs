//! How each call is carried: `aws-smithy-runtime`'s `Operation`, one per operation, built once by
//! `Client::from_conf` from the config. The runtime does the rest: endpoint, auth, retries with
//! backoff, timeouts, interceptors, the HTTP client.

use std::marker::PhantomData;

use aws_smithy_runtime::client::defaults::default_http_client_plugin_v2;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::orchestrator::operation::{Operation, OperationBuilder};
use aws_smithy_runtime::client::retries::classifiers::{
    HttpStatusCodeClassifier, ModeledAsRetryableClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::endpoint::{
    EndpointFuture, EndpointResolverParams, ResolveEndpoint, SharedEndpointResolver,
};
use aws_smithy_runtime_api::client::identity::SharedIdentityCache;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::{SharedRuntimePlugin, StaticRuntimePlugin};
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::{ProvideErrorKind, RetryConfig};

use crate::config::Config;

/// What every operation of one client shares: the config, and the HTTP client and identity
/// cache, made once so that all operations use one connection pool and one credentials cache.
pub(crate) struct Base<'a> {
    conf: &'a Config,
    behavior_version: BehaviorVersion,
    http_client: Option<SharedRuntimePlugin>,
    identity_cache: SharedIdentityCache,
}

impl<'a> Base<'a> {
    /// Panics if the config has no behavior version, as every smithy-rs client does.
    #[track_caller]
    pub(crate) fn new(conf: &'a Config) -> Self {
        let Some(behavior_version) = conf.behavior_version else {
            panic!(
                "Invalid client configuration: A behavior major version must be set when constructing a client. \
                 Set it with `Config::builder().behavior_version(..)` or `.behavior_version_latest()`."
            );
        };
        let http_client = match &conf.http_client {
            Some(client) => Some(
                StaticRuntimePlugin::new()
                    .with_runtime_components(
                        RuntimeComponentsBuilder::new("http_client").with_http_client(Some(client.clone())),
                    )
                    .into_shared(),
            ),
            None => default_http_client_plugin_v2(behavior_version),
        };
        Base { conf, behavior_version, http_client, identity_cache: IdentityCache::lazy().build() }
    }

    /// An operation builder with everything but the serializer and deserializer. `E` is the
    /// operation's error, which the retry classifiers read.
    /// `auth` are the schemes the operation may use, most preferred first.
    pub(crate) fn operation<E>(
        &self,
        service_name: &'static str,
        operation_name: &'static str,
        auth: &[crate::auth::Scheme],
    ) -> OperationBuilder
    where
        E: ProvideErrorKind + ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let conf = self.conf;
        let retry_config = conf.retry_config.clone().unwrap_or_else(RetryConfig::standard);
        let mut operation = Operation::builder()
            .service_name(service_name)
            .operation_name(operation_name)
            .behavior_version(self.behavior_version)
            .standard_retry(&retry_config)
            .retry_classifier(HttpStatusCodeClassifier::default())
            .retry_classifier(ThrottlingClassifier::<E>::new())
            .retry_classifier(ModeledAsRetryableClassifier::<E>::new())
            .retry_classifier(TransientErrorClassifier::<E>::new());
        if let Some(http_client) = &self.http_client {
            operation = operation.runtime_plugin(http_client.clone());
        }
        operation = match &conf.endpoint_url {
            Some(url) => operation.endpoint_url(url),
            None => operation.runtime_plugin(no_endpoint_url()),
        };
        if let Some(timeout_config) = &conf.timeout_config {
            operation = operation.timeout_config(timeout_config.clone());
        }
        if let Some(sleep_impl) = &conf.sleep_impl {
            operation = operation.sleep_impl(sleep_impl.clone());
        }
        if let Some(time_source) = &conf.time_source {
            operation = operation.time_source(time_source.clone());
        }
        for interceptor in &conf.interceptors {
            operation = operation.interceptor(interceptor.clone());
        }
        conf.auth.apply(operation, auth, &self.identity_cache)
    }
}

/// Error codes that mean "slow down", as AWS services spell them.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Classifies an answer 429, or an error with a throttling code, as a throttling error (retried
/// with backoff). 500, 502, 503 and 504 are the runtime's `HttpStatusCodeClassifier`'s.
#[derive(Debug)]
pub(crate) struct ThrottlingClassifier<E>(PhantomData<E>);

impl<E> ThrottlingClassifier<E> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<E> ClassifyRetry for ThrottlingClassifier<E>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(Err(error)) = ctx.output_or_error() else {
            return RetryAction::NoActionIndicated;
        };
        let code = error.as_operation_error().and_then(|e| e.downcast_ref::<E>()).and_then(|e| e.code());
        let status = ctx.response().map(|response| response.status().as_u16());
        if status == Some(429) || code.is_some_and(|code| THROTTLING_CODES.contains(&code)) {
            RetryAction::throttling_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "Throttling"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::http_status_code_classifier())
    }
}

/// Without an endpoint URL every call fails with this, rather than the client panicking.
fn no_endpoint_url() -> SharedRuntimePlugin {
    #[derive(Debug)]
    struct NoEndpointUrl;
    impl ResolveEndpoint for NoEndpointUrl {
        fn resolve_endpoint<'a>(&'a self, _params: &'a EndpointResolverParams) -> EndpointFuture<'a> {
            EndpointFuture::ready(Err(
                "no endpoint URL is configured: set one with `Config::builder().endpoint_url(..)`".into(),
            ))
        }
    }
    let mut layer = Layer::new("no_endpoint_url");
    layer.store_put(EndpointResolverParams::new(()));
    StaticRuntimePlugin::new()
        .with_config(layer.freeze())
        .with_runtime_components(
            RuntimeComponentsBuilder::new("no_endpoint_url")
                .with_endpoint_resolver(Some(SharedEndpointResolver::new(NoEndpointUrl))),
        )
        .into_shared()
}
