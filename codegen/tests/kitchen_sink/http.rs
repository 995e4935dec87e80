//! HTTP tests of the server SDK generated from `codegen/tests/models/kitchen-sink.smithy`. They
//! run inside the generated crate (`codegen/tests/kitchen_sink.rs` copies this file to its
//! `tests/http.rs`): the real service on a loopback port, called with a plain HTTP client. The
//! handlers record the input they receive and answer with fixed outputs or errors, or echo
//! their input for the Echo* operations.

use std::collections::HashMap;
use std::fmt;
use std::future::{Ready, ready};
use std::sync::{Arc, Mutex};

use kitchen_sink_server_sdk::model::{
    Color, Component, Dimensions, Point, Rectangle, ScalarValues, WidgetField, WidgetKind, WidgetShape, WidgetSize,
};
use kitchen_sink_server_sdk::types::{Blob, DateTime};
use kitchen_sink_server_sdk::server::instrumentation::sensitivity::Sensitivity;
use kitchen_sink_server_sdk::server::instrumentation::{InstrumentPlugin, MakeFmt};
use kitchen_sink_server_sdk::server::request::FromParts;
use kitchen_sink_server_sdk::{KitchenSink, KitchenSinkConfig, error, input, model, operation_shape, output};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

// -------------------------------------------------------------------------------------------------
// The service under test
// -------------------------------------------------------------------------------------------------

/// Mon, 16 Dec 2019 23:48:18 GMT.
const T0: i64 = 1_576_540_098;
/// Tue, 17 Dec 2019 23:48:18 GMT.
const T1: i64 = 1_576_626_498;
const T0_HTTP_DATE: &str = "Mon, 16 Dec 2019 23:48:18 GMT";
const T1_HTTP_DATE: &str = "Tue, 17 Dec 2019 23:48:18 GMT";
const T0_DATE_TIME: &str = "2019-12-16T23:48:18Z";
const T1_DATE_TIME: &str = "2019-12-17T23:48:18Z";
/// 2^53 + 1: a long that a JSON number read as a double would lose.
const BIG_LONG: i64 = 9_007_199_254_740_993;

fn t0() -> DateTime {
    DateTime::from_secs(T0)
}

fn t1() -> DateTime {
    DateTime::from_secs(T1)
}

/// The input one handler received.
#[derive(Debug, Clone, PartialEq)]
enum Received {
    CreateWidget(input::CreateWidgetInput),
    PutWidget(input::PutWidgetInput),
    GetWidget(input::GetWidgetInput),
    DeleteWidget(input::DeleteWidgetInput),
    EchoLabels(input::EchoLabelsInput),
    EchoQuery(input::EchoQueryInput),
    EchoHeaders(input::EchoHeadersInput),
    UpdateWidgetSettings(input::UpdateWidgetSettingsInput),
    PutWidgetNotes(input::PutWidgetNotesInput),
    UploadAttachment(input::UploadAttachmentInput),
    DownloadAttachment(input::DownloadAttachmentInput),
    Ping(input::PingInput),
    RotateWidgetKey(input::RotateWidgetKeyInput),
    ListWidgets(input::ListWidgetsInput),
}

type Log = Arc<Mutex<Vec<Received>>>;

/// A handler that records its input in `log`, then answers with `respond(&input)`.
fn handler<I, O>(log: &Log, record: fn(I) -> Received, respond: fn(&I) -> O) -> impl Fn(I) -> Ready<O> + Clone + Send
where
    I: Send + 'static,
    O: Send + 'static,
{
    let log = Arc::clone(log);
    move |input: I| {
        let answer = respond(&input);
        log.lock().unwrap().push(record(input));
        ready(answer)
    }
}

/// The service on `127.0.0.1:0`, and what its handlers received.
struct Server {
    base: String,
    client: reqwest::Client,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start() -> Server {
    let log = Log::default();
    // smithy-rs's InstrumentPlugin applies: every operation says what of it is @sensitive.
    let config = KitchenSinkConfig::builder().http_plugin(InstrumentPlugin).build();
    let app = KitchenSink::builder(config)
        .create_widget(handler(&log, Received::CreateWidget, create_widget))
        .put_widget(handler(&log, Received::PutWidget, put_widget))
        .get_widget(handler(&log, Received::GetWidget, get_widget))
        .delete_widget(handler(&log, Received::DeleteWidget, delete_widget))
        .echo_labels(handler(&log, Received::EchoLabels, echo_labels))
        .echo_query(handler(&log, Received::EchoQuery, echo_query))
        .echo_headers(handler(&log, Received::EchoHeaders, echo_headers))
        .update_widget_settings(handler(&log, Received::UpdateWidgetSettings, update_widget_settings))
        .put_widget_notes(handler(&log, Received::PutWidgetNotes, put_widget_notes))
        .upload_attachment(handler(&log, Received::UploadAttachment, upload_attachment))
        .download_attachment(handler(&log, Received::DownloadAttachment, download_attachment))
        .echo_stream(echo_stream)
        .ping(handler(&log, Received::Ping, ping))
        .rotate_widget_key(handler(&log, Received::RotateWidgetKey, rotate_widget_key))
        .list_widgets(handler(&log, Received::ListWidgets, list_widgets))
        .who_am_i(who_am_i)
        .build()
        .expect("every operation has a handler");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        kitchen_sink_server_sdk::serve(listener, app.into_make_service()).await.expect("the server runs");
    });
    // Straight to the loopback port, whatever proxy the environment names.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    Server { base: format!("http://{address}"), client, log, task }
}

