//! The client generated from `codegen/tests/models/kitchen-sink.smithy` calls the server generated
//! from the same model, over loopback: every operation, every binding (labels, query, headers,
//! JSON bodies, payloads, response codes), every type, and the modeled errors. It runs inside the
//! generated client crate (`codegen/tests/kitchen_sink_client.rs` copies this file to its
//! `tests/client.rs`; the server crate is its dev-dependency). The server's handlers echo their
//! input, so each test compares what the client sent with what it got back.

use std::collections::HashMap;

use kitchen_sink_client::config::retry::RetryConfig;
use kitchen_sink_client::error::{ProvideErrorMetadata, SdkError};
use kitchen_sink_client::primitives::{Blob, ByteStream, DateTime};
use kitchen_sink_client::types::{
    Circle, Color, Component, Dimensions, HealthStatus, Point, ResourceType, ScalarValues, SortOrder, Visibility,
    WidgetField, WidgetKind, WidgetSettings, WidgetShape, WidgetSize,
};
use kitchen_sink_client::{Client, Config};
use kitchen_sink_server_sdk as sdk;

/// Mon, 16 Dec 2019 23:48:18 GMT.
const T0: i64 = 1_576_540_098;
/// A long that a JSON number read as a double would lose.
const BIG_LONG: i64 = 9_007_199_254_740_993;

// --- The server: handlers that echo --------------------------------------------------------------

fn new<T: TryFrom<V>, V>(value: V) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(value).unwrap()
}

async fn create_widget(
    input: sdk::input::CreateWidgetInput,
) -> Result<sdk::output::CreateWidgetOutput, sdk::error::CreateWidgetError> {
    if input.name.as_str() == "Conflicting" {
        return Err(sdk::error::WidgetConflict {
            message: "exists".to_owned(),
            widget_id: Some("w-9".to_owned()),
            current_version: Some(BIG_LONG),
            conflicting_fields: Some(new(vec![sdk::model::WidgetField::Name])),
        }
        .into());
    }
    Ok(sdk::output::CreateWidgetOutput {
        widget: sdk::model::Widget {
            id: new("w-123".to_owned()),
            name: input.name,
            r#type: input.r#type,
            version: new(BIG_LONG),
            size: input.size,
            priority: input.priority,
            quantity: input.quantity,
            fragile: input.fragile,
            created_at: sdk::types::DateTime::from_secs(T0),
            updated_at: None,
            description: input.description.map(String::from),
            scalars: input.scalars,
            dimensions: input.dimensions,
            shape: input.shape,
            alternative_shapes: input.alternative_shapes,
            tags: input.tags,
            components: input.components,
            attributes: input.attributes,
            components_by_name: input.components_by_name,
            groups: input.groups,
            settings: None,
        },
    })
}

