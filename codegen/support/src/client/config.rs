//! The client's configuration: `Config::builder()` with the endpoint, the behavior version, the
//! HTTP client, retries, timeouts, interceptors, sleep and time sources (and, for a service with
//! `@sigv4`, the region and the credentials provider), then `Client::from_conf(config)`.

pub use aws_smithy_async::rt::sleep::{AsyncSleep, SharedAsyncSleep, Sleep};
pub use aws_smithy_async::time::{SharedTimeSource, TimeSource};
pub use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
pub use aws_smithy_runtime_api::client::http::{HttpClient, SharedHttpClient};
pub use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
pub use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
pub use aws_smithy_runtime_api::shared::IntoShared;
pub use aws_smithy_types::config_bag::ConfigBag;

pub use crate::idempotency_token::IdempotencyTokenProvider;

/// The region and credentials types, for a service with `@sigv4`.
#[allow(unused_imports)]
pub use crate::auth::config_reexports::*;

/// Retry configuration.
pub mod retry {
    pub use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
    pub use aws_smithy_types::retry::{ReconnectMode, RetryConfig, RetryConfigBuilder, RetryMode};
}

/// Timeout configuration.
pub mod timeout {
    pub use aws_smithy_types::timeout::{OperationTimeoutConfig, TimeoutConfig, TimeoutConfigBuilder};
}

/// Types that interceptors see.
pub mod interceptors {
    pub use aws_smithy_runtime_api::client::interceptors::context::{
        AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextMut,
        BeforeDeserializationInterceptorContextRef, BeforeSerializationInterceptorContextMut,
        BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
        BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextMut, FinalizerInterceptorContextRef,
        InterceptorContext,
    };
}

/// The configuration of a [`Client`](crate::Client). Build it with [`Config::builder`].
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub(crate) endpoint_url: Option<String>,
    pub(crate) behavior_version: Option<BehaviorVersion>,
    pub(crate) http_client: Option<SharedHttpClient>,
    pub(crate) retry_config: Option<retry::RetryConfig>,
    pub(crate) timeout_config: Option<timeout::TimeoutConfig>,
    pub(crate) interceptors: Vec<SharedInterceptor>,
    pub(crate) sleep_impl: Option<SharedAsyncSleep>,
    pub(crate) time_source: Option<SharedTimeSource>,
    pub(crate) auth: crate::auth::AuthConfig,
    pub(crate) idempotency_token_provider: Option<IdempotencyTokenProvider>,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: Option<u32>,
}

impl Config {
    /// A builder with nothing set.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A builder with this configuration's settings, to change some of them.
    pub fn to_builder(&self) -> Builder {
        Builder { config: self.clone() }
    }

    /// The URL every request goes to (the operation's path is appended to it).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// The behavior version (defaults that may change between releases of the runtime).
    pub fn behavior_version(&self) -> Option<BehaviorVersion> {
        self.behavior_version
    }

    /// The HTTP client, if one was set (otherwise the default HTTPS client is used).
    pub fn http_client(&self) -> Option<SharedHttpClient> {
        self.http_client.clone()
    }

    /// The retry configuration, if one was set (otherwise standard retries, 3 attempts).
    pub fn retry_config(&self) -> Option<&retry::RetryConfig> {
        self.retry_config.as_ref()
    }

    /// The timeout configuration, if one was set.
    pub fn timeout_config(&self) -> Option<&timeout::TimeoutConfig> {
        self.timeout_config.as_ref()
    }

    /// The interceptors, in the order they run.
    pub fn interceptors(&self) -> impl Iterator<Item = SharedInterceptor> + '_ {
        self.interceptors.iter().cloned()
    }

    /// The sleep implementation, if one was set (otherwise Tokio's).
    pub fn sleep_impl(&self) -> Option<SharedAsyncSleep> {
        self.sleep_impl.clone()
    }

    /// The time source, if one was set (otherwise the system clock).
    pub fn time_source(&self) -> Option<SharedTimeSource> {
        self.time_source.clone()
    }

    /// The provider of idempotency tokens, if one was set (otherwise random UUIDs).
    pub fn idempotency_token_provider(&self) -> Option<&IdempotencyTokenProvider> {
        self.idempotency_token_provider.as_ref()
    }

    /// Whether request bodies are sent uncompressed even where the model allows gzip.
    pub fn disable_request_compression(&self) -> bool {
        self.disable_request_compression
    }

    /// The smallest body that is compressed where the model allows it (default 10240 bytes).
    pub fn request_min_compression_size_bytes(&self) -> u32 {
        self.request_min_compression_size_bytes.unwrap_or(10_240)
    }
}

/// Builder of [`Config`].
#[derive(Clone, Debug, Default)]
pub struct Builder {
    pub(crate) config: Config,
}

impl Builder {
    /// A builder with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the URL every request goes to, e.g. `https://connect.us-east-1.amazonaws.com` or
    /// `http://127.0.0.1:8080`. The service has no endpoint rules, so this is required.
    pub fn endpoint_url(mut self, endpoint_url: impl Into<String>) -> Self {
        self.set_endpoint_url(Some(endpoint_url.into()));
        self
    }

