//! `@httpApiKeyAuth`: the configured API key in the header or query parameter the trait names.

use aws_smithy_runtime::client::auth::http::{ApiKeyAuthScheme, ApiKeyLocation};
use aws_smithy_runtime_api::client::auth::http::HTTP_API_KEY_AUTH_SCHEME_ID;
use aws_smithy_runtime_api::client::auth::AuthSchemeId;
use aws_smithy_runtime_api::client::identity::{ResolveIdentity, SharedIdentityResolver};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::Layer;

/// Where API keys come from.
#[derive(Clone, Debug, Default)]
pub(crate) struct ApiKey {
    resolver: Option<SharedIdentityResolver>,
}

impl ApiKey {
    /// Adds the API key to an operation's auth, if one is configured.
    pub(crate) fn add(&self, _layer: &mut Layer, components: &mut RuntimeComponentsBuilder) -> Option<AuthSchemeId> {
        let resolver = self.resolver.as_ref()?;
        let (name, in_header, scheme) = super::API_KEY;
        let location = if in_header { ApiKeyLocation::Header } else { ApiKeyLocation::Query };
        components.push_auth_scheme(ApiKeyAuthScheme::new(scheme, location, name));
        components.set_identity_resolver(HTTP_API_KEY_AUTH_SCHEME_ID, resolver.clone());
        Some(HTTP_API_KEY_AUTH_SCHEME_ID)
    }
}

impl crate::config::Builder {
    /// Sets the API key requests carry (`Token::new(key, expiry)`, or a `&str`).
    pub fn api_key(self, key: impl Into<super::config_reexports::Token>) -> Self {
        self.api_key_resolver(key.into())
    }

    /// Sets what gives the API key (resolved, and cached until it expires, per request).
    pub fn api_key_resolver(mut self, resolver: impl ResolveIdentity + 'static) -> Self {
        self.config.auth.api_key.resolver = Some(resolver.into_shared());
        self
    }
}