impl Server {
    async fn send(&self, request: &Request) -> Reply {
        let mut builder = self.client.request(request.method.clone(), format!("{}{}", self.base, request.target));
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.unwrap_or_else(|e| panic!("{request:?}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Reply { request: format!("{request:?}"), status, headers, body }
    }

    /// What the handlers received since the last call.
    fn received(&self) -> Vec<Received> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

// --- Handlers: fixed answers, or the input echoed --------------------------------------------------

fn create_widget(input: &input::CreateWidgetInput) -> Result<output::CreateWidgetOutput, error::CreateWidgetError> {
    Ok(output::CreateWidgetOutput {
        widget: model::Widget {
            id: s("w-123"),
            name: input.name.clone(),
            r#type: input.r#type,
            version: ok(1i64),
            size: input.size,
            priority: input.priority,
            quantity: input.quantity.clone(),
            fragile: input.fragile,
            created_at: t0(),
            updated_at: Some(t1()),
            description: input.description.clone().map(String::from),
            scalars: input.scalars.clone(),
            dimensions: input.dimensions.clone(),
            shape: input.shape.clone(),
            alternative_shapes: input.alternative_shapes.clone(),
            tags: input.tags.clone(),
            components: input.components.clone(),
            attributes: input.attributes.clone(),
            components_by_name: input.components_by_name.clone(),
            groups: input.groups.clone(),
            settings: Some(settings()),
        },
    })
}

/// 201 for `new-widget`, the operation's 200 otherwise.
fn put_widget(input: &input::PutWidgetInput) -> Result<output::PutWidgetOutput, error::PutWidgetError> {
    let mut widget = plain_widget(&input.widget_id);
    widget.name = input.name.clone();
    widget.r#type = input.r#type;
    widget.size = input.size;
    widget.scalars = input.scalars.clone();
    widget.shape = input.shape.clone();
    widget.tags = input.tags.clone();
    widget.attributes = input.attributes.clone();
    let status = (input.widget_id.as_str() == "new-widget").then_some(201);
    Ok(output::PutWidgetOutput { status, widget })
}

fn get_widget(input: &input::GetWidgetInput) -> Result<output::GetWidgetOutput, error::GetWidgetError> {
    match input.widget_id.as_str() {
        // A service-level error, which GetWidget does not list itself.
        "overloaded" => Err(error::ServiceUnavailable {
            message: "try again later".to_owned(),
            retry_after_seconds: Some(30),
        }
        .into()),
        "missing-widget" => Err(error::WidgetNotFound {
            message: "no widget missing-widget".to_owned(),
            widget_id: "missing-widget".to_owned(),
            resource_type: None,
        }
        .into()),
        _ => Ok(output::GetWidgetOutput {
            etag: Some("\"v3\"".to_owned()),
            last_modified: Some(t0()),
            widget: plain_widget(&input.widget_id),
        }),
    }
}

/// One modeled error per special widget id.
fn delete_widget(input: &input::DeleteWidgetInput) -> Result<output::DeleteWidgetOutput, error::DeleteWidgetError> {
    match input.widget_id.as_str() {
        "missing-widget" => Err(error::WidgetNotFound {
            message: "no widget missing-widget".to_owned(),
            widget_id: "missing-widget".to_owned(),
            resource_type: Some(model::ResourceType::Widget),
        }
        .into()),
        "busy-widget" => Err(error::WidgetConflict {
            message: "the widget is in use".to_owned(),
            widget_id: Some("busy-widget".to_owned()),
            current_version: Some(7),
            conflicting_fields: Some(ok(vec![WidgetField::Name, WidgetField::Tags])),
        }
        .into()),
        "broken-widget" => Err(error::InternalFailure { message: "the store is down".to_owned() }.into()),
        "locked-widget" => Err(error::ValidationException {
            message: "1 validation error detected. The widget is locked".to_owned(),
            field_list: Some(vec![model::ValidationExceptionField {
                path: "/widgetId".to_owned(),
                message: "The widget is locked".to_owned(),
            }]),
        }
        .into()),
        _ => Ok(output::DeleteWidgetOutput {}),
    }
}

fn echo_labels(input: &input::EchoLabelsInput) -> Result<output::EchoLabelsOutput, error::EchoLabelsError> {
    Ok(output::EchoLabelsOutput {
        string: input.string.as_str().to_owned(),
        boolean: input.boolean,
        byte: *input.byte.inner(),
        short: *input.short.inner(),
        integer: *input.integer.inner(),
        long: *input.long.inner(),
        float: *input.float.inner(),
        double: *input.double.inner(),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
    })
}

fn echo_query(input: &input::EchoQueryInput) -> Result<output::EchoQueryOutput, error::EchoQueryError> {
    Ok(output::EchoQueryOutput {
        query: input.query.as_str().to_owned(),
        string: input.string.as_ref().map(|v| v.as_str().to_owned()),
        boolean: input.boolean,
        byte: input.byte.as_ref().map(|v| *v.inner()),
        short: input.short.as_ref().map(|v| *v.inner()),
        integer: input.integer.as_ref().map(|v| *v.inner()),
        long: input.long.as_ref().map(|v| *v.inner()),
        float: input.float.as_ref().map(|v| *v.inner()),
        double: input.double.as_ref().map(|v| *v.inner()),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
        page_size: *input.page_size.inner(),
        order: input.order,
        verbose: input.verbose,
        tags: input.tags.clone(),
        integers: input.integers.clone().map(|v| v.into_inner()),
        booleans: input.booleans.clone(),
        doubles: input.doubles.clone(),
        timestamps: input.timestamps.clone(),
        epoch_seconds_list: input.epoch_seconds_list.clone(),
        enums: input.enums.clone(),
        int_enums: input.int_enums.clone(),
    })
}

fn echo_headers(input: &input::EchoHeadersInput) -> Result<output::EchoHeadersOutput, error::EchoHeadersError> {
    Ok(output::EchoHeadersOutput {
        request_id: input.request_id.as_str().to_owned(),
        string: input.string.as_ref().map(|v| v.as_str().to_owned()),
        boolean: input.boolean,
        byte: input.byte,
        short: input.short.as_ref().map(|v| *v.inner()),
        integer: input.integer.as_ref().map(|v| *v.inner()),
        long: input.long.as_ref().map(|v| *v.inner()),
        float: input.float.as_ref().map(|v| *v.inner()),
        double: input.double.as_ref().map(|v| *v.inner()),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
        strings: input.strings.clone(),
        integers: input.integers.clone(),
        booleans: input.booleans.clone(),
        timestamps: input.timestamps.clone(),
        enums: input.enums.clone(),
        int_enums: input.int_enums.clone(),
    })
}

/// Echoes the settings, with the next revision.
fn update_widget_settings(
    input: &input::UpdateWidgetSettingsInput,
) -> Result<output::UpdateWidgetSettingsOutput, error::UpdateWidgetSettingsError> {
    Ok(output::UpdateWidgetSettingsOutput {
        revision: input.revision.as_ref().map(|v| *v.inner() + 1),
        settings: Some(input.settings.clone()),
    })
}

/// `w-1` had notes before, other widgets had none.
fn put_widget_notes(
    input: &input::PutWidgetNotesInput,
) -> Result<output::PutWidgetNotesOutput, error::PutWidgetNotesError> {
    let previous_notes = (input.widget_id.as_str() == "w-1").then(|| "Old notes, ✓.".to_owned());
    Ok(output::PutWidgetNotesOutput { previous_notes })
}

fn upload_attachment(
    input: &input::UploadAttachmentInput,
) -> Result<output::UploadAttachmentOutput, error::UploadAttachmentError> {
    Ok(output::UploadAttachmentOutput { size_bytes: input.data.as_ref().len() as i64, uploaded_at: t0() })
}

fn download_attachment(
    _: &input::DownloadAttachmentInput,
) -> Result<output::DownloadAttachmentOutput, error::DownloadAttachmentError> {
    Ok(output::DownloadAttachmentOutput {
        size_bytes: Some(5),
        uploaded_at: Some(t0()),
        description: Some("a greeting".to_owned()),
        data: Some(Blob::new(b"hello".to_vec())),
    })
}

/// Reads the request's stream as it arrives and answers with its bytes reversed, as a stream. (Not
/// recorded: a stream can be neither cloned nor compared.)
async fn echo_stream(input: input::EchoStreamInput) -> Result<output::EchoStreamOutput, error::EchoStreamError> {
    let mut bytes = input.data.collect().await.expect("the request body reads").to_vec();
    bytes.reverse();
    Ok(output::EchoStreamOutput {
        label: input.label,
        length: Some(bytes.len() as i64),
        data: kitchen_sink_server_sdk::types::ByteStream::from(bytes),
    })
}

fn ping(_: &input::PingInput) -> Result<output::PingOutput, error::PingError> {
    Ok(output::PingOutput { status: s("ok"), server_time: Some(t0()) })
}

fn rotate_widget_key(
    _: &input::RotateWidgetKeyInput,
) -> Result<output::RotateWidgetKeyOutput, error::RotateWidgetKeyError> {
    Ok(output::RotateWidgetKeyOutput {
        fingerprint: Some("fingerprint-secret".to_owned()),
        key: Some(model::WidgetKey { material: "material-secret".to_owned() }),
        key_id: Some("k-1".to_owned()),
    })
}

/// The request's credentials, which handlers can take as an extractor.
struct Credentials(output::WhoAmIOutput);

impl<P> FromParts<P> for Credentials {
    type Rejection = std::convert::Infallible;
    fn from_parts(parts: &mut http::request::Parts) -> Result<Self, Self::Rejection> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Credentials(output::WhoAmIOutput { authorization: header("authorization"), api_key: header("x-api-key") }))
    }
}

async fn who_am_i(
    _: input::WhoAmIInput,
    credentials: Credentials,
) -> Result<output::WhoAmIOutput, error::WhoAmIError> {
    Ok(credentials.0)
}

/// Three pages: `w-1 w-2`, then `w-3` (the page size is ignored); the token `again` is answered
/// with itself.
fn list_widgets(input: &input::ListWidgetsInput) -> Result<output::ListWidgetsOutput, error::ListWidgetsError> {
    let (ids, next): (&[&str], _) = match input.next_token.as_deref() {
        None => (&["w-1", "w-2"], Some("page-2")),
        Some("page-2") => (&["w-3"], None),
        Some(other) => (&[], Some(other)),
    };
    Ok(output::ListWidgetsOutput {
        widget_ids: Some(ids.iter().map(|id| id.to_string()).collect()),
        next_token: next.map(str::to_owned),
    })
}

// --- Values ----------------------------------------------------------------------------------------

/// A constrained value that is valid.
fn ok<V, T>(value: V) -> T
where
    T: TryFrom<V>,
    T::Error: fmt::Debug,
{
    T::try_from(value).expect("a valid value")
}

/// A constrained string or an enum, from its text.
fn s<T>(value: &str) -> T
where
    T: TryFrom<String>,
    T::Error: fmt::Debug,
{
    ok(value.to_owned())
}

fn tag_list(tags: &[&str]) -> model::TagList {
    ok(tags.iter().map(|tag| s::<model::Tag>(tag)).collect::<Vec<_>>())
}

fn quantities(values: &[i32]) -> Vec<model::Quantity> {
    values.iter().map(|v| ok(*v)).collect()
}

fn attributes(pairs: &[(&str, &str)]) -> model::AttributeMap {
    ok(pairs
        .iter()
        .map(|(k, v)| (s::<model::AttributeKey>(k), s::<model::AttributeValue>(v)))
        .collect::<HashMap<_, _>>())
}

fn scalars_with_label(label: &str) -> ScalarValues {
    ScalarValues {
        label: label.to_owned(),
        string_value: None,
        boolean_value: None,
        byte_value: None,
        short_value: None,
        integer_value: None,
        long_value: None,
        float_value: None,
        double_value: None,
        blob_value: None,
        timestamp_value: None,
        date_time_value: None,
        http_date_value: None,
        epoch_seconds_value: None,
        epoch_seconds_shape_value: None,
        enum_value: None,
        int_enum_value: None,
        renamed_value: None,
    }
}

/// One value of every scalar type, and its JSON.
fn all_scalars() -> ScalarValues {
    ScalarValues {
        label: "all".to_owned(),
        string_value: Some(s("text")),
        boolean_value: Some(false),
        byte_value: Some(ok(-128i8)),
        short_value: Some(ok(-1000i16)),
        integer_value: Some(ok(1000i32)),
        long_value: Some(ok(BIG_LONG)),
        float_value: Some(ok(0.25f32)),
        double_value: Some(ok(4999.5f64)),
        blob_value: Some(Blob::new(b"hello".to_vec())),
        timestamp_value: Some(t0()),
        date_time_value: Some(t1()),
        http_date_value: Some(t0()),
        epoch_seconds_value: Some(t1()),
        epoch_seconds_shape_value: Some(DateTime::from_secs_and_nanos(T0, 500_000_000)),
        enum_value: Some(Color::DarkGrey),
        int_enum_value: Some(3),
        renamed_value: Some("renamed".to_owned()),
    }
}

fn all_scalars_json() -> Value {
    json!({
        "label": "all",
        "stringValue": "text",
        "booleanValue": false,
        "byteValue": -128,
        "shortValue": -1000,
        "integerValue": 1000,
        "longValue": BIG_LONG,
        "floatValue": 0.25,
        "doubleValue": 4999.5,
        "blobValue": "aGVsbG8=",
        "timestampValue": T0,
        "dateTimeValue": T1_DATE_TIME,
        "httpDateValue": T0_HTTP_DATE,
        "epochSecondsValue": T1,
        "epochSecondsShapeValue": 1_576_540_098.5,
        "enumValue": "dark grey",
        "intEnumValue": 3,
        "snake_case_value": "renamed"
    })
}

fn settings() -> model::WidgetSettings {
    model::WidgetSettings {
        visibility: model::Visibility::Private,
        refresh_seconds: ok(60i32),
        notify: true,
        notify_emails: Some(ok(vec![s::<model::Email>("ops@example.com")])),
        thresholds: Some(HashMap::from([("warn".to_owned(), ok(2.5f64))])),
    }
}

fn settings_json() -> Value {
    json!({
        "visibility": "PRIVATE",
        "refreshSeconds": 60,
        "notify": true,
        "notify_emails": ["ops@example.com"],
        "thresholds": {"warn": 2.5}
    })
}

/// A widget with only its required and default members.
fn plain_widget(id: &model::WidgetId) -> model::Widget {
    model::Widget {
        id: id.clone(),
        name: s("Plain"),
        r#type: WidgetKind::Gizmo,
        version: ok(3i64),
        size: WidgetSize::Small,
        priority: 1,
        quantity: ok(0i32),
        fragile: false,
        created_at: t0(),
        updated_at: None,
        description: None,
        scalars: None,
        dimensions: None,
        shape: None,
        alternative_shapes: None,
        tags: None,
        components: None,
        attributes: None,
        components_by_name: None,
        groups: None,
        settings: None,
    }
}

fn plain_widget_json(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Plain",
        "widgetType": "GIZMO",
        "version": 3,
        "size": "SMALL",
        "priority": 1,
        "quantity": 0,
        "fragile": false,
        "createdAt": T0
    })
}

