//! `@httpBearerAuth`: `Authorization: Bearer <token>` on each request, with the token of the
//! configured resolver.

use aws_smithy_runtime::client::auth::http::BearerAuthScheme;
use aws_smithy_runtime_api::client::auth::http::HTTP_BEARER_AUTH_SCHEME_ID;
use aws_smithy_runtime_api::client::auth::AuthSchemeId;
use aws_smithy_runtime_api::client::identity::{ResolveIdentity, SharedIdentityResolver};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::Layer;

/// Where bearer tokens come from.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bearer {
    resolver: Option<SharedIdentityResolver>,
}

impl Bearer {
    /// Adds bearer auth to an operation's auth, if a token is configured.
    pub(crate) fn add(&self, _layer: &mut Layer, components: &mut RuntimeComponentsBuilder) -> Option<AuthSchemeId> {
        let resolver = self.resolver.as_ref()?;
        components.push_auth_scheme(BearerAuthScheme::new());
        components.set_identity_resolver(HTTP_BEARER_AUTH_SCHEME_ID, resolver.clone());
        Some(HTTP_BEARER_AUTH_SCHEME_ID)
    }
}

impl crate::config::Builder {
    /// Sets the bearer token requests carry (`Token::new(token, expiry)`, or a `&str`).
    pub fn bearer_token(self, token: impl Into<super::config_reexports::Token>) -> Self {
        self.bearer_token_resolver(token.into())
    }

    /// Sets what gives the bearer token (resolved, and cached until it expires, per request).
    pub fn bearer_token_resolver(mut self, resolver: impl ResolveIdentity + 'static) -> Self {
        self.config.auth.bearer.resolver = Some(resolver.into_shared());
        self
    }
}
