//! Request compression (`@requestCompression`): a body large enough is gzipped before it is
//! signed, and `gzip` is appended to its `Content-Encoding`.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;

use crate::config::Config;

/// Gzips the request bodies of one operation, as the config says.
#[derive(Debug)]
pub(crate) struct RequestCompression {
    /// The smallest body to compress; `None` when compression is disabled.
    min_size: Option<usize>,
}

impl RequestCompression {
    pub(crate) fn new(conf: &Config) -> Self {
        let min_size = conf.request_min_compression_size_bytes() as usize;
        Self { min_size: (!conf.disable_request_compression()).then_some(min_size) }
    }
}

impl Intercept for RequestCompression {
    fn name(&self) -> &'static str {
        "RequestCompression"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(min_size) = self.min_size else { return Ok(()) };
        let request = context.request_mut();
        let Some(body) = request.body().bytes() else { return Ok(()) };
        if body.len() < min_size {
            return Ok(());
        }
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut encoder, body)?;
        let compressed = encoder.finish()?;
        let encoding = match request.headers().get("content-encoding") {
            Some(existing) => format!("{existing}, gzip"),
            None => "gzip".to_owned(),
        };
        request.headers_mut().insert("content-encoding", encoding);
        request.headers_mut().insert("content-length", compressed.len().to_string());
        *request.body_mut() = SdkBody::from(compressed);
        Ok(())
    }
}