// -------------------------------------------------------------------------------------------------
// Requests and responses
// -------------------------------------------------------------------------------------------------

struct Request {
    method: Method,
    /// Path and query, already percent-encoded.
    target: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Request {
    fn new(method: Method, target: impl Into<String>) -> Self {
        Request { method, target: target.into(), headers: Vec::new(), body: None }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// A body without any `Content-Type`.
    fn raw_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.header("Content-Type", content_type).raw_body(body)
    }

    fn json(self, body: &Value) -> Self {
        self.body("application/json", serde_json::to_vec(body).unwrap())
    }
}

fn get(target: impl Into<String>) -> Request {
    Request::new(Method::GET, target)
}

fn post(target: impl Into<String>) -> Request {
    Request::new(Method::POST, target)
}

fn put(target: impl Into<String>) -> Request {
    Request::new(Method::PUT, target)
}

fn delete(target: impl Into<String>) -> Request {
    Request::new(Method::DELETE, target)
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.target)?;
        for (name, value) in &self.headers {
            write!(f, "\n{name}: {value}")?;
        }
        if let Some(body) = &self.body {
            write!(f, "\n\n{}", abbreviated(body))?;
        }
        Ok(())
    }
}

struct Reply {
    /// The request, for assertion messages.
    request: String,
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().expect("a visible ASCII header value"))
    }

    /// The media type of `Content-Type`, without parameters.
    fn media_type(&self) -> Option<&str> {
        self.header("content-type").map(|value| value.split(';').next().unwrap().trim())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("the body is not JSON ({e}):\n{self:?}"))
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "request:\n{}\n\nresponse: {}", self.request, self.status)?;
        for (name, value) in &self.headers {
            write!(f, "\n{name}: {}", String::from_utf8_lossy(value.as_bytes()))?;
        }
        write!(f, "\n\n{}", abbreviated(&self.body))
    }
}

fn abbreviated(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(600) {
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], body.len()),
        None => text.into_owned(),
    }
}

/// A JSON response: status, `Content-Type` and the body compared as JSON.
#[track_caller]
fn assert_json(reply: &Reply, status: u16, body: &Value) {
    assert_eq!(reply.status, status, "status\n{reply:?}");
    assert_eq!(reply.media_type(), Some("application/json"), "Content-Type\n{reply:?}");
    assert_eq!(&reply.json(), body, "body\n{reply:?}");
}

/// An error response: status, `x-amzn-errortype`, `Content-Type` and JSON body.
#[track_caller]
fn assert_error(reply: &Reply, status: u16, error_type: &str, body: &Value) {
    assert_eq!(reply.header("x-amzn-errortype"), Some(error_type), "x-amzn-errortype\n{reply:?}");
    assert_json(reply, status, body);
}

/// The model's ValidationException for one broken constraint, in smithy-rs's wording.
#[track_caller]
fn assert_validation(reply: &Reply, path: &str, message: &str) {
    let body = json!({
        "message": format!("1 validation error detected. {message}"),
        "fieldList": [{"path": path, "message": message}]
    });
    assert_error(reply, 400, "ValidationException", &body);
}

/// A framework error: its status and name, and an empty JSON object.
#[track_caller]
fn assert_framework_error(reply: &Reply, status: u16, error_type: &str) {
    assert_error(reply, status, error_type, &json!({}));
}

#[track_caller]
fn assert_header(reply: &Reply, name: &str, value: &str) {
    assert_eq!(reply.header(name), Some(value), "header {name}\n{reply:?}");
}

/// Sends each request, expects the ValidationException at `path` with `message`, and checks
/// that no handler ran.
async fn assert_violations(server: &Server, cases: Vec<(Request, &str, String)>) {
    for (request, path, message) in cases {
        let reply = server.send(&request).await;
        assert_validation(&reply, path, &message);
        assert_eq!(server.received(), vec![], "a handler ran for\n{request:?}");
    }
}

fn length(length: usize, path: &str, constraint: &str) -> String {
    format!("Value with length {length} at '{path}' failed to satisfy constraint: Member must have length {constraint}")
}

fn value(path: &str, constraint: &str) -> String {
    format!("Value at '{path}' failed to satisfy constraint: Member must {constraint}")
}

// -------------------------------------------------------------------------------------------------
// Every operation with a valid request
// -------------------------------------------------------------------------------------------------

fn full_widget_request() -> Value {
    json!({
        "name": "Gear Box",
        "widgetType": "GADGET",
        "quantity": 3,
        "size": "x-large",
        "priority": 10,
        "fragile": true,
        "weightKg": 2.5,
        "description": "A box of gears",
        "scalars": all_scalars_json(),
        "dimensions": {"widthCm": 12.5, "heightCm": 30.25, "depthCm": 4.5, "origin": {"x": -3, "y": 4}},
        "shape": {"circle": {"radius": 7}},
        "alternativeShapes": [
            {"rectangle": {"width": 2, "height": 3}},
            {"freeform": "Blob"},
            {"sides": 6},
            {"hollow": true},
            {"bitmap": "AAEC"},
            {"colour": "green"},
            {"timestamp": T0},
            {"points": [{"x": 1, "y": 2}, {"x": -1, "y": 0}]},
            {"labels": {"k": "v"}}
        ],
        "Tags": ["blue", "team:core"],
        "components": [{"name": "Axle", "count": 2, "tags": ["metal"], "shape": {"sides": 4}}],
        "attributes": {"colour": "red", "material_1": ""},
        "componentsByName": {"wheel": {"name": "Wheel", "count": 4}},
        "groups": {"primary": ["a", "b"], "empty": []},
        "unknownMember": {"is": ["ignored", 1, null]}
    })
}

#[tokio::test]
async fn create_widget_reads_every_body_type_and_answers_201_with_the_widget() {
    let server = start().await;
    let request = full_widget_request();
    let reply = server.send(&post("/widgets").json(&request)).await;

    let expected = input::CreateWidgetInput {
        name: s("Gear Box"),
        r#type: WidgetKind::Gadget,
        quantity: ok(3i32),
        size: WidgetSize::ExtraLarge,
        priority: 10,
        fragile: true,
        weight_kg: ok(2.5f64),
        description: Some(s("A box of gears")),
        scalars: Some(all_scalars()),
        dimensions: Some(Dimensions {
            width_cm: ok(12.5f32),
            height_cm: ok(30.25f32),
            depth_cm: Some(4.5),
            origin: Some(Point { x: -3, y: 4 }),
        }),
        shape: Some(WidgetShape::Circle(model::Circle { radius: ok(7i32) })),
        alternative_shapes: Some(vec![
            WidgetShape::Rectangle(Rectangle { width: 2, height: 3 }),
            WidgetShape::Freeform(s("Blob")),
            WidgetShape::Sides(ok(6i32)),
            WidgetShape::Hollow(true),
            WidgetShape::Bitmap(Blob::new(vec![0, 1, 2])),
            WidgetShape::Color(Color::Green),
            WidgetShape::Timestamp(t0()),
            WidgetShape::Points(vec![Point { x: 1, y: 2 }, Point { x: -1, y: 0 }]),
            WidgetShape::Labels(attributes(&[("k", "v")])),
        ]),
        tags: Some(tag_list(&["blue", "team:core"])),
        components: Some(ok(vec![Component {
            name: s("Axle"),
            count: ok(2i32),
            tags: Some(tag_list(&["metal"])),
            shape: Some(WidgetShape::Sides(ok(4i32))),
        }])),
        attributes: Some(attributes(&[("colour", "red"), ("material_1", "")])),
        components_by_name: Some(HashMap::from([(
            "wheel".to_owned(),
            Component { name: s("Wheel"), count: ok(4i32), tags: None, shape: None },
        )])),
        groups: Some(ok(HashMap::from([
            ("primary".to_owned(), tag_list(&["a", "b"])),
            ("empty".to_owned(), tag_list(&[])),
        ]))),
    };
    assert_eq!(server.received(), vec![Received::CreateWidget(expected)]);

    let mut widget = request;
    let members = widget.as_object_mut().unwrap();
    members.remove("weightKg");
    members.remove("unknownMember");
    members.insert("id".to_owned(), json!("w-123"));
    members.insert("version".to_owned(), json!(1));
    members.insert("createdAt".to_owned(), json!(T0));
    members.insert("updatedAt".to_owned(), json!(T1_DATE_TIME));
    members.insert("settings".to_owned(), settings_json());
    assert_json(&reply, 201, &json!({ "widget": widget }));
}

