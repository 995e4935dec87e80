//! Auth: the service has no auth trait, so requests are sent unsigned.

use aws_smithy_runtime::client::orchestrator::operation::OperationBuilder;
use aws_smithy_runtime_api::client::identity::SharedIdentityCache;

/// Nothing to configure.
#[derive(Clone, Debug, Default)]
pub(crate) struct AuthConfig;

impl AuthConfig {
    /// Sends the operation's requests unsigned.
    pub(crate) fn apply(&self, operation: OperationBuilder, _identity_cache: &SharedIdentityCache) -> OperationBuilder {
        operation.no_auth()
    }
}

/// Nothing to add to `config`.
pub mod config_reexports {}
