//! Stands for a generated client's `client.rs`: the `Client`, and the signing name that the SigV4
//! template reads.

/// The name requests are signed with (`@sigv4`); a generated crate has its service's.
pub(crate) const SIGNING_NAME: &str = "example";

/// A client of a service without operations. A generated one also holds one runtime `Operation`
/// per operation, each built by `runtime::Base::operation`.
#[derive(Clone, Debug)]
pub struct Client {
    conf: std::sync::Arc<crate::Config>,
}

impl Client {
    /// A client with the given configuration.
    ///
    /// # Panics
    ///
    /// If the configuration has no behavior version, as a generated client does (in
    /// `runtime::Base::new`).
    #[track_caller]
    pub fn from_conf(conf: crate::Config) -> Self {
        crate::runtime::Base::new(&conf);
        Client { conf: std::sync::Arc::new(conf) }
    }

    /// The client's configuration.
    pub fn config(&self) -> &crate::Config {
        &self.conf
    }
}