#[tokio::test]
async fn create_widget_applies_defaults_and_leaves_absent_members_out() {
    let server = start().await;
    let reply = server.send(&post("/widgets").json(&json!({"name": "Gear", "widgetType": "GIZMO"}))).await;

    let expected = input::CreateWidgetInput {
        name: s("Gear"),
        r#type: WidgetKind::Gizmo,
        quantity: ok(1i32),
        size: WidgetSize::Medium,
        priority: 2,
        fragile: false,
        weight_kg: ok(1.5f64),
        description: None,
        scalars: None,
        dimensions: None,
        shape: None,
        alternative_shapes: None,
        tags: None,
        components: None,
        attributes: None,
        components_by_name: None,
        groups: None,
    };
    assert_eq!(server.received(), vec![Received::CreateWidget(expected)]);
    let widget = json!({
        "id": "w-123",
        "name": "Gear",
        "widgetType": "GIZMO",
        "version": 1,
        "size": "MEDIUM",
        "priority": 2,
        "quantity": 1,
        "fragile": false,
        "createdAt": T0,
        "updatedAt": T1_DATE_TIME,
        "settings": settings_json()
    });
    assert_json(&reply, 201, &json!({ "widget": widget }));
}

#[tokio::test]
async fn put_widget_reads_label_and_body_and_answers_with_the_http_response_code() {
    let server = start().await;
    let body = json!({
        "name": "Sprocket",
        "widgetType": "DOOHICKEY",
        "expectedVersion": 0,
        "scalars": {"label": "only"},
        "shape": {"labels": {"a": "b"}},
        "tags": ["x"],
        "attributes": {"k": "v"}
    });
    let reply = server.send(&put("/widgets/new-widget").json(&body)).await;
    let expected = input::PutWidgetInput {
        widget_id: s("new-widget"),
        name: s("Sprocket"),
        r#type: WidgetKind::Doohickey,
        size: WidgetSize::Medium,
        expected_version: Some(ok(0i64)),
        scalars: Some(scalars_with_label("only")),
        shape: Some(WidgetShape::Labels(attributes(&[("a", "b")]))),
        tags: Some(tag_list(&["x"])),
        attributes: Some(attributes(&[("k", "v")])),
    };
    assert_eq!(server.received(), vec![Received::PutWidget(expected)]);
    let mut widget = plain_widget_json("new-widget");
    let members = widget.as_object_mut().unwrap();
    members.insert("name".to_owned(), json!("Sprocket"));
    members.insert("widgetType".to_owned(), json!("DOOHICKEY"));
    members.insert("size".to_owned(), json!("MEDIUM"));
    members.insert("scalars".to_owned(), json!({"label": "only"}));
    members.insert("shape".to_owned(), json!({"labels": {"a": "b"}}));
    members.insert("Tags".to_owned(), json!(["x"]));
    members.insert("attributes".to_owned(), json!({"k": "v"}));
    assert_json(&reply, 201, &json!({ "widget": widget }));

    // No @httpResponseCode value: the @http code.
    let body = json!({"name": "Sprocket", "widgetType": "GADGET", "size": "LARGE"});
    let reply = server.send(&put("/widgets/old-widget").json(&body)).await;
    let expected = input::PutWidgetInput {
        widget_id: s("old-widget"),
        name: s("Sprocket"),
        r#type: WidgetKind::Gadget,
        size: WidgetSize::Large,
        expected_version: None,
        scalars: None,
        shape: None,
        tags: None,
        attributes: None,
    };
    assert_eq!(server.received(), vec![Received::PutWidget(expected)]);
    let mut widget = plain_widget_json("old-widget");
    let members = widget.as_object_mut().unwrap();
    members.insert("name".to_owned(), json!("Sprocket"));
    members.insert("widgetType".to_owned(), json!("GADGET"));
    members.insert("size".to_owned(), json!("LARGE"));
    assert_json(&reply, 200, &json!({ "widget": widget }));
}

#[tokio::test]
async fn get_widget_reads_label_query_lists_and_defaults_and_answers_with_headers_and_body() {
    let server = start().await;
    let reply =
        server.send(&get("/widgets/w-1?version=3&field=name&field=tags&includeDeleted=true&minPriority=10")).await;
    let expected = input::GetWidgetInput {
        widget_id: s("w-1"),
        version: Some(ok(3i64)),
        fields: Some(ok(vec![WidgetField::Name, WidgetField::Tags])),
        include_deleted: true,
        min_priority: 10,
    };
    assert_eq!(server.received(), vec![Received::GetWidget(expected)]);
    assert_json(&reply, 200, &json!({"widget": plain_widget_json("w-1")}));
    assert_header(&reply, "etag", "\"v3\"");
    assert_header(&reply, "last-modified", T0_HTTP_DATE);

    let reply = server.send(&get("/widgets/w-2")).await;
    let expected = input::GetWidgetInput {
        widget_id: s("w-2"),
        version: None,
        fields: None,
        include_deleted: false,
        min_priority: 1,
    };
    assert_eq!(server.received(), vec![Received::GetWidget(expected)]);
    assert_json(&reply, 200, &json!({"widget": plain_widget_json("w-2")}));
}

#[tokio::test]
async fn delete_widget_reads_label_query_and_header_and_answers_204_without_a_body() {
    let server = start().await;
    let reply = server.send(&delete("/widgets/w-1?force=true").header("If-Match-Version", "7")).await;
    let expected = input::DeleteWidgetInput { widget_id: s("w-1"), force: true, if_match_version: Some(ok(7i64)) };
    assert_eq!(server.received(), vec![Received::DeleteWidget(expected)]);
    assert_eq!(reply.status, 204, "{reply:?}");
    assert!(reply.body.is_empty(), "a 204 has no content\n{reply:?}");

    let reply = server.send(&delete("/widgets/w-2")).await;
    let expected = input::DeleteWidgetInput { widget_id: s("w-2"), force: false, if_match_version: None };
    assert_eq!(server.received(), vec![Received::DeleteWidget(expected)]);
    assert_eq!(reply.status, 204, "{reply:?}");
    assert!(reply.body.is_empty(), "a 204 has no content\n{reply:?}");
}

/// The labels of EchoLabels, percent-encoded, with `replace`d ones.
fn labels_path(replace: &[(usize, &str)]) -> String {
    let mut labels = [
        "a%2Db~c",                                       // string "a-b~c"
        "true",                                          // boolean
        "-100",                                          // byte
        "-1000",                                         // short
        "1000",                                          // integer
        "9007199254740993",                              // long
        "-1000.5",                                       // float
        "0.1",                                           // double
        "2019-12-16T23%3A48%3A18Z",                      // timestamp (date-time)
        "2019-12-17T23:48:18Z",                          // dateTime
        "Mon%2C%2016%20Dec%202019%2023%3A48%3A18%20GMT", // httpDate
        "1576626498",                                    // epochSeconds
        "dark%20grey",                                   // enum
        "10",                                            // intEnum
    ];
    for &(index, label) in replace {
        labels[index] = label;
    }
    format!("/labels/{}", labels.join("/"))
}

#[tokio::test]
async fn echo_labels_reads_a_label_of_every_type_percent_decoded() {
    let server = start().await;
    let reply = server.send(&get(labels_path(&[]))).await;
    let expected = input::EchoLabelsInput {
        string: s("a-b~c"),
        boolean: true,
        byte: ok(-100i8),
        short: ok(-1000i16),
        integer: ok(1000i32),
        long: ok(BIG_LONG),
        float: ok(-1000.5f32),
        double: ok(0.1f64),
        timestamp: t0(),
        date_time: t1(),
        http_date: t0(),
        epoch_seconds: t1(),
        r#enum: Color::DarkGrey,
        int_enum: 10,
    };
    assert_eq!(server.received(), vec![Received::EchoLabels(expected)]);
    let body = json!({
        "string": "a-b~c",
        "boolean": true,
        "byte": -100,
        "short": -1000,
        "integer": 1000,
        "long": BIG_LONG,
        "float": -1000.5,
        "double": 0.1,
        "timestamp": T0,
        "dateTime": T1_DATE_TIME,
        "httpDate": T0_HTTP_DATE,
        "epochSeconds": T1,
        "enum": "dark grey",
        "intEnum": 10
    });
    assert_json(&reply, 200, &body);
}

