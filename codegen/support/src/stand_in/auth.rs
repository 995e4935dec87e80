//! Stands for a generated client's `auth.rs`, as the generator writes it (`auth_rs` in
//! codegen/src/client/auth.rs) for a service with all three auth schemes.

use aws_smithy_runtime::client::orchestrator::operation::OperationBuilder;
use aws_smithy_runtime_api::client::identity::SharedIdentityCache;

#[path = "../client/auth/api_key.rs"]
mod api_key;
#[path = "../client/auth/bearer.rs"]
mod bearer;
#[path = "../client/auth/sigv4.rs"]
mod sigv4;

/// `@httpApiKeyAuth`: the header or query parameter, whether it is a header, and the scheme before the key.
const API_KEY: (&str, bool, &str) = ("X-Api-Key", true, "");

/// An auth scheme of the service.
#[allow(dead_code, reason = "each generated operation names its schemes, in `client.rs`")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheme {
    SigV4,
    Bearer,
    ApiKey,
}

/// The identities the config holds, per scheme.
#[derive(Clone, Debug, Default)]
pub(crate) struct AuthConfig {
    pub(crate) sigv4: sigv4::SigV4,
    pub(crate) bearer: bearer::Bearer,
    pub(crate) api_key: api_key::ApiKey,
}

impl AuthConfig {
    /// The operation's auth: `schemes`, in order, each if the config has its identity; unsigned
    /// when it has none of them.
    pub(crate) fn apply(
        &self,
        operation: OperationBuilder,
        schemes: &[Scheme],
        identity_cache: &SharedIdentityCache,
    ) -> OperationBuilder {
        let mut layer = aws_smithy_types::config_bag::Layer::new("auth");
        layer.store_put(aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams::new(()));
        let mut components = aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder::new("auth");
        let mut options = Vec::new();
        for scheme in schemes {
            options.extend(match scheme {
                Scheme::SigV4 => self.sigv4.add(&mut layer, &mut components),
                Scheme::Bearer => self.bearer.add(&mut layer, &mut components),
                Scheme::ApiKey => self.api_key.add(&mut layer, &mut components),
            });
        }
        if options.is_empty() {
            return operation.no_auth();
        }
        components.set_auth_scheme_option_resolver(Some(
            aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver::new(options),
        ));
        components.set_identity_cache(Some(identity_cache.clone()));
        operation.runtime_plugin(
            aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin::new()
                .with_config(layer.freeze())
                .with_runtime_components(components),
        )
    }
}

/// What `config` re-exports for the schemes (credentials, tokens, region).
pub mod config_reexports {
    pub use super::sigv4::config_reexports::*;
    pub use aws_smithy_runtime_api::client::identity::http::Token;
    pub use aws_smithy_runtime_api::client::identity::ResolveIdentity;
}