fn plain_widget(id: &sdk::model::WidgetId) -> sdk::model::Widget {
    sdk::model::Widget {
        id: id.clone(),
        name: new("Plain".to_owned()),
        r#type: sdk::model::WidgetKind::Gizmo,
        version: new(3i64),
        size: sdk::model::WidgetSize::ExtraLarge,
        priority: 10,
        quantity: new(0),
        fragile: false,
        created_at: sdk::types::DateTime::from_secs(T0),
        updated_at: Some(sdk::types::DateTime::from_secs(T0 + 1)),
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

async fn put_widget(
    input: sdk::input::PutWidgetInput,
) -> Result<sdk::output::PutWidgetOutput, sdk::error::PutWidgetError> {
    let status = (input.widget_id.as_str() == "new-widget").then_some(201);
    let mut widget = plain_widget(&input.widget_id);
    widget.name = input.name;
    Ok(sdk::output::PutWidgetOutput { status, widget })
}

async fn get_widget(
    input: sdk::input::GetWidgetInput,
) -> Result<sdk::output::GetWidgetOutput, sdk::error::GetWidgetError> {
    if input.widget_id.as_str() == "overloaded" {
        return Err(sdk::error::ServiceUnavailable { message: "try again later".to_owned(), retry_after_seconds: Some(30) }
            .into());
    }
    if input.widget_id.as_str() == "missing-widget" {
        return Err(sdk::error::WidgetNotFound {
            message: "no widget missing-widget".to_owned(),
            widget_id: "missing-widget".to_owned(),
            resource_type: Some(sdk::model::ResourceType::Attachment),
        }
        .into());
    }
    // The query parameters come back in the widget: fields as tags, version as version.
    let mut widget = plain_widget(&input.widget_id);
    let tags: Option<Vec<sdk::model::Tag>> =
        input.fields.map(|fields| fields.into_inner().iter().map(|field| new(field.as_str().to_owned())).collect());
    widget.tags = tags.map(new);
    widget.version = input.version.unwrap_or(new(1i64));
    widget.fragile = input.include_deleted;
    widget.priority = input.min_priority;
    Ok(sdk::output::GetWidgetOutput {
        etag: Some("\"v3\"".to_owned()),
        last_modified: Some(sdk::types::DateTime::from_secs(T0)),
        widget,
    })
}

async fn delete_widget(
    input: sdk::input::DeleteWidgetInput,
) -> Result<sdk::output::DeleteWidgetOutput, sdk::error::DeleteWidgetError> {
    match input.widget_id.as_str() {
        "broken-widget" => Err(sdk::error::InternalFailure { message: "the store is down".to_owned() }.into()),
        _ => Ok(sdk::output::DeleteWidgetOutput {}),
    }
}

async fn echo_labels(
    input: sdk::input::EchoLabelsInput,
) -> Result<sdk::output::EchoLabelsOutput, sdk::error::EchoLabelsError> {
    Ok(sdk::output::EchoLabelsOutput {
        string: input.string.into_inner(),
        boolean: input.boolean,
        byte: input.byte.into_inner(),
        short: input.short.into_inner(),
        integer: input.integer.into_inner(),
        long: input.long.into_inner(),
        float: input.float.into_inner(),
        double: input.double.into_inner(),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
    })
}

async fn echo_query(
    input: sdk::input::EchoQueryInput,
) -> Result<sdk::output::EchoQueryOutput, sdk::error::EchoQueryError> {
    Ok(sdk::output::EchoQueryOutput {
        query: input.query.into_inner(),
        string: input.string.map(String::from),
        boolean: input.boolean,
        byte: input.byte.map(|v| v.into_inner()),
        short: input.short.map(|v| v.into_inner()),
        integer: input.integer.map(|v| v.into_inner()),
        long: input.long.map(|v| v.into_inner()),
        float: input.float.map(|v| v.into_inner()),
        double: input.double.map(|v| v.into_inner()),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
        page_size: input.page_size.into_inner(),
        order: input.order,
        verbose: input.verbose,
        tags: input.tags,
        integers: input.integers.map(|v| v.into_inner()),
        booleans: input.booleans,
        doubles: input.doubles,
        timestamps: input.timestamps,
        epoch_seconds_list: input.epoch_seconds_list,
        enums: input.enums,
        int_enums: input.int_enums,
    })
}

async fn echo_headers(
    input: sdk::input::EchoHeadersInput,
) -> Result<sdk::output::EchoHeadersOutput, sdk::error::EchoHeadersError> {
    Ok(sdk::output::EchoHeadersOutput {
        request_id: input.request_id.into_inner(),
        string: input.string.map(String::from),
        boolean: input.boolean,
        byte: input.byte,
        short: input.short.map(|v| v.into_inner()),
        integer: input.integer.map(|v| v.into_inner()),
        long: input.long.map(|v| v.into_inner()),
        float: input.float.map(|v| v.into_inner()),
        double: input.double.map(|v| v.into_inner()),
        timestamp: input.timestamp,
        date_time: input.date_time,
        http_date: input.http_date,
        epoch_seconds: input.epoch_seconds,
        r#enum: input.r#enum,
        int_enum: input.int_enum,
        strings: input.strings,
        integers: input.integers,
        booleans: input.booleans,
        timestamps: input.timestamps,
        enums: input.enums,
        int_enums: input.int_enums,
    })
}

async fn update_widget_settings(
    input: sdk::input::UpdateWidgetSettingsInput,
) -> Result<sdk::output::UpdateWidgetSettingsOutput, sdk::error::UpdateWidgetSettingsError> {
    let revision = input.revision.map(|v| v.into_inner() + 1);
    let settings = (input.widget_id.as_str() != "no-settings").then_some(input.settings);
    Ok(sdk::output::UpdateWidgetSettingsOutput { revision, settings })
}

async fn put_widget_notes(
    input: sdk::input::PutWidgetNotesInput,
) -> Result<sdk::output::PutWidgetNotesOutput, sdk::error::PutWidgetNotesError> {
    let previous_notes = (input.widget_id.as_str() == "w-1").then(|| format!("before: {}", input.notes.as_str()));
    Ok(sdk::output::PutWidgetNotesOutput { previous_notes })
}

async fn upload_attachment(
    input: sdk::input::UploadAttachmentInput,
) -> Result<sdk::output::UploadAttachmentOutput, sdk::error::UploadAttachmentError> {
    Ok(sdk::output::UploadAttachmentOutput {
        size_bytes: input.data.as_ref().len() as i64,
        uploaded_at: sdk::types::DateTime::from_secs(T0),
    })
}

async fn download_attachment(
    input: sdk::input::DownloadAttachmentInput,
) -> Result<sdk::output::DownloadAttachmentOutput, sdk::error::DownloadAttachmentError> {
    let data = format!("bytes of {}\0\u{ff}", input.attachment_name.as_str()).into_bytes();
    Ok(sdk::output::DownloadAttachmentOutput {
        size_bytes: Some(data.len() as i64),
        uploaded_at: Some(sdk::types::DateTime::from_secs(T0)),
        description: Some("a greeting, \"quoted\"".to_owned()),
        data: Some(sdk::types::Blob::new(data)),
    })
}

async fn echo_stream(
    input: sdk::input::EchoStreamInput,
) -> Result<sdk::output::EchoStreamOutput, sdk::error::EchoStreamError> {
    let mut bytes = input.data.collect().await.expect("the request body reads").to_vec();
    bytes.reverse();
    Ok(sdk::output::EchoStreamOutput {
        label: input.label,
        length: Some(bytes.len() as i64),
        data: sdk::types::ByteStream::from(bytes),
    })
}

/// Degraded for an anonymous request (Ping has `@auth([])`), else OK.
async fn ping(
    _: sdk::input::PingInput,
    credentials: Credentials,
) -> Result<sdk::output::PingOutput, sdk::error::PingError> {
    let anonymous = credentials.0.authorization.is_none() && credentials.0.api_key.is_none();
    Ok(sdk::output::PingOutput {
        status: if anonymous { sdk::model::HealthStatus::Degraded } else { sdk::model::HealthStatus::OkValue },
        server_time: Some(sdk::types::DateTime::from_secs(T0)),
    })
}

/// Echoes the input's secrets in the output: the key is the passphrase, the fingerprint the current key.
async fn rotate_widget_key(
    input: sdk::input::RotateWidgetKeyInput,
) -> Result<sdk::output::RotateWidgetKeyOutput, sdk::error::RotateWidgetKeyError> {
    Ok(sdk::output::RotateWidgetKeyOutput {
        fingerprint: input.current_key,
        key: input.passphrase.map(|material| sdk::model::WidgetKey { material }),
        key_id: input.otp,
    })
}

/// Pages of at most `maxResults` (2 by default) of `w-1` to `w-5`; the token is the next index, and
/// the token `again` is answered with itself.
async fn list_widgets(
    input: sdk::input::ListWidgetsInput,
) -> Result<sdk::output::ListWidgetsOutput, sdk::error::ListWidgetsError> {
    if input.next_token.as_deref() == Some("again") {
        return Ok(sdk::output::ListWidgetsOutput { widget_ids: Some(vec![]), next_token: input.next_token });
    }
    let start: usize = input.next_token.as_deref().map_or(0, |token| token.parse().unwrap());
    let size = input.max_results.map_or(2, |size| size.into_inner() as usize);
    let end = (start + size).min(5);
    Ok(sdk::output::ListWidgetsOutput {
        widget_ids: Some((start..end).map(|i| format!("w-{}", i + 1)).collect()),
        next_token: (end < 5).then(|| end.to_string()),
    })
}

/// The request's credentials, which the WhoAmI handler answers with.
struct Credentials(sdk::output::WhoAmIOutput);

impl<P> sdk::server::request::FromParts<P> for Credentials {
    type Rejection = std::convert::Infallible;
    fn from_parts(parts: &mut http::request::Parts) -> Result<Self, Self::Rejection> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Credentials(sdk::output::WhoAmIOutput { authorization: header("authorization"), api_key: header("x-api-key") }))
    }
}