#[tokio::test]
async fn echo_query_reads_query_scalars_lists_and_defaults() {
    let server = start().await;
    let query = [
        "q=hello%20world",
        "string=Widget%20A",
        "boolean=true",
        "byte=100",
        "short=-3",
        "integer=42",
        "long=9007199254740993",
        "float=0.25",
        "double=5000",
        "timestamp=2019-12-16T23%3A48%3A18Z",
        "dateTime=2019-12-17T23:48:18Z",
        "httpDate=Mon%2C%2016%20Dec%202019%2023%3A48%3A18%20GMT",
        "epochSeconds=1576626498",
        "enum=dark%20grey",
        "intEnum=3",
        "pageSize=100",
        "order=descending",
        "verbose=false",
        "tag=blue",
        "tag=team%3Acore",
        "integerList=1",
        "integerList=1000",
        "booleanList=true",
        "booleanList=false",
        "doubleList=1.5",
        "doubleList=-2.25",
        "timestampList=2019-12-16T23%3A48%3A18Z",
        "timestampList=2019-12-17T23:48:18Z",
        "epochSecondsList=1576540098",
        "epochSecondsList=1576626498.5",
        "enumList=red",
        "enumList=dark%20grey",
        "intEnumList=1",
        "intEnumList=10",
        "unknown=ignored",
    ];
    let reply = server.send(&get(format!("/query?{}", query.join("&")))).await;
    let expected = input::EchoQueryInput {
        query: s("hello world"),
        string: Some(s("Widget A")),
        boolean: Some(true),
        byte: Some(ok(100i8)),
        short: Some(ok(-3i16)),
        integer: Some(ok(42i32)),
        long: Some(ok(BIG_LONG)),
        float: Some(ok(0.25f32)),
        double: Some(ok(5000.0f64)),
        timestamp: Some(t0()),
        date_time: Some(t1()),
        http_date: Some(t0()),
        epoch_seconds: Some(t1()),
        r#enum: Some(Color::DarkGrey),
        int_enum: Some(3),
        page_size: ok(100i32),
        order: model::SortOrder::Descending,
        verbose: false,
        tags: Some(tag_list(&["blue", "team:core"])),
        integers: Some(ok(quantities(&[1, 1000]))),
        booleans: Some(vec![true, false]),
        doubles: Some(vec![1.5, -2.25]),
        timestamps: Some(vec![t0(), t1()]),
        epoch_seconds_list: Some(vec![t0(), DateTime::from_secs_and_nanos(T1, 500_000_000)]),
        enums: Some(vec![Color::Red, Color::DarkGrey]),
        int_enums: Some(vec![1, 10]),
    };
    assert_eq!(server.received(), vec![Received::EchoQuery(expected)]);
    let body = json!({
        "query": "hello world",
        "string": "Widget A",
        "boolean": true,
        "byte": 100,
        "short": -3,
        "integer": 42,
        "long": BIG_LONG,
        "float": 0.25,
        "double": 5000.0,
        "timestamp": T0,
        "dateTime": T1_DATE_TIME,
        "httpDate": T0_HTTP_DATE,
        "epochSeconds": T1,
        "enum": "dark grey",
        "intEnum": 3,
        "pageSize": 100,
        "order": "descending",
        "verbose": false,
        "tags": ["blue", "team:core"],
        "integers": [1, 1000],
        "booleans": [true, false],
        "doubles": [1.5, -2.25],
        "timestamps": [T0, T1],
        "epochSecondsList": [T0, 1_576_626_498.5],
        "enums": ["red", "dark grey"],
        "intEnums": [1, 10]
    });
    assert_json(&reply, 200, &body);

    let reply = server.send(&get("/query?q=x")).await;
    let expected = input::EchoQueryInput {
        query: s("x"),
        string: None,
        boolean: None,
        byte: None,
        short: None,
        integer: None,
        long: None,
        float: None,
        double: None,
        timestamp: None,
        date_time: None,
        http_date: None,
        epoch_seconds: None,
        r#enum: None,
        int_enum: None,
        page_size: ok(25i32),
        order: model::SortOrder::Ascending,
        verbose: true,
        tags: None,
        integers: None,
        booleans: None,
        doubles: None,
        timestamps: None,
        epoch_seconds_list: None,
        enums: None,
        int_enums: None,
    };
    assert_eq!(server.received(), vec![Received::EchoQuery(expected)]);
    assert_json(&reply, 200, &json!({"query": "x", "pageSize": 25, "order": "ascending", "verbose": true}));
}

#[tokio::test]
async fn echo_headers_reads_and_writes_headers_of_every_type_and_lists() {
    let server = start().await;
    let request = post("/headers")
        .header("X-Request-Id", "0123abcd-ef")
        .header("X-String", "Widget A")
        .header("X-Boolean", "false")
        .header("X-Byte", "-7")
        .header("X-Short", "1000")
        .header("X-Integer", "0")
        .header("X-Long", "9007199254740993")
        .header("X-Float", "0.5")
        .header("X-Double", "2.5")
        .header("X-Timestamp", T0_HTTP_DATE)
        .header("X-Date-Time", T1_DATE_TIME)
        .header("X-Http-Date", T1_HTTP_DATE)
        .header("X-Epoch-Seconds", "1576540098")
        .header("X-Enum", "dark grey")
        .header("X-Int-Enum", "10")
        .header("X-String-List", "blue, team:core")
        .header("X-Integer-List", "1,2 , 3")
        .header("X-Boolean-List", "true, false")
        .header("X-Timestamp-List", format!("{T0_HTTP_DATE}, {T1_HTTP_DATE}"))
        .header("X-Enum-List", "red, \"dark grey\"")
        // A list over two header lines.
        .header("X-Int-Enum-List", "1")
        .header("X-Int-Enum-List", "10");
    let reply = server.send(&request).await;
    let expected = input::EchoHeadersInput {
        request_id: s("0123abcd-ef"),
        string: Some(s("Widget A")),
        boolean: Some(false),
        byte: Some(-7),
        short: Some(ok(1000i16)),
        integer: Some(ok(0i32)),
        long: Some(ok(BIG_LONG)),
        float: Some(ok(0.5f32)),
        double: Some(ok(2.5f64)),
        timestamp: Some(t0()),
        date_time: Some(t1()),
        http_date: Some(t1()),
        epoch_seconds: Some(t0()),
        r#enum: Some(Color::DarkGrey),
        int_enum: Some(10),
        strings: Some(tag_list(&["blue", "team:core"])),
        integers: Some(quantities(&[1, 2, 3])),
        booleans: Some(vec![true, false]),
        timestamps: Some(ok(vec![t0(), t1()])),
        enums: Some(vec![Color::Red, Color::DarkGrey]),
        int_enums: Some(vec![1, 10]),
    };
    assert_eq!(server.received(), vec![Received::EchoHeaders(expected)]);

    assert_json(&reply, 200, &json!({}));
    for (name, value) in [
        ("X-Request-Id", "0123abcd-ef"),
        ("X-String", "Widget A"),
        ("X-Boolean", "false"),
        ("X-Byte", "-7"),
        ("X-Short", "1000"),
        ("X-Integer", "0"),
        ("X-Long", "9007199254740993"),
        ("X-Float", "0.5"),
        ("X-Double", "2.5"),
        ("X-Timestamp", T0_HTTP_DATE),
        ("X-Date-Time", T1_DATE_TIME),
        ("X-Http-Date", T1_HTTP_DATE),
        ("X-Epoch-Seconds", "1576540098"),
        ("X-Enum", "dark grey"),
        ("X-Int-Enum", "10"),
        ("X-String-List", "blue, team:core"),
        ("X-Integer-List", "1, 2, 3"),
        ("X-Boolean-List", "true, false"),
        ("X-Timestamp-List", &format!("{T0_HTTP_DATE}, {T1_HTTP_DATE}")),
        ("X-Enum-List", "red, dark grey"),
        ("X-Int-Enum-List", "1, 10"),
    ] {
        assert_header(&reply, name, value);
    }

    // Only the required header: every optional member absent, in the input and in the response.
    let reply = server.send(&post("/headers").header("X-Request-Id", "0123abcd-ef")).await;
    let expected = input::EchoHeadersInput {
        request_id: s("0123abcd-ef"),
        string: None,
        boolean: None,
        byte: None,
        short: None,
        integer: None,
        long: None,
        float: None,
        double: None,
        timestamp: None,
        date_time: None,
        http_date: None,
        epoch_seconds: None,
        r#enum: None,
        int_enum: None,
        strings: None,
        integers: None,
        booleans: None,
        timestamps: None,
        enums: None,
        int_enums: None,
    };
    assert_eq!(server.received(), vec![Received::EchoHeaders(expected)]);
    assert_json(&reply, 200, &json!({}));
    let x_headers: Vec<_> =
        reply.headers.keys().map(|name| name.as_str()).filter(|name| name.starts_with("x-")).collect();
    assert_eq!(x_headers, ["x-request-id"], "{reply:?}");
}

#[tokio::test]
async fn update_widget_settings_reads_and_writes_a_structure_payload() {
    let server = start().await;
    let body = json!({"visibility": "PRIVATE", "notify_emails": ["ops@example.com"], "thresholds": {"warn": 2.5}});
    let reply = server.send(&put("/widgets/w-1/settings").header("X-Settings-Revision", "4").json(&body)).await;
    let expected =
        input::UpdateWidgetSettingsInput { widget_id: s("w-1"), revision: Some(ok(4i64)), settings: settings() };
    assert_eq!(server.received(), vec![Received::UpdateWidgetSettings(expected)]);
    assert_json(&reply, 200, &settings_json());
    assert_header(&reply, "x-settings-revision", "5");
}

#[tokio::test]
async fn put_widget_notes_reads_and_writes_a_text_payload() {
    let server = start().await;
    let notes = "Fragile.\nHandle with care: ünïcødé ✓";
    let reply = server.send(&put("/widgets/w-1/notes").body("text/plain; charset=utf-8", notes)).await;
    let expected = input::PutWidgetNotesInput { widget_id: s("w-1"), notes: s(notes) };
    assert_eq!(server.received(), vec![Received::PutWidgetNotes(expected)]);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.media_type(), Some("text/plain"), "{reply:?}");
    assert_eq!(String::from_utf8(reply.body.clone()).unwrap(), "Old notes, ✓.", "{reply:?}");

    // @length counts characters, not bytes: 4096 two-byte characters are within the limit.
    let long_notes = "é".repeat(4096);
    let reply = server.send(&put("/widgets/w-3/notes").body("text/plain", long_notes.clone())).await;
    let expected = input::PutWidgetNotesInput { widget_id: s("w-3"), notes: s(&long_notes) };
    assert_eq!(server.received(), vec![Received::PutWidgetNotes(expected)]);
    assert_eq!(reply.status, 200, "{reply:?}");

    // No previous notes: no payload at all.
    let reply = server.send(&put("/widgets/w-2/notes").body("text/plain", "New")).await;
    let expected = input::PutWidgetNotesInput { widget_id: s("w-2"), notes: s("New") };
    assert_eq!(server.received(), vec![Received::PutWidgetNotes(expected)]);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.body.is_empty(), "{reply:?}");
}

