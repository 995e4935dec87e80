//! Smithy's value types used in this crate's shapes.

pub use aws_smithy_types::byte_stream::ByteStream;
pub use aws_smithy_types::date_time::Format as DateTimeFormat;
pub use aws_smithy_types::{Blob, DateTime};

/// The value of an enum that this crate does not know: kept as sent, so that a newer server
/// cannot break an older client.
#[doc(hidden)]
pub mod sealed_enum_unknown {
    /// A value an enum does not define.
    #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    pub struct UnknownVariantValue(pub(crate) String);

    impl UnknownVariantValue {
        /// The value as sent.
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }

    impl std::fmt::Display for UnknownVariantValue {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
}