    /// Sets or clears the endpoint URL.
    pub fn set_endpoint_url(&mut self, endpoint_url: Option<String>) -> &mut Self {
        self.config.endpoint_url = endpoint_url;
        self
    }

    /// Sets the behavior version: which defaults of the runtime apply. Required, as in every
    /// smithy-rs client; [`behavior_version_latest`](Self::behavior_version_latest) picks the newest.
    pub fn behavior_version(mut self, behavior_version: BehaviorVersion) -> Self {
        self.set_behavior_version(Some(behavior_version));
        self
    }

    /// Sets or clears the behavior version.
    pub fn set_behavior_version(&mut self, behavior_version: Option<BehaviorVersion>) -> &mut Self {
        self.config.behavior_version = behavior_version;
        self
    }

    /// Sets the newest behavior version of the runtime this crate was built with.
    pub fn behavior_version_latest(mut self) -> Self {
        self.set_behavior_version(Some(BehaviorVersion::latest()));
        self
    }

    /// Sets the HTTP client that sends the requests (default: hyper with rustls, one connection
    /// pool per `Client`).
    pub fn http_client(mut self, http_client: impl HttpClient + 'static) -> Self {
        self.set_http_client(Some(http_client.into_shared()));
        self
    }

    /// Sets or clears the HTTP client.
    pub fn set_http_client(&mut self, http_client: Option<SharedHttpClient>) -> &mut Self {
        self.config.http_client = http_client;
        self
    }

    /// Sets the retry configuration (default: standard retries, 3 attempts, of throttling
    /// errors, 5xx answers, timeouts and I/O errors). `RetryConfig::disabled()` turns retries off.
    pub fn retry_config(mut self, retry_config: retry::RetryConfig) -> Self {
        self.set_retry_config(Some(retry_config));
        self
    }

    /// Sets or clears the retry configuration.
    pub fn set_retry_config(&mut self, retry_config: Option<retry::RetryConfig>) -> &mut Self {
        self.config.retry_config = retry_config;
        self
    }

    /// Sets the timeouts: connect, read, per attempt and per operation (all attempts).
    pub fn timeout_config(mut self, timeout_config: timeout::TimeoutConfig) -> Self {
        self.set_timeout_config(Some(timeout_config));
        self
    }

    /// Sets or clears the timeout configuration.
    pub fn set_timeout_config(&mut self, timeout_config: Option<timeout::TimeoutConfig>) -> &mut Self {
        self.config.timeout_config = timeout_config;
        self
    }

    /// Adds an interceptor, which runs at each step of every call (after those added before it).
    pub fn interceptor(mut self, interceptor: impl Intercept + 'static) -> Self {
        self.push_interceptor(SharedInterceptor::new(interceptor));
        self
    }

    /// Adds an interceptor.
    pub fn push_interceptor(&mut self, interceptor: SharedInterceptor) -> &mut Self {
        self.config.interceptors.push(interceptor);
        self
    }

    /// Replaces the interceptors.
    pub fn set_interceptors(&mut self, interceptors: impl IntoIterator<Item = SharedInterceptor>) -> &mut Self {
        self.config.interceptors = interceptors.into_iter().collect();
        self
    }

    /// Sets how the client sleeps between retries and for timeouts (default: Tokio).
    pub fn sleep_impl(mut self, sleep_impl: impl AsyncSleep + 'static) -> Self {
        self.set_sleep_impl(Some(sleep_impl.into_shared()));
        self
    }

    /// Sets or clears the sleep implementation.
    pub fn set_sleep_impl(&mut self, sleep_impl: Option<SharedAsyncSleep>) -> &mut Self {
        self.config.sleep_impl = sleep_impl;
        self
    }

    /// Sets the clock (default: the system clock); signatures carry its time.
    pub fn time_source(mut self, time_source: impl TimeSource + 'static) -> Self {
        self.set_time_source(Some(time_source.into_shared()));
        self
    }

    /// Sets or clears the time source.
    pub fn set_time_source(&mut self, time_source: Option<SharedTimeSource>) -> &mut Self {
        self.config.time_source = time_source;
        self
    }

    /// Sets how idempotency tokens are made for members with `@idempotencyToken` that a call
    /// leaves unset (default: random UUIDs). A `&'static str` gives that token every time.
    pub fn idempotency_token_provider(mut self, provider: impl Into<IdempotencyTokenProvider>) -> Self {
        self.set_idempotency_token_provider(Some(provider.into()));
        self
    }

    /// Sets or clears the provider of idempotency tokens.
    pub fn set_idempotency_token_provider(&mut self, provider: Option<IdempotencyTokenProvider>) -> &mut Self {
        self.config.idempotency_token_provider = provider;
        self
    }

    /// Sends request bodies uncompressed even for operations with `@requestCompression`.
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.config.disable_request_compression = disable;
        self
    }

    /// Sets the smallest body that operations with `@requestCompression` gzip (default 10240
    /// bytes; at most 10485760).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.config.request_min_compression_size_bytes = Some(bytes.min(10_485_760));
        self
    }

    /// The configuration.
    pub fn build(self) -> Config {
        self.config
    }
}