#[tokio::test]
async fn upload_attachment_reads_a_blob_payload_labels_and_header() {
    let server = start().await;
    let bytes: Vec<u8> = (0..=255).collect();
    let request = put("/widgets/w-1/attachments/report.pdf")
        .header("X-Attachment-Description", "Quarterly report")
        .body("application/octet-stream", bytes.clone());
    let reply = server.send(&request).await;
    let expected = input::UploadAttachmentInput {
        widget_id: s("w-1"),
        attachment_name: s("report.pdf"),
        description: Some(s("Quarterly report")),
        data: Blob::new(bytes),
    };
    assert_eq!(server.received(), vec![Received::UploadAttachment(expected)]);
    assert_json(&reply, 200, &json!({"sizeBytes": 256, "uploaded_at": T0_DATE_TIME}));
}

#[tokio::test]
async fn download_attachment_writes_a_blob_payload_and_headers() {
    let server = start().await;
    let reply = server.send(&get("/widgets/w-1/attachments/hello.txt")).await;
    let expected = input::DownloadAttachmentInput { widget_id: s("w-1"), attachment_name: s("hello.txt") };
    assert_eq!(server.received(), vec![Received::DownloadAttachment(expected)]);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.media_type(), Some("application/octet-stream"), "{reply:?}");
    assert_eq!(reply.body, b"hello", "{reply:?}");
    assert_header(&reply, "x-attachment-size", "5");
    assert_header(&reply, "x-uploaded-at", T0_DATE_TIME);
    assert_header(&reply, "x-attachment-description", "a greeting");
}

#[tokio::test]
async fn echo_stream_reads_and_writes_streaming_payloads() {
    let server = start().await;
    let request = post("/echo-stream").header("x-label", "one").body("application/octet-stream", b"stream\x00\xff".to_vec());
    let reply = server.send(&request).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.media_type(), Some("application/octet-stream"), "{reply:?}");
    assert_eq!(reply.body, b"\xff\x00maerts", "{reply:?}");
    assert_header(&reply, "x-label", "one");
    assert_header(&reply, "x-length", "8");
    assert_header(&reply, "content-length", "8");
    // An empty body is an empty stream, not a missing member.
    let reply = server.send(&post("/echo-stream")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(reply.body.is_empty(), "{reply:?}");
    assert_header(&reply, "x-length", "0");
}

#[tokio::test]
async fn ping_takes_no_input_and_answers_json() {
    let server = start().await;
    let reply = server.send(&get("/ping")).await;
    assert_eq!(server.received(), vec![Received::Ping(input::PingInput {})]);
    assert_json(&reply, 200, &json!({"status": "ok", "serverTime": T0}));
}

// -------------------------------------------------------------------------------------------------
// Modeled errors returned by handlers
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn modeled_errors_reach_the_caller_with_status_type_and_body() {
    let server = start().await;
    let cases = [
        (
            "missing-widget",
            404,
            "WidgetNotFound",
            json!({"message": "no widget missing-widget", "widgetId": "missing-widget", "resource_type": "widget"}),
        ),
        (
            "busy-widget",
            409,
            "WidgetConflict",
            json!({
                "message": "the widget is in use",
                "widgetId": "busy-widget",
                "currentVersion": 7,
                "conflictingFields": ["name", "tags"]
            }),
        ),
        ("broken-widget", 500, "InternalFailure", json!({"message": "the store is down"})),
        (
            "locked-widget",
            400,
            "ValidationException",
            json!({
                "message": "1 validation error detected. The widget is locked",
                "fieldList": [{"path": "/widgetId", "message": "The widget is locked"}]
            }),
        ),
    ];
    for (id, status, error_type, body) in cases {
        let reply = server.send(&delete(format!("/widgets/{id}"))).await;
        let expected = input::DeleteWidgetInput { widget_id: s(id), force: false, if_match_version: None };
        assert_eq!(server.received(), vec![Received::DeleteWidget(expected)]);
        assert_error(&reply, status, error_type, &body);
    }

    // An optional member left unset stays out of the body.
    let reply = server.send(&get("/widgets/missing-widget")).await;
    assert_eq!(server.received().len(), 1);
    let body = json!({"message": "no widget missing-widget", "widgetId": "missing-widget"});
    assert_error(&reply, 404, "WidgetNotFound", &body);
}

// -------------------------------------------------------------------------------------------------
// @sensitive: redacted in Debug and in InstrumentPlugin's logs, sent as they are
// -------------------------------------------------------------------------------------------------

const REDACTED: &str = "*** Sensitive Data Redacted ***";

#[tokio::test]
async fn sensitive_members_reach_the_handler_and_the_wire_but_not_debug_output() {
    let server = start().await;
    let request = post("/widgets/w-1/key?otp=otp-secret")
        .header("X-Widget-Key", "current-secret")
        .json(&json!({"passphrase": "passphrase-secret", "reason": "rotation"}));
    let reply = server.send(&request).await;
    let expected = input::RotateWidgetKeyInput {
        widget_id: s("w-1"),
        current_key: Some("current-secret".to_owned()),
        otp: Some("otp-secret".to_owned()),
        passphrase: Some("passphrase-secret".to_owned()),
        reason: Some("rotation".to_owned()),
    };
    let received = server.received();
    assert_eq!(received, vec![Received::RotateWidgetKey(expected.clone())]);
    assert_json(&reply, 200, &json!({"key": {"material": "material-secret"}, "keyId": "k-1"}));
    assert_eq!(reply.header("x-key-fingerprint"), Some("fingerprint-secret"));

    let debug = format!("{expected:?} {:?}", input::RotateWidgetKeyInput::builder().otp(Some("otp-secret".into())));
    assert!(debug.contains("rotation") && debug.contains(REDACTED), "{debug}");
    for secret in ["current-secret", "otp-secret", "passphrase-secret"] {
        assert!(!debug.contains(secret), "{debug}");
    }
    // A @sensitive structure is redacted whole; the member that targets it too.
    let key = model::WidgetKey { material: "material-secret".to_owned() };
    let output = output::RotateWidgetKeyOutput { fingerprint: None, key: Some(key.clone()), key_id: None };
    for debug in [format!("{key:?}"), format!("{output:?}")] {
        assert!(!debug.contains("material-secret") && debug.contains(REDACTED), "{debug}");
    }
}

#[test]
fn sensitive_http_bindings_are_redacted_in_instrumentation() {
    type Op = operation_shape::RotateWidgetKey;
    let mut headers = http::HeaderMap::new();
    headers.insert("x-widget-key", http::HeaderValue::from_static("current-secret"));
    headers.insert("x-trace", http::HeaderValue::from_static("trace-visible"));
    headers.insert("x-key-fingerprint", http::HeaderValue::from_static("fingerprint-secret"));
    let uri: http::Uri = "/widgets/w-1/key?otp=otp-secret&page=page-visible".parse().unwrap();

    let request = Op::request_fmt();
    let logged = format!("{:?} {}", request.make(&headers), request.make(&uri));
    assert!(logged.contains("trace-visible") && logged.contains("page-visible") && logged.contains("w-1"), "{logged}");
    assert!(!logged.contains("current-secret") && !logged.contains("otp-secret"), "{logged}");
    let logged = format!("{:?}", Op::response_fmt().make(&headers));
    assert!(logged.contains("trace-visible") && !logged.contains("fingerprint-secret"), "{logged}");

    // An operation without @sensitive bindings logs everything.
    let logged = format!("{:?}", operation_shape::Ping::request_fmt().make(&headers));
    assert!(logged.contains("current-secret"), "{logged}");
}

#[tokio::test]
async fn handlers_take_extractors() {
    let server = start().await;
    let reply = server.send(&get("/whoami").header("Authorization", "Bearer t-1")).await;
    assert_json(&reply, 200, &json!({"authorization": "Bearer t-1"}));
}

#[tokio::test]
async fn paginated_operations_serve_pages() {
    let server = start().await;
    let reply = server.send(&get("/widgets?maxResults=2")).await;
    assert_json(&reply, 200, &json!({"widgetIds": ["w-1", "w-2"], "nextToken": "page-2"}));
    let reply = server.send(&get("/widgets?nextToken=page-2")).await;
    assert_json(&reply, 200, &json!({"widgetIds": ["w-3"]}));
    let reply = server.send(&get("/widgets?maxResults=0")).await;
    assert_eq!(reply.status, 400, "{reply:?}");
}

#[tokio::test]
async fn service_level_errors_are_answered_by_every_operation() {
    let server = start().await;
    let reply = server.send(&get("/widgets/overloaded")).await;
    assert_eq!(server.received().len(), 1);
    assert_error(&reply, 503, "ServiceUnavailable", &json!({"message": "try again later"}));
    assert_eq!(reply.header("retry-after"), Some("30"));

    // Each operation's error enum has the variant, with smithy-rs's accessors.
    let error = error::PingError::from(error::ServiceUnavailable { message: "busy".to_owned(), retry_after_seconds: None });
    assert!(error.is_service_unavailable() && !error.is_internal_failure());
    assert_eq!(error.name(), "ServiceUnavailable");
    let source = std::error::Error::source(&error).expect("the error structure is the source");
    assert_eq!(source.to_string(), error.to_string());
}