async fn who_am_i(
    _: sdk::input::WhoAmIInput,
    credentials: Credentials,
) -> Result<sdk::output::WhoAmIOutput, sdk::error::WhoAmIError> {
    Ok(credentials.0)
}

/// The kitchen-sink server on a loopback port, and a client of it.
async fn start() -> Client {
    let app = sdk::KitchenSink::builder(sdk::KitchenSinkConfig::builder().build())
        .create_widget(create_widget)
        .put_widget(put_widget)
        .get_widget(get_widget)
        .delete_widget(delete_widget)
        .echo_labels(echo_labels)
        .echo_query(echo_query)
        .echo_headers(echo_headers)
        .update_widget_settings(update_widget_settings)
        .put_widget_notes(put_widget_notes)
        .upload_attachment(upload_attachment)
        .download_attachment(download_attachment)
        .echo_stream(echo_stream)
        .ping(ping)
        .rotate_widget_key(rotate_widget_key)
        .list_widgets(list_widgets)
        .who_am_i(who_am_i)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { sdk::serve(listener, app.into_make_service()).await.unwrap() });
    Client::from_conf(config(&endpoint).build())
}

/// A config for `endpoint`, without retries.
fn config(endpoint: &str) -> kitchen_sink_client::config::Builder {
    Config::builder().endpoint_url(endpoint).behavior_version_latest().retry_config(RetryConfig::disabled())
}

