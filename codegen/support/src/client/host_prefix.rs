//! Host prefixes (`@endpoint`): an operation's prefix, made from its input, goes where the
//! runtime's endpoint stage takes it from; the runtime validates it and puts it before the
//! endpoint's host.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_types::config_bag::ConfigBag;

/// The host prefix of one operation, made from its input of type `I`.
pub(crate) struct HostPrefix<I> {
    make: fn(&I) -> Result<String, BoxError>,
}

impl<I> HostPrefix<I> {
    pub(crate) fn new(make: fn(&I) -> Result<String, BoxError>) -> Self {
        Self { make }
    }
}

impl<I> std::fmt::Debug for HostPrefix<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostPrefix")
    }
}

impl<I: std::fmt::Debug + Send + Sync + 'static> Intercept for HostPrefix<I> {
    fn name(&self) -> &'static str {
        "HostPrefix"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input().downcast_ref::<I>().ok_or("the operation's input has another type")?;
        let prefix = EndpointPrefix::new((self.make)(input)?)?;
        cfg.interceptor_state().store_put(prefix);
        Ok(())
    }
}
