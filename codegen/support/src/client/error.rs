//! The errors of calls. `send()` answers `Result<Output, SdkError<OperationError, HttpResponse>>`;
//! `ProvideErrorMetadata` reads the error code and message of any service error.

pub use aws_smithy_runtime_api::box_error::BoxError;
pub use aws_smithy_runtime_api::client::result::ConnectorError;
pub use aws_smithy_types::error::display::DisplayErrorContext;
pub use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
pub use aws_smithy_types::error::operation::BuildError;

/// The error of a call: the operation's error (`SdkError::ServiceError`), or a failure to build
/// the request, to send it, to get an answer in time, or to read the answer.
pub type SdkError<E, R = aws_smithy_runtime_api::client::orchestrator::HttpResponse> =
    aws_smithy_runtime_api::client::result::SdkError<E, R>;

/// A string that is not one of an enum's values (from `try_parse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariantError {
    value: String,
}

impl UnknownVariantError {
    // Only the `try_parse` of enums builds one; a model may have none.
    #[allow(dead_code)]
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self { value: value.into() }
    }
}

impl std::fmt::Display for UnknownVariantError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown enum variant: '{}'", self.value)
    }
}

impl std::error::Error for UnknownVariantError {}

pub(crate) mod sealed_unhandled {
    /// An error that the model does not describe, or that could not be read: match on it with a
    /// wildcard and read its [`ProvideErrorMetadata`](crate::error::ProvideErrorMetadata).
    #[derive(Debug)]
    pub struct Unhandled {
        pub(crate) source: crate::error::BoxError,
        pub(crate) meta: crate::error::ErrorMetadata,
    }
}