fn t0() -> DateTime {
    DateTime::from_secs(T0)
}

fn service_error<E: std::fmt::Debug>(error: SdkError<E>) -> E {
    match error {
        SdkError::ServiceError(context) => context.into_err(),
        other => panic!("expected a service error, got {other:?}"),
    }
}

// --- Bodies ---------------------------------------------------------------------------------------

fn all_scalars() -> ScalarValues {
    ScalarValues::builder()
        .label("all")
        .string_value("ünï \"cödé\"\n")
        .boolean_value(true)
        .byte_value(-128)
        .short_value(-1000)
        .integer_value(1000)
        .long_value(BIG_LONG)
        .float_value(0.5)
        .double_value(4999.75)
        .blob_value(Blob::new(vec![0, 1, 2, 255]))
        .timestamp_value(DateTime::from_secs_f64(T0 as f64 + 0.25))
        .date_time_value(t0())
        .http_date_value(t0())
        .epoch_seconds_value(t0())
        .epoch_seconds_shape_value(t0())
        .enum_value(Color::DarkGrey)
        .int_enum_value(10)
        .renamed_value("snake")
        .build()
        .unwrap()
}

#[tokio::test]
async fn create_widget_round_trips_every_body_type() {
    let client = start().await;
    let component =
        Component::builder().name("Axle").count(2).tags("metal").shape(WidgetShape::Sides(6)).build().unwrap();
    let shapes = vec![
        WidgetShape::Rectangle(kitchen_sink_client::types::Rectangle::builder().width(2).height(3).build().unwrap()),
        WidgetShape::Freeform("Blob shape".to_owned()),
        WidgetShape::Hollow(false),
        WidgetShape::Bitmap(Blob::new(b"\x00bits".to_vec())),
        WidgetShape::Color(Color::Red),
        WidgetShape::Timestamp(t0()),
        WidgetShape::Points(vec![Point::builder().x(-1).y(2).build().unwrap()]),
        WidgetShape::Labels(HashMap::from([("k".to_owned(), "v".to_owned())])),
    ];
    let call = client
        .create_widget()
        .name("Widget A")
        .r#type(WidgetKind::Doohickey)
        .quantity(7)
        .size(WidgetSize::ExtraLarge)
        .priority(3)
        .fragile(true)
        .weight_kg(2.5)
        .description("fragile, \"handle\" with care")
        .scalars(all_scalars())
        .dimensions(
            Dimensions::builder()
                .width_cm(10.5)
                .height_cm(0.0)
                .origin(Point::builder().x(0).y(0).build().unwrap())
                .build()
                .unwrap(),
        )
        .shape(WidgetShape::Circle(Circle::builder().radius(5).build().unwrap()))
        .set_alternative_shapes(Some(shapes.clone()))
        .tags("a")
        .tags("b:c")
        .components(component.clone())
        .attributes("colour", "red")
        .attributes("_x", "")
        .components_by_name("axle", component.clone())
        .groups("first", vec!["t1".to_owned(), "t2".to_owned()]);
    let sent = call.as_input().clone();
    let widget = call.send().await.unwrap().widget;
    assert_eq!(widget.id, "w-123");
    assert_eq!(widget.version, BIG_LONG);
    assert_eq!(widget.created_at, t0());
    assert_eq!(Some(&widget.name), sent.get_name().as_ref());
    assert_eq!(Some(&widget.r#type), sent.get_type().as_ref());
    assert_eq!((&widget.size, widget.priority, widget.quantity, widget.fragile), (&WidgetSize::ExtraLarge, 3, 7, true));
    assert_eq!(&widget.description, sent.get_description());
    assert_eq!(widget.scalars, Some(all_scalars()));
    assert_eq!(&widget.dimensions, sent.get_dimensions());
    assert_eq!(&widget.shape, sent.get_shape());
    assert_eq!(widget.alternative_shapes, Some(shapes));
    assert_eq!(widget.tags(), ["a", "b:c"]);
    assert_eq!(widget.components(), std::slice::from_ref(&component));
    assert_eq!(&widget.attributes, sent.get_attributes());
    assert_eq!(widget.components_by_name, Some(HashMap::from([("axle".to_owned(), component)])));
    assert_eq!(&widget.groups, sent.get_groups());
    assert_eq!((&widget.updated_at, &widget.settings), (&None, &None));
}

#[tokio::test]
async fn members_left_out_take_the_servers_defaults() {
    let client = start().await;
    let widget = client.create_widget().name("Plain").r#type(WidgetKind::Gadget).send().await.unwrap().widget;
    assert_eq!((&widget.size, widget.priority, widget.quantity, widget.fragile), (&WidgetSize::Medium, 2, 1, false));
    assert_eq!((&widget.scalars, &widget.tags), (&None, &None));
    assert!(widget.tags().is_empty());
}

#[tokio::test]
async fn response_codes_labels_and_query_round_trip() {
    let client = start().await;
    let put = |id: &'static str| client.put_widget().widget_id(id).name("Renamed").r#type(WidgetKind::Gizmo).send();
    let output = put("new-widget").await.unwrap();
    assert_eq!((output.status, output.widget.name.as_str()), (Some(201), "Renamed"));
    assert_eq!(put("old-widget").await.unwrap().status, Some(200));

    let output = client
        .get_widget()
        .widget_id("w-1")
        .version(BIG_LONG)
        .fields(WidgetField::Name)
        .fields(WidgetField::Components)
        .include_deleted(true)
        .min_priority(10)
        .send()
        .await
        .unwrap();
    assert_eq!((output.etag(), output.last_modified()), (Some("\"v3\""), Some(&t0())));
    assert_eq!((output.widget.id.as_str(), output.widget.version), ("w-1", BIG_LONG));
    assert_eq!(output.widget.tags(), ["name", "components"]);
    assert_eq!((output.widget.fragile, output.widget.priority), (true, 10));
    assert_eq!(
        (output.widget.size.clone(), output.widget.updated_at),
        (WidgetSize::ExtraLarge, Some(DateTime::from_secs(T0 + 1)))
    );

    let output = client.get_widget().widget_id("w-2").send().await.unwrap();
    assert_eq!(
        (output.widget.version, output.widget.fragile, output.widget.priority),
        (1, false, 1),
        "server defaults"
    );

    client.delete_widget().widget_id("w-1").force(true).if_match_version(3).send().await.unwrap();
}

#[tokio::test]
async fn every_label_type_round_trips() {
    let client = start().await;
    let date = DateTime::from_secs(T0 + 7);
    let call = client
        .echo_labels()
        .string("a.b~c-d_e")
        .boolean(false)
        .byte(-100)
        .short(-1000)
        .integer(1000)
        .long(BIG_LONG)
        .float(-1000.5)
        .double(0.1)
        .timestamp(DateTime::from_secs_f64(T0 as f64 + 0.5))
        .date_time(date)
        .http_date(date)
        .epoch_seconds(DateTime::from_secs_f64(T0 as f64 + 0.125))
        .r#enum(Color::DarkGrey)
        .int_enum(10);
    let sent = call.as_input().clone();
    let output = call.send().await.unwrap();
    assert_eq!(Some(&output.string), sent.get_string().as_ref());
    assert_eq!(
        (output.boolean, output.byte, output.short, output.integer, output.long, output.float, output.double),
        (false, -100, -1000, 1000, BIG_LONG, -1000.5, 0.1)
    );
    assert_eq!(Some(output.timestamp), *sent.get_timestamp());
    assert_eq!((output.date_time, output.http_date), (date, date));
    assert_eq!(Some(output.epoch_seconds), *sent.get_epoch_seconds());
    assert_eq!((output.r#enum, output.int_enum), (Color::DarkGrey, 10));
}

#[tokio::test]
async fn every_query_type_round_trips() {
    let client = start().await;
    let call = client
        .echo_query()
        .query("find me & you=1+1")
        .string("Widget name")
        .boolean(true)
        .byte(100)
        .short(-7)
        .integer(0)
        .long(BIG_LONG)
        .float(0.25)
        .double(5000.0)
        .timestamp(DateTime::from_secs_f64(T0 as f64 + 0.5))
        .date_time(t0())
        .http_date(t0())
        .epoch_seconds(DateTime::from_secs_f64(T0 as f64 + 0.5))
        .r#enum(Color::DarkGrey)
        .int_enum(3)
        .page_size(100)
        .order(SortOrder::Descending)
        .verbose(false)
        .tags("a")
        .tags("b")
        .integers(1)
        .integers(1000)
        .booleans(true)
        .booleans(false)
        .doubles(-0.5)
        .doubles(f64::INFINITY)
        .timestamps(t0())
        .epoch_seconds_list(DateTime::from_secs(T0 + 1))
        .enums(Color::Red)
        .enums(Color::DarkGrey)
        .int_enums(1)
        .int_enums(10);
    let sent = call.as_input().clone();
    let out = call.send().await.unwrap();
    assert_eq!(Some(&out.query), sent.get_query().as_ref());
    assert_eq!(&out.string, sent.get_string());
    assert_eq!(
        (&out.boolean, &out.byte, &out.short, &out.integer),
        (sent.get_boolean(), sent.get_byte(), sent.get_short(), sent.get_integer())
    );
    assert_eq!((&out.long, &out.float, &out.double), (sent.get_long(), sent.get_float(), sent.get_double()));
    assert_eq!((&out.timestamp, &out.date_time), (sent.get_timestamp(), sent.get_date_time()));
    assert_eq!((&out.http_date, &out.epoch_seconds), (sent.get_http_date(), sent.get_epoch_seconds()));
    assert_eq!((&out.r#enum, &out.int_enum), (sent.get_enum(), sent.get_int_enum()));
    assert_eq!((out.page_size, &out.order, out.verbose), (100, &SortOrder::Descending, false));
    assert_eq!((&out.tags, &out.integers, &out.booleans), (sent.get_tags(), sent.get_integers(), sent.get_booleans()));
    assert_eq!((&out.doubles, &out.timestamps), (sent.get_doubles(), sent.get_timestamps()));
    assert_eq!((&out.epoch_seconds_list, &out.enums), (sent.get_epoch_seconds_list(), sent.get_enums()));
    assert_eq!(&out.int_enums, sent.get_int_enums());

    // Only the required parameter: the server's defaults come back.
    let out = client.echo_query().query("q").send().await.unwrap();
    assert_eq!((out.page_size, out.order, out.verbose, out.string), (25, SortOrder::Ascending, true, None));
}

#[tokio::test]
async fn every_header_type_round_trips() {
    let client = start().await;
    let call = client
        .echo_headers()
        .request_id("0123abcd-ef")
        .string("Widget name")
        .boolean(true)
        .byte(-1)
        .short(1000)
        .integer(0)
        .long(BIG_LONG)
        .float(0.75)
        .double(1.0e6)
        .timestamp(t0())
        .date_time(DateTime::from_secs_f64(T0 as f64 + 0.5))
        .http_date(DateTime::from_secs(T0 + 60))
        .epoch_seconds(DateTime::from_secs_f64(T0 as f64 + 0.5))
        .r#enum(Color::DarkGrey)
        .int_enum(2)
        .strings("a")
        .strings("b:c")
        .integers(3)
        .integers(4)
        .booleans(false)
        .timestamps(t0())
        .timestamps(DateTime::from_secs(T0 + 86_400))
        .enums(Color::DarkGrey)
        .enums(Color::Blue)
        .int_enums(10);
    let sent = call.as_input().clone();
    let out = call.send().await.unwrap();
    assert_eq!(Some(&out.request_id), sent.get_request_id().as_ref());
    assert_eq!((&out.string, &out.boolean, &out.byte), (sent.get_string(), sent.get_boolean(), sent.get_byte()));
    assert_eq!((out.short, out.integer, out.long), (Some(1000), Some(0), Some(BIG_LONG)));
    assert_eq!((&out.float, &out.double), (sent.get_float(), sent.get_double()));
    assert_eq!((&out.timestamp, &out.date_time), (sent.get_timestamp(), sent.get_date_time()));
    assert_eq!((&out.http_date, &out.epoch_seconds), (sent.get_http_date(), sent.get_epoch_seconds()));
    assert_eq!((&out.r#enum, &out.int_enum), (sent.get_enum(), sent.get_int_enum()));
    assert_eq!(
        (&out.strings, &out.integers, &out.booleans),
        (sent.get_strings(), sent.get_integers(), sent.get_booleans())
    );
    assert_eq!(
        (&out.timestamps, &out.enums, &out.int_enums),
        (sent.get_timestamps(), sent.get_enums(), sent.get_int_enums())
    );
}

#[tokio::test]
async fn payloads_round_trip() {
    let client = start().await;
    let settings = WidgetSettings::builder()
        .visibility(Visibility::Private)
        .refresh_seconds(3600)
        .notify(false)
        .notify_emails("a@b.example")
        .thresholds("max", 4999.5)
        .build()
        .unwrap();
    let output =
        client.update_widget_settings().widget_id("w-1").revision(4).settings(settings.clone()).send().await.unwrap();
    assert_eq!((output.revision(), output.settings()), (Some(5), Some(&settings)));
    let output = client
        .update_widget_settings()
        .widget_id("no-settings")
        .settings(WidgetSettings::builder().visibility(Visibility::Public).build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!((output.revision(), output.settings()), (None, None), "an empty body is no payload");

    let notes = "Notes ✓, line 1\nline 2";
    let output = client.put_widget_notes().widget_id("w-1").notes(notes).send().await.unwrap();
    assert_eq!(output.previous_notes(), Some(format!("before: {notes}").as_str()));
    let output = client.put_widget_notes().widget_id("w-2").notes("x").send().await.unwrap();
    assert_eq!(output.previous_notes(), None);

    let bytes: Vec<u8> = (0..=255).collect();
    let output = client
        .upload_attachment()
        .widget_id("w-1")
        .attachment_name("photo.png")
        .description("a photo")
        .data(Blob::new(bytes))
        .send()
        .await
        .unwrap();
    assert_eq!((output.size_bytes(), output.uploaded_at()), (256, &t0()));

    let output = client.download_attachment().widget_id("w-1").attachment_name("photo.png").send().await.unwrap();
    let data = b"bytes of photo.png\0\xc3\xbf".to_vec();
    assert_eq!(output.size_bytes(), Some(data.len() as i64));
    assert_eq!((output.uploaded_at(), output.description()), (Some(&t0()), Some("a greeting, \"quoted\"")));
    assert_eq!(output.data(), Some(&Blob::new(data)));

    let output = client.ping().send().await.unwrap();
    assert_eq!((output.status(), output.server_time()), (&HealthStatus::Degraded, Some(&t0())));
}

#[tokio::test]
async fn modeled_errors_arrive_with_their_members() {
    let client = start().await;
    let error = service_error(client.get_widget().widget_id("missing-widget").send().await.unwrap_err());
    let kitchen_sink_client::operation::get_widget::GetWidgetError::WidgetNotFound(not_found) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((not_found.message(), not_found.widget_id()), ("no widget missing-widget", "missing-widget"));
    assert_eq!(not_found.resource_type(), Some(&ResourceType::Attachment));
    assert_eq!(error.code(), Some("WidgetNotFound"));

    let error =
        service_error(client.create_widget().name("Conflicting").r#type(WidgetKind::Gizmo).send().await.unwrap_err());
    let kitchen_sink_client::operation::create_widget::CreateWidgetError::WidgetConflict(conflict) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((conflict.widget_id(), conflict.current_version()), (Some("w-9"), Some(BIG_LONG)));
    assert_eq!(conflict.conflicting_fields(), [WidgetField::Name]);

    // A service-level error: every operation's error enum has it.
    let error = service_error(client.get_widget().widget_id("overloaded").send().await.unwrap_err());
    let kitchen_sink_client::operation::get_widget::GetWidgetError::ServiceUnavailable(unavailable) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((unavailable.message(), unavailable.retry_after_seconds()), ("try again later", Some(30)));
    assert!(error.is_service_unavailable());

    let error = service_error(client.delete_widget().widget_id("broken-widget").send().await.unwrap_err());
    assert!(error.is_internal_failure(), "{error:?}");
    assert_eq!(error.to_string(), "InternalFailure: the store is down");

    // A constraint the server checks: its ValidationException, with the field list.
    let error = service_error(client.get_widget().widget_id("NO").send().await.unwrap_err());
    let kitchen_sink_client::operation::get_widget::GetWidgetError::ValidationException(invalid) = &error else {
        panic!("{error:?}")
    };
    let fields = invalid.field_list();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].path(), "/widgetId");
    assert!(invalid.message().contains("failed to satisfy constraint"), "{}", invalid.message());
}

#[tokio::test]
async fn streaming_payloads_go_both_ways() {
    let client = start().await;
    let output = client
        .echo_stream()
        .label("one")
        .data(ByteStream::from_static(b"stream\x00\xff"))
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(output.label(), Some("one"));
    assert_eq!(output.length(), Some(8));
    // The runtime hands the answer's body over as a stream, read here.
    let bytes = output.data.collect().await.expect("the stream reads").into_bytes();
    assert_eq!(bytes.as_ref(), b"\xff\x00maerts");
    // No stream set: an empty body, and an empty stream back.
    let output = client.echo_stream().send().await.expect("the call succeeds");
    assert_eq!(output.length(), Some(0));
    assert!(output.data.collect().await.expect("the stream reads").into_bytes().is_empty());
}

#[tokio::test]
async fn sensitive_members_are_sent_but_not_printed() {
    let client = start().await;
    let call = client
        .rotate_widget_key()
        .widget_id("w-1")
        .current_key("current-secret")
        .otp("otp-secret")
        .passphrase("passphrase-secret")
        .reason("rotation");
    let debug = format!("{call:?} {:?}", call.as_input());
    let output = call.send().await.unwrap();
    // The server got each secret where it was bound, and sent it back.
    assert_eq!(output.fingerprint(), Some("current-secret"));
    assert_eq!(output.key().map(|key| key.material()), Some("passphrase-secret"));
    assert_eq!(output.key_id(), Some("otp-secret"));

    const REDACTED: &str = "*** Sensitive Data Redacted ***";
    let debug = format!("{debug} {output:?} {:?}", output.key());
    assert!(debug.contains("rotation") && debug.contains(REDACTED), "{debug}");
    for secret in ["current-secret", "passphrase-secret"] {
        assert!(!debug.contains(secret), "{debug}");
    }
}

#[tokio::test]
async fn paginators_follow_the_token() {
    let client = start().await;
    let pages: Vec<_> = client.list_widgets().into_paginator().send().try_collect().await.unwrap();
    let ids: Vec<&[String]> = pages.iter().map(|page| page.widget_ids()).collect();
    assert_eq!(ids, [&["w-1", "w-2"][..], &["w-3", "w-4"], &["w-5"]]);

    let items: Vec<String> =
        client.list_widgets().into_paginator().page_size(3).items().send().try_collect().await.unwrap();
    assert_eq!(items, ["w-1", "w-2", "w-3", "w-4", "w-5"]);

    // A token answered with itself ends the stream after that page, unless told otherwise.
    let pages: Vec<_> = client.list_widgets().next_token("again").into_paginator().send().try_collect().await.unwrap();
    assert_eq!(pages.len(), 1);
    let mut stream = client.list_widgets().next_token("again").into_paginator().stop_on_duplicate_token(false).send();
    for _ in 0..3 {
        assert!(stream.try_next().await.unwrap().is_some());
    }

    // An error ends the stream: a page size the server refuses.
    let mut stream = client.list_widgets().into_paginator().page_size(0).send();
    assert!(stream.next().await.unwrap().is_err());
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn requests_carry_the_first_configured_auth_scheme_of_the_operation() {
    let client = start().await;
    let endpoint = client.config().endpoint_url().unwrap().to_owned();
    let who = |config: kitchen_sink_client::config::Builder| async move {
        let client = Client::from_conf(config.build());
        let output = client.who_am_i().send().await.unwrap();
        (output.authorization().map(str::to_owned), output.api_key().map(str::to_owned))
    };
    // Nothing configured: unsigned.
    assert_eq!(who(config(&endpoint)).await, (None, None));
    assert_eq!(who(config(&endpoint).api_key("key-1")).await, (None, Some("key-1".to_owned())));
    assert_eq!(who(config(&endpoint).bearer_token("token-1")).await, (Some("Bearer token-1".to_owned()), None));
    // Both: the service's @auth puts bearer first.
    let both = config(&endpoint).bearer_token("token-1").api_key("key-1");
    assert_eq!(who(both.clone()).await, (Some("Bearer token-1".to_owned()), None));

    // An operation with @auth([]) is never authorized (the server says Degraded to anonymous calls).
    let client = Client::from_conf(both.build());
    let output = client.ping().send().await.unwrap();
    assert_eq!(output.status(), &HealthStatus::Degraded);
}
