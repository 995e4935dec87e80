//! Outputs with a `@streaming` payload: a successful response's body is handed over as a
//! `ByteStream` as it arrives; an error answer is read whole, like every other response.

use std::fmt;

use aws_smithy_runtime_api::client::interceptors::context::{Error, Output};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::ser_de::DeserializeResponse;
use aws_smithy_types::config_bag::ConfigBag;

/// The response deserializer of an operation whose output streams.
pub(crate) struct StreamingResponse<O, E> {
    /// Reads the output of a 2xx response, taking its body as the stream.
    pub(crate) success: fn(&mut HttpResponse) -> Result<O, OrchestratorError<E>>,
    /// Reads any response whose body is in memory (errors).
    pub(crate) whole: fn(&HttpResponse) -> Result<O, OrchestratorError<E>>,
}

impl<O, E> fmt::Debug for StreamingResponse<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamingResponse")
    }
}

impl<O, E> DeserializeResponse for StreamingResponse<O, E>
where
    O: fmt::Debug + Send + Sync + 'static,
    E: std::error::Error + fmt::Debug + Send + Sync + 'static,
{
    fn deserialize_streaming_with_config(
        &self,
        response: &mut HttpResponse,
        _cfg: &ConfigBag,
    ) -> Option<Result<Output, OrchestratorError<Error>>> {
        if !response.status().is_success() {
            return None;
        }
        Some(erase((self.success)(response)))
    }

    fn deserialize_nonstreaming_with_config(
        &self,
        response: &HttpResponse,
        _cfg: &ConfigBag,
    ) -> Result<Output, OrchestratorError<Error>> {
        erase((self.whole)(response))
    }
}

fn erase<O, E>(result: Result<O, OrchestratorError<E>>) -> Result<Output, OrchestratorError<Error>>
where
    O: fmt::Debug + Send + Sync + 'static,
    E: std::error::Error + fmt::Debug + Send + Sync + 'static,
{
    result.map(Output::erase).map_err(|error| error.map_operation_error(Error::erase))
}