// -------------------------------------------------------------------------------------------------
// Constraint violations: 400 ValidationException
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn constraint_violations_in_labels() {
    let server = start().await;
    let string_pattern = r"^[A-Za-z0-9_.~-]+$";
    let cases = vec![
        (get("/widgets/ab"), "/widgetId", length(2, "/widgetId", "between 3 and 36, inclusive")),
        // The length of the decoded label, not of its encoding.
        (get("/widgets/%61%62"), "/widgetId", length(2, "/widgetId", "between 3 and 36, inclusive")),
        (
            get("/widgets/Not-Lower"),
            "/widgetId",
            value("/widgetId", "satisfy regular expression pattern: ^[a-z0-9][a-z0-9-]*$"),
        ),
        (
            get("/widgets/w-1/attachments/no-extension"),
            "/attachmentName",
            value("/attachmentName", r"satisfy regular expression pattern: ^[A-Za-z0-9_-]+\.[A-Za-z0-9]{1,8}$"),
        ),
        (
            get(labels_path(&[(0, "a%20b")])),
            "/string",
            value("/string", &format!("satisfy regular expression pattern: {string_pattern}")),
        ),
        (get(labels_path(&[(2, "101")])), "/byte", value("/byte", "be between -100 and 100, inclusive")),
        (get(labels_path(&[(3, "-1001")])), "/short", value("/short", "be between -1000 and 1000, inclusive")),
        (get(labels_path(&[(5, "0")])), "/long", value("/long", "be greater than or equal to 1")),
        (get(labels_path(&[(6, "1000.75")])), "/float", value("/float", "be between -1000.5 and 1000.5, inclusive")),
        (get(labels_path(&[(7, "0.05")])), "/double", value("/double", "be between 0.1 and 5000.0, inclusive")),
        (
            get(labels_path(&[(12, "purple")])),
            "/enum",
            value("/enum", "satisfy enum value set: [red, green, blue, dark grey]"),
        ),
    ];
    assert_violations(&server, cases).await;
}

#[tokio::test]
async fn constraint_violations_in_query_parameters() {
    let server = start().await;
    let fields = "satisfy enum value set: [name, tags, scalars, shape, components]";
    let cases = vec![
        (get("/query"), "/query", value("/query", "not be null")),
        (get("/query?q="), "/query", length(0, "/query", "between 1 and 100, inclusive")),
        (
            get("/query?q=two%20%20spaces"),
            "/query",
            value("/query", r"satisfy regular expression pattern: ^[^\s]+( [^\s]+)*$"),
        ),
        (get("/query?q=x&pageSize=101"), "/pageSize", value("/pageSize", "be between 1 and 100, inclusive")),
        (get("/query?q=x&byte=101"), "/byte", value("/byte", "be between 0 and 100, inclusive")),
        (get("/query?q=x&float=1.5"), "/float", value("/float", "be between 0 and 1, inclusive")),
        (get("/query?q=x&order=random"), "/order", value("/order", "satisfy enum value set: [ascending, descending]")),
        (
            get("/query?q=x&tag=ok&tag=UPPER"),
            "/tags/1",
            value("/tags/1", "satisfy regular expression pattern: ^[a-z0-9:_-]+$"),
        ),
        (get(format!("/query?q=x{}", "&tag=t".repeat(11))), "/tags", length(11, "/tags", "less than or equal to 10")),
        (
            get(format!("/query?q=x{}", "&integerList=1".repeat(6))),
            "/integers",
            length(6, "/integers", "less than or equal to 5"),
        ),
        (
            get("/query?q=x&integerList=1&integerList=1001"),
            "/integers/1",
            value("/integers/1", "be between 0 and 1000, inclusive"),
        ),
        (
            get("/query?q=x&enumList=red&enumList=pink"),
            "/enums/1",
            value("/enums/1", "satisfy enum value set: [red, green, blue, dark grey]"),
        ),
        (get("/widgets/w-1?field=name&field=bogus"), "/fields/1", value("/fields/1", fields)),
        (
            get(format!("/widgets/w-1?{}", ["field=name"; 6].join("&"))),
            "/fields",
            length(6, "/fields", "between 1 and 5, inclusive"),
        ),
        (get("/widgets/w-1?version=0"), "/version", value("/version", "be greater than or equal to 1")),
    ];
    assert_violations(&server, cases).await;
}

#[tokio::test]
async fn constraint_violations_in_headers() {
    let server = start().await;
    let echo = || post("/headers").header("X-Request-Id", "0123abcd-ef");
    let cases = vec![
        (post("/headers"), "/requestId", value("/requestId", "not be null")),
        (
            post("/headers").header("X-Request-Id", "abc"),
            "/requestId",
            length(3, "/requestId", "between 8 and 64, inclusive"),
        ),
        (
            post("/headers").header("X-Request-Id", "ZZZZZZZZ"),
            "/requestId",
            value("/requestId", "satisfy regular expression pattern: ^[0-9a-f-]+$"),
        ),
        (echo().header("X-Short", "1001"), "/short", value("/short", "be between -1000 and 1000, inclusive")),
        (echo().header("X-Float", "1.5"), "/float", value("/float", "be between 0 and 1, inclusive")),
        (
            echo().header("X-Enum", "purple"),
            "/enum",
            value("/enum", "satisfy enum value set: [red, green, blue, dark grey]"),
        ),
        (
            echo().header("X-String-List", "blue, BAD"),
            "/strings/1",
            value("/strings/1", "satisfy regular expression pattern: ^[a-z0-9:_-]+$"),
        ),
        (
            echo().header("X-Timestamp-List", [T0_HTTP_DATE; 4].join(", ")),
            "/timestamps",
            length(4, "/timestamps", "less than or equal to 3"),
        ),
        (
            delete("/widgets/w-1").header("If-Match-Version", "0"),
            "/ifMatchVersion",
            value("/ifMatchVersion", "be greater than or equal to 1"),
        ),
        (
            put("/widgets/w-1/attachments/a.txt")
                .header("X-Attachment-Description", "d".repeat(257))
                .body("application/octet-stream", "x"),
            "/description",
            length(257, "/description", "less than or equal to 256"),
        ),
    ];
    assert_violations(&server, cases).await;
}

