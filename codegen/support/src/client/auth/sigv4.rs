//! `@sigv4`: requests (each retry too) signed with SigV4 by `aws-runtime`'s signer, with the
//! trait's signing name, the configured region and the credentials of the configured provider.

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::auth::sigv4::{SigV4AuthScheme, SCHEME_ID};
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_smithy_runtime_api::client::auth::AuthSchemeId;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_types::config_bag::Layer;
use aws_types::region::{Region, SigningRegion};
use aws_types::SigningName;

/// What `config` adds for SigV4.
pub mod config_reexports {
    pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
    pub use aws_credential_types::Credentials;
    pub use aws_types::region::Region;
}

/// The region and credentials to sign with.
#[derive(Clone, Debug, Default)]
pub(crate) struct SigV4 {
    region: Option<Region>,
    credentials_provider: Option<SharedCredentialsProvider>,
}

impl SigV4 {
    /// Adds SigV4 to an operation's auth, if credentials are configured.
    pub(crate) fn add(&self, layer: &mut Layer, components: &mut RuntimeComponentsBuilder) -> Option<AuthSchemeId> {
        let credentials_provider = self.credentials_provider.as_ref()?;
        let signing_name = SigningName::from_static(crate::client::SIGNING_NAME);
        let signing_region = self.region.clone().map(SigningRegion::from);
        layer.store_put(SigV4OperationSigningConfig {
            region: signing_region.clone(),
            name: Some(signing_name.clone()),
            ..Default::default()
        });
        layer.store_put(signing_name);
        if let Some(region) = signing_region {
            layer.store_put(region);
        }
        components.push_auth_scheme(SigV4AuthScheme::new());
        components.set_identity_resolver(SCHEME_ID, credentials_provider.clone());
        Some(SCHEME_ID)
    }
}

impl crate::config::Builder {
    /// Sets the region to sign requests for (SigV4 needs one when credentials are set).
    pub fn region(mut self, region: impl Into<Option<Region>>) -> Self {
        self.set_region(region.into());
        self
    }

    /// Sets or clears the region.
    pub fn set_region(&mut self, region: Option<Region>) -> &mut Self {
        self.config.auth.sigv4.region = region;
        self
    }

    /// Sets the credentials that sign requests, e.g. `Credentials::new(..)`, or a provider of
    /// `aws-config` (environment variables, profiles, roles). Without one, requests are not signed
    /// with SigV4.
    pub fn credentials_provider(mut self, credentials_provider: impl ProvideCredentials + 'static) -> Self {
        self.set_credentials_provider(Some(SharedCredentialsProvider::new(credentials_provider)));
        self
    }

    /// Sets or clears the credentials provider.
    pub fn set_credentials_provider(&mut self, credentials_provider: Option<SharedCredentialsProvider>) -> &mut Self {
        self.config.auth.sigv4.credentials_provider = credentials_provider;
        self
    }
}

impl crate::config::Config {
    /// A configuration from an `aws_types::SdkConfig` (what `aws_config::load_defaults` reads from
    /// the environment, profiles and instance metadata).
    pub fn new(sdk_config: &aws_types::SdkConfig) -> Self {
        crate::config::Builder::from(sdk_config).build()
    }

    /// The region requests are signed for.
    pub fn region(&self) -> Option<&Region> {
        self.auth.sigv4.region.as_ref()
    }

    /// The credentials provider that signs requests.
    pub fn credentials_provider(&self) -> Option<SharedCredentialsProvider> {
        self.auth.sigv4.credentials_provider.clone()
    }

    /// The name requests are signed with (`@sigv4(name: ..)`).
    pub fn signing_name(&self) -> &'static str {
        crate::client::SIGNING_NAME
    }
}

impl From<&aws_types::SdkConfig> for crate::config::Builder {
    fn from(sdk_config: &aws_types::SdkConfig) -> Self {
        let mut builder = crate::config::Builder::new();
        builder
            .set_region(sdk_config.region().cloned())
            .set_credentials_provider(sdk_config.credentials_provider())
            .set_endpoint_url(sdk_config.endpoint_url().map(str::to_owned))
            .set_behavior_version(sdk_config.behavior_version())
            .set_http_client(sdk_config.http_client())
            .set_retry_config(sdk_config.retry_config().cloned())
            .set_timeout_config(sdk_config.timeout_config().cloned())
            .set_sleep_impl(sdk_config.sleep_impl())
            .set_time_source(sdk_config.time_source());
        builder
    }
}

impl crate::Client {
    /// A client from an `aws_types::SdkConfig`, e.g. `Client::new(&aws_config::load_defaults(..).await)`.
    #[track_caller]
    pub fn new(sdk_config: &aws_types::SdkConfig) -> Self {
        Self::from_conf(crate::config::Config::new(sdk_config))
    }
}