#[tokio::test]
async fn constraint_violations_in_json_bodies() {
    let server = start().await;
    /// CreateWidget's minimal body with `extra` members.
    fn create(extra: Value) -> Request {
        let mut body = json!({"name": "Gear", "widgetType": "GIZMO"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        post("/widgets").json(&body)
    }
    let tag = "satisfy regular expression pattern: ^[a-z0-9:_-]+$";
    let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
    let twenty_one: serde_json::Map<String, Value> = (0..21).map(|i| (format!("k{i}"), json!("v"))).collect();
    let cases = vec![
        (post("/widgets").json(&json!({"widgetType": "GIZMO"})), "/name", value("/name", "not be null")),
        // The member's name, not its @jsonName.
        (post("/widgets").json(&json!({"name": "Gear"})), "/type", value("/type", "not be null")),
        (create(json!({"name": ""})), "/name", length(0, "/name", "between 1 and 64, inclusive")),
        (create(json!({"name": "G".repeat(65)})), "/name", length(65, "/name", "between 1 and 64, inclusive")),
        (
            create(json!({"name": "9 lives"})),
            "/name",
            value("/name", "satisfy regular expression pattern: ^[A-Za-z][A-Za-z0-9 _-]*$"),
        ),
        (
            create(json!({"widgetType": "WIDGET"})),
            "/type",
            value("/type", "satisfy enum value set: [GADGET, GIZMO, DOOHICKEY]"),
        ),
        (
            create(json!({"size": "HUGE"})),
            "/size",
            value("/size", "satisfy enum value set: [SMALL, MEDIUM, LARGE, x-large]"),
        ),
        (create(json!({"quantity": 1001})), "/quantity", value("/quantity", "be between 0 and 1000, inclusive")),
        (create(json!({"weightKg": 0.05})), "/weightKg", value("/weightKg", "be between 0.1 and 5000.0, inclusive")),
        (
            create(json!({"description": "d".repeat(1025)})),
            "/description",
            length(1025, "/description", "less than or equal to 1024"),
        ),
        (create(json!({"scalars": {}})), "/scalars/label", value("/scalars/label", "not be null")),
        (
            create(json!({"scalars": {"label": "x", "stringValue": ""}})),
            "/scalars/stringValue",
            length(0, "/scalars/stringValue", "between 1 and 64, inclusive"),
        ),
        (
            create(json!({"scalars": {"label": "x", "floatValue": 1.5}})),
            "/scalars/floatValue",
            value("/scalars/floatValue", "be between 0 and 1, inclusive"),
        ),
        (
            create(json!({"scalars": {"label": "x", "snake_case_value": "ok", "enumValue": "pink"}})),
            "/scalars/enumValue",
            value("/scalars/enumValue", "satisfy enum value set: [red, green, blue, dark grey]"),
        ),
        (
            create(json!({"dimensions": {"widthCm": 1}})),
            "/dimensions/heightCm",
            value("/dimensions/heightCm", "not be null"),
        ),
        (
            create(json!({"dimensions": {"widthCm": 10000.5, "heightCm": 1}})),
            "/dimensions/widthCm",
            value("/dimensions/widthCm", "be between 0 and 10000, inclusive"),
        ),
        (
            create(json!({"shape": {"circle": {"radius": 0}}})),
            "/shape/circle/radius",
            value("/shape/circle/radius", "be between 1 and 1000, inclusive"),
        ),
        (
            create(json!({"shape": {"colour": "pink"}})),
            "/shape/color",
            value("/shape/color", "satisfy enum value set: [red, green, blue, dark grey]"),
        ),
        (
            create(json!({"alternativeShapes": [{"hollow": true}, {"freeform": "1x"}]})),
            "/alternativeShapes/1/freeform",
            value("/alternativeShapes/1/freeform", "satisfy regular expression pattern: ^[A-Za-z][A-Za-z0-9 _-]*$"),
        ),
        (create(json!({"Tags": ["ok", "Not Ok"]})), "/tags/1", value("/tags/1", tag)),
        (create(json!({"Tags": eleven})), "/tags", length(11, "/tags", "less than or equal to 10")),
        (create(json!({"components": []})), "/components", length(0, "/components", "between 1 and 50, inclusive")),
        (
            create(json!({"components": [{"name": "Axle", "count": 0}]})),
            "/components/0/count",
            value("/components/0/count", "be between 1 and 1000, inclusive"),
        ),
        (
            create(json!({"components": [{"name": "Axle", "count": 1, "tags": ["BAD"]}]})),
            "/components/0/tags/0",
            value("/components/0/tags/0", tag),
        ),
        // A key that breaks its constraint is reported at the map.
        (
            create(json!({"attributes": {"1bad": "x"}})),
            "/attributes",
            value("/attributes", "satisfy regular expression pattern: ^[a-zA-Z_][a-zA-Z0-9_]*$"),
        ),
        (
            create(json!({"attributes": {"k": "v".repeat(257)}})),
            "/attributes/k",
            length(257, "/attributes/k", "less than or equal to 256"),
        ),
        (
            create(json!({"attributes": twenty_one})),
            "/attributes",
            length(21, "/attributes", "less than or equal to 20"),
        ),
        (
            create(json!({"componentsByName": {"w": {"name": "Wheel", "count": 1001}}})),
            "/componentsByName/w/count",
            value("/componentsByName/w/count", "be between 1 and 1000, inclusive"),
        ),
        (create(json!({"groups": {}})), "/groups", length(0, "/groups", "between 1 and 10, inclusive")),
        (create(json!({"groups": {"g": ["BAD"]}})), "/groups/g/0", value("/groups/g/0", tag)),
        (
            put("/widgets/w-1").json(&json!({"name": "Gear", "widgetType": "GIZMO", "expectedVersion": 1_000_001})),
            "/expectedVersion",
            value("/expectedVersion", "be between 0 and 1000000, inclusive"),
        ),
    ];
    assert_violations(&server, cases).await;
}

#[tokio::test]
async fn constraint_violations_in_payloads() {
    let server = start().await;
    let settings = |body: Value| put("/widgets/w-1/settings").json(&body);
    let cases = vec![
        (
            put("/widgets/w-1/notes").body("text/plain", "n".repeat(4097)),
            "/notes",
            length(4097, "/notes", "less than or equal to 4096"),
        ),
        (put("/widgets/w-1/notes").body("text/plain", ""), "/notes", value("/notes", "not be null")),
        (put("/widgets/w-1/settings"), "/settings", value("/settings", "not be null")),
        (settings(json!({})), "/settings/visibility", value("/settings/visibility", "not be null")),
        (
            settings(json!({"visibility": "PUBLIC", "refreshSeconds": 0})),
            "/settings/refreshSeconds",
            value("/settings/refreshSeconds", "be between 1 and 3600, inclusive"),
        ),
        (
            settings(json!({"visibility": "PUBLIC", "notify_emails": ["not-an-email"]})),
            "/settings/notifyEmails/0",
            value("/settings/notifyEmails/0", r"satisfy regular expression pattern: ^[^@\s]+@[^@\s]+$"),
        ),
        (
            settings(json!({"visibility": "PUBLIC", "thresholds": {"warn": 0.0}})),
            "/settings/thresholds/warn",
            value("/settings/thresholds/warn", "be between 0.1 and 5000.0, inclusive"),
        ),
    ];
    assert_violations(&server, cases).await;
}

// -------------------------------------------------------------------------------------------------
// Errors of the framework
// -------------------------------------------------------------------------------------------------

#[tokio::test]
async fn malformed_requests_are_serialization_exceptions() {
    let server = start().await;
    let widgets = |body: &str| post("/widgets").body("application/json", body.to_owned());
    let echo = || post("/headers").header("X-Request-Id", "0123abcd-ef");
    let requests = [
        widgets(r#"{"name": "Gear", "#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO"} trailing"#),
        widgets("[1, 2]"),
        widgets(r#"{"name": 5, "widgetType": "GIZMO"}"#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO", "quantity": 1.5}"#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO", "quantity": 4294967296}"#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO", "shape": {"circle": {"radius": 1}, "sides": 3}}"#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO", "shape": {"triangle": {}}}"#),
        widgets(r#"{"name": "Gear", "widgetType": "GIZMO", "scalars": {"label": "x", "blobValue": "not base64!"}}"#),
        get("/query?q=x&integer=abc"),
        get("/query?q=x&integer=1.5"),
        get("/query?q=x&boolean=yes"),
        get("/query?q=x&timestamp=yesterday"),
        get("/widgets/w-1?version=x"),
        echo().header("X-Integer", "abc"),
        echo().header("X-Boolean", "maybe"),
        echo().header("X-Timestamp", "2019-12-16"),
        // A header bound to one value, given twice or with two items, as smithy-rs refuses it.
        echo().header("X-Integer", "1").header("X-Integer", "2"),
        echo().header("X-Integer", "1, 2"),
        echo().header("X-String", "a").header("X-String", "b"),
        get(labels_path(&[(1, "yes")])),
        get(labels_path(&[(4, "many")])),
        get(labels_path(&[(9, "today")])),
    ];
    for request in requests {
        let reply = server.send(&request).await;
        assert_framework_error(&reply, 400, "SerializationException");
        assert_eq!(server.received(), vec![], "a handler ran for\n{request:?}");
    }
}

#[tokio::test]
async fn wrong_content_types_are_unsupported_media_types() {
    let server = start().await;
    let body = r#"{"name": "Gear", "widgetType": "GIZMO"}"#;
    let requests = [
        post("/widgets").body("text/plain", body),
        post("/widgets").body("application/hal+json", body),
        put("/widgets/w-1/notes").body("application/json", "\"notes\""),
        put("/widgets/w-1/settings").body("text/plain", r#"{"visibility": "PUBLIC"}"#),
        // An input without a body takes no Content-Type.
        post("/headers").header("X-Request-Id", "0123abcd-ef").body("application/json", "{}"),
    ];
    for request in requests {
        let reply = server.send(&request).await;
        assert_framework_error(&reply, 415, "UnsupportedMediaTypeException");
        assert_eq!(server.received(), vec![], "a handler ran for\n{request:?}");
    }

    // Parameters and the case of the media type do not matter.
    let reply = server.send(&post("/widgets").body("Application/JSON; charset=UTF-8", body)).await;
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(server.received().len(), 1, "{reply:?}");
}

/// restJson1's `RestJsonWithBodyExpectsApplicationJsonContentTypeNoHeaders`, and the same for
/// structure and string payloads: a request body without `Content-Type` is refused. (A blob
/// payload without `@mediaType` takes any Content-Type or none, as
/// `RestJsonHttpPayloadTraitsWithBlobAcceptsNoContentType` requires.) Every case is tried before
/// failing, so that the report lists them all.
#[tokio::test]
async fn a_body_without_content_type_is_an_unsupported_media_type() {
    let server = start().await;
    let requests = [
        post("/widgets").raw_body(r#"{"name": "Gear", "widgetType": "GIZMO"}"#),
        put("/widgets/w-1/settings").raw_body(r#"{"visibility": "PUBLIC"}"#),
        put("/widgets/w-1/notes").raw_body("notes"),
    ];
    let mut failures = Vec::new();
    for request in requests {
        let reply = server.send(&request).await;
        let received = server.received();
        let refused = reply.status == 415
            && reply.header("x-amzn-errortype") == Some("UnsupportedMediaTypeException")
            && received.is_empty();
        if !refused {
            failures.push(format!("{reply:?}\nhandler calls: {}", received.len()));
        }
    }
    assert!(failures.is_empty(), "not refused with 415 UnsupportedMediaTypeException:\n\n{}", failures.join("\n\n"));
}

#[tokio::test]
async fn accept_headers_that_exclude_the_response_media_type_are_not_acceptable() {
    let server = start().await;
    let requests = [
        get("/ping").header("Accept", "text/html"),
        get("/ping").header("Accept", "application/xml, text/*"),
    ];
    for request in requests {
        let reply = server.send(&request).await;
        assert_framework_error(&reply, 406, "NotAcceptableException");
        assert_eq!(server.received(), vec![], "a handler ran for\n{request:?}");
    }

    // A blob payload without `@mediaType` may be answered whatever the Accept
    // (`RestJsonHttpPayloadTraitsWithBlobAcceptsAllAccepts`).
    let reply = server.send(&get("/widgets/w-1/attachments/a.txt").header("Accept", "image/jpeg")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    server.received();

    for accept in ["application/json", "application/*", "*/*", "text/html, application/json;q=0.5"] {
        let reply = server.send(&get("/ping").header("Accept", accept)).await;
        assert_json(&reply, 200, &json!({"status": "ok", "serverTime": T0}));
        assert_eq!(server.received().len(), 1, "{reply:?}");
    }
}

#[tokio::test]
async fn unknown_paths_are_unknown_operations() {
    let server = start().await;
    for request in [get("/"), get("/nope"), get("/widgets/w-1/unknown"), get("/ping/extra")] {
        let reply = server.send(&request).await;
        assert_framework_error(&reply, 404, "UnknownOperationException");
    }
    // A known path with another method.
    for request in [post("/ping"), delete("/widgets"), get("/widgets/w-1/settings")] {
        let reply = server.send(&request).await;
        assert_eq!(reply.status, 405, "{reply:?}");
    }
    assert_eq!(server.received(), vec![]);
}

#[test]
fn server_enums_are_copy() {
    // Closed enums are plain values, as smithy-rs's server enums are (smithy-rs #4669).
    fn copy<T: Copy>(value: T) -> (T, T) {
        (value, value)
    }
    assert_eq!(copy(model::WidgetSize::try_from("SMALL").unwrap()).1.as_str(), "SMALL");
}
