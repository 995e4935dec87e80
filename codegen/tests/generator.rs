//! The generator on tiny models: what it writes for each supported feature, the one clear error
//! for each unsupported one, and that its output depends on nothing but its input.

use attached_files_codegen::{File, Settings, ast::Ast, server};
use serde_json::{Value, json};

fn settings(validation_exception: Option<&str>) -> Settings {
    Settings {
        service: "ex#Svc".to_owned(),
        module: "ex-server-sdk".to_owned(),
        module_version: "1.2.3".to_owned(),
        validation_exceptions: validation_exception.map(str::to_owned).into_iter().collect(),
        source: "tests".to_owned(),
        protocol: None,
    }
}

/// A restJson1 service with one operation `Op` (`POST /op`) over the given input members, plus
/// extra shapes.
fn model(input_members: Value, extra: Value) -> String {
    let mut shapes = json!({
        "ex#Svc": {
            "type": "service",
            "version": "2024-01-01",
            "operations": [{ "target": "ex#Op" }],
            "traits": { "aws.protocols#restJson1": {} }
        },
        "ex#Op": {
            "type": "operation",
            "input": { "target": "ex#OpRequest" },
            "output": { "target": "ex#OpResponse" },
            "errors": [{ "target": "ex#BadInput" }],
            "traits": { "smithy.api#http": { "method": "POST", "uri": "/op", "code": 200 } }
        },
        "ex#OpRequest": { "type": "structure", "members": input_members, "traits": { "smithy.api#input": {} } },
        "ex#OpResponse": { "type": "structure", "members": {}, "traits": { "smithy.api#output": {} } },
        "ex#BadInput": {
            "type": "structure",
            "members": { "message": { "target": "smithy.api#String" } },
            "traits": { "smithy.api#error": "client", "smithy.api#httpError": 400 }
        }
    });
    for (id, shape) in extra.as_object().unwrap() {
        shapes[id] = shape.clone();
    }
    json!({ "smithy": "2.0", "shapes": shapes }).to_string()
}

fn generate(json: &str, validation_exception: Option<&str>) -> Result<Vec<File>, String> {
    let model = Ast::parse(json).map_err(|e| e.to_string())?;
    server::generate(&model, &settings(validation_exception)).map_err(|e| e.to_string())
}

fn file<'a>(files: &'a [File], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}")).contents
}

fn error_of(input_members: Value, extra: Value) -> String {
    generate(&model(input_members, extra), None).expect_err("the model should be refused")
}

#[test]
fn writes_a_complete_crate_with_headers() {
    let files = generate(&model(json!({ "name": { "target": "smithy.api#String" } }), json!({})), None).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "src/error.rs",
            "src/input.rs",
            "src/lib.rs",
            "src/model.rs",
            "src/operation.rs",
            "src/operation_shape.rs",
            "src/output.rs",
            "src/protocol_serde.rs",
            "src/protocol_serde/headers.rs",
            "src/protocol_serde/json.rs",
            "src/protocol_serde/support.rs",
            "src/service.rs",
        ]
    );
    for f in &files {
        let marker = if f.path.ends_with(".toml") { "# " } else { "// " };
        let first = f.contents.lines().next().unwrap();
        assert!(
            first.starts_with(marker) && first.contains("DO NOT EDIT") && first.contains("ex#Svc"),
            "{}: {first}",
            f.path
        );
    }
    let cargo = file(&files, "Cargo.toml");
    assert!(cargo.contains("name = \"ex-server-sdk\"") && cargo.contains("version = \"1.2.3\""), "{cargo}");
    assert!(cargo.contains("aws-smithy-http-server = \"=0.69.1\""), "{cargo}");
    assert!(!cargo.contains("workspace"), "generated crates stand alone: {cargo}");
    // Inputs and outputs take smithy-rs's names, whatever the model calls them.
    assert!(file(&files, "src/input.rs").contains("pub struct OpInput"));
    assert!(file(&files, "src/output.rs").contains("pub struct OpOutput"));
    assert!(file(&files, "src/service.rs").contains("pub struct Svc<"));
}

#[test]
fn output_depends_only_on_the_input() {
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/models/kitchen-sink.json")).unwrap();
    let settings = Settings {
        service: "example.kitchensink#KitchenSink".to_owned(),
        validation_exceptions: vec!["example.kitchensink#ValidationException".to_owned()],
        ..settings(None)
    };
    let first = server::generate(&Ast::parse(&json).unwrap(), &settings).unwrap();
    let second = server::generate(&Ast::parse(&json).unwrap(), &settings).unwrap();
    assert_eq!(first, second);
}

#[test]
fn constraints_become_newtypes_with_their_messages() {
    let files = generate(
        &model(
            json!({
                "id": { "target": "ex#Id", "traits": { "smithy.api#required": {} } },
                "count": { "target": "smithy.api#Integer", "traits": { "smithy.api#range": { "min": 5 } } }
            }),
            json!({ "ex#Id": { "type": "string", "traits": { "smithy.api#length": { "min": 1, "max": 9 }, "smithy.api#pattern": "^[a-z]+$" } } }),
        ),
        None,
    )
    .unwrap();
    let model = file(&files, "src/model.rs");
    assert!(model.contains("pub struct Id(pub(crate) ::std::string::String);"), "{model}");
    assert!(model.contains("Member must have length between 1 and 9, inclusive"));
    assert!(model.contains("Member must satisfy regular expression pattern: ^[a-z]+$"));
    // A constraint on a member gets a shape of its own, named after the member.
    assert!(model.contains("pub struct OpRequestCount(pub(crate) i32);"), "{model}");
    assert!(model.contains("Member must be greater than or equal to 5"));
    let input = file(&files, "src/input.rs");
    assert!(input.contains("pub id: crate::model::Id,"), "{input}");
    assert!(input.contains("pub count: ::std::option::Option<crate::model::OpRequestCount>,"), "{input}");
}

#[test]
fn deprecated_shapes_and_members_are_deprecated_in_rust() {
    let json = model(
        json!({
            "old": { "target": "ex#Old", "traits": { "smithy.api#deprecated": { "message": "use new", "since": "2024" } } }
        }),
        json!({ "ex#Old": { "type": "string", "traits": { "smithy.api#deprecated": {} } } }),
    );
    let files = generate(&json, None).unwrap();
    let input = file(&files, "src/input.rs");
    assert!(input.contains("#[deprecated(note = \"use new\", since = \"2024\")]"), "{input}");
    // The crate itself uses what it deprecates for its users.
    assert!(file(&files, "src/lib.rs").contains("#![allow(deprecated)]"));
}

#[test]
fn a_service_with_several_protocols_generates_for_the_one_chosen() {
    let mut both: Value = serde_json::from_str(&model(json!({}), json!({}))).unwrap();
    both["shapes"]["ex#Svc"]["traits"]["aws.protocols#awsJson1_0"] = json!({});
    let model = Ast::parse(&both.to_string()).unwrap();
    let with = |protocol: Option<&str>| Settings { protocol: protocol.map(str::to_owned), ..settings(None) };

    // By default the first supported one, restJson1; a flag chooses another.
    let files = server::generate(&model, &with(None)).unwrap();
    assert!(file(&files, "src/protocol_serde.rs").contains("rest_json_1::RestJson1"));
    let files = server::generate(&model, &with(Some("awsJson1_0"))).unwrap();
    let serde = file(&files, "src/protocol_serde.rs");
    assert!(serde.contains("aws_json_10::AwsJson1_0") && serde.contains("\"application/x-amz-json-1.0\""));
    assert!(file(&files, "src/service.rs").contains("\"Svc.Op\""), "routed by X-Amz-Target");

    let error = server::generate(&model, &with(Some("awsJson1_1"))).unwrap_err();
    assert_eq!(error.to_string(), "ex#Svc: the service has no @awsJson1_1 trait");
    let error = server::generate(&model, &with(Some("restXml"))).unwrap_err();
    assert!(error.to_string().starts_with("ex#Svc: unknown protocol \"restXml\""), "{error}");
}

#[test]
fn the_validation_exception_is_a_setting() {
    let members = json!({ "id": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } } });
    let default = generate(&model(members.clone(), json!({})), None).unwrap();
    let serde = file(&default, "src/protocol_serde.rs");
    assert!(serde.contains("\"ValidationException\"") && serde.contains("\"fieldList\""), "{serde}");
    let chosen = generate(&model(members.clone(), json!({})), Some("ex#BadInput")).unwrap();
    let serde = file(&chosen, "src/protocol_serde.rs");
    assert!(serde.contains("from_static(\"BadInput\")") && !serde.contains("fieldList"), "{serde}");
    let error = generate(&model(members, json!({})), Some("ex#OpResponse")).unwrap_err();
    assert_eq!(error, "ex#OpResponse: the validation exception must be an @error structure");
}

#[test]
fn unsupported_features_are_one_clear_error_naming_the_shape() {
    assert_eq!(
        error_of(json!({ "amount": { "target": "smithy.api#BigDecimal" } }), json!({})),
        "smithy.api#BigDecimal: shapes of type bigDecimal are not supported"
    );
    assert_eq!(
        error_of(
            json!({ "meta": { "target": "ex#Meta", "traits": { "smithy.api#httpPrefixHeaders": "x-meta-" } } }),
            json!({ "ex#Meta": { "type": "map", "key": { "target": "smithy.api#String" }, "value": { "target": "smithy.api#Integer" } } })
        ),
        "ex#OpRequest$meta: @httpQueryParams and @httpPrefixHeaders are supported on maps of unconstrained strings (to unconstrained strings, or for query parameters lists of them) only"
    );
    assert_eq!(
        error_of(
            json!({ "list": { "target": "ex#Names", "traits": { "smithy.api#httpHeader": "x-names" } } }),
            json!({ "ex#Names": { "type": "list", "member": { "target": "smithy.api#String" }, "traits": { "smithy.api#sparse": {} } } })
        ),
        "ex#OpRequest$list: HTTP labels, query parameters and headers support scalars (and, for query and headers, dense lists of scalars) only"
    );
    let error = error_of(
        json!({ "key": { "target": "ex#Key" } }),
        json!({ "ex#Key": { "type": "string", "traits": { "smithy.api#pattern": "^(?!aws:).*$" } } }),
    );
    assert!(error.starts_with("ex#Key: @pattern \"^(?!aws:).*$\" is not supported by Rust's regex crate"), "{error}");

    let mut greedy: Value = serde_json::from_str(&model(
        json!({ "key": { "target": "smithy.api#Integer", "traits": { "smithy.api#httpLabel": {}, "smithy.api#required": {} } } }),
        json!({}),
    ))
    .unwrap();
    greedy["shapes"]["ex#Op"]["traits"]["smithy.api#http"]["uri"] = json!("/op/{key+}");
    assert_eq!(generate(&greedy.to_string(), None).unwrap_err(), "ex#OpRequest$key: a greedy label must bind a string");

    assert_eq!(
        error_of(
            json!({ "data": { "target": "ex#Data" } }),
            json!({ "ex#Data": { "type": "blob", "traits": { "smithy.api#streaming": {} } } })
        ),
        "ex#OpRequest$data: @streaming blobs are supported as @httpPayload only"
    );
    assert_eq!(
        error_of(
            json!({ "events": { "target": "ex#Events", "traits": { "smithy.api#httpPayload": {} } } }),
            json!({ "ex#Events": { "type": "union", "members": { "a": { "target": "smithy.api#String" } }, "traits": { "smithy.api#streaming": {} } } })
        ),
        "ex#Events$a: an event must target a structure"
    );
    // Event streams under the other protocols are refused by name, until they are supported.
    let events = json!({ "ex#Events": { "type": "union", "members": { "a": { "target": "ex#A" } }, "traits": { "smithy.api#streaming": {} } },
        "ex#A": { "type": "structure", "members": {} } });
    assert_eq!(
        error_of(json!({ "events": { "target": "ex#Events" } }), events.clone()),
        "ex#OpRequest$events: event streams are supported as @httpPayload only"
    );
    for (protocol, name) in [
        ("aws.protocols#awsJson1_0", "awsJson1_0"),
        ("aws.protocols#awsJson1_1", "awsJson1_1"),
        ("smithy.protocols#rpcv2Cbor", "rpcv2Cbor"),
    ] {
        let mut rpc: Value =
            serde_json::from_str(&model(json!({ "events": { "target": "ex#Events" } }), events.clone())).unwrap();
        rpc["shapes"]["ex#Svc"]["traits"] = json!({ protocol: {} });
        assert_eq!(
            generate(&rpc.to_string(), None).unwrap_err(),
            format!("ex#Events: event streams (@streaming unions) are supported under restJson1 only, not {name} yet")
        );
    }
    let mut prefixed: Value =
        serde_json::from_str(&model(json!({ "tenant": { "target": "smithy.api#String" } }), json!({}))).unwrap();
    prefixed["shapes"]["ex#Op"]["traits"]["smithy.api#endpoint"] = json!({ "hostPrefix": "{tenant}." });
    assert_eq!(
        generate(&prefixed.to_string(), None).unwrap_err(),
        "ex#Op: the host prefix's {tenant} needs a required string input member with @hostLabel"
    );
    let mut compressed: Value = serde_json::from_str(&model(json!({}), json!({}))).unwrap();
    compressed["shapes"]["ex#Op"]["traits"]["smithy.api#requestCompression"] = json!({ "encodings": ["br"] });
    assert_eq!(
        generate(&compressed.to_string(), None).unwrap_err(),
        "ex#Op: @requestCompression is supported with gzip only"
    );

    let mut trace: Value = serde_json::from_str(&model(json!({}), json!({}))).unwrap();
    trace["shapes"]["ex#Op"]["traits"]["smithy.api#http"]["method"] = json!("TRACE");
    assert_eq!(generate(&trace.to_string(), None).unwrap_err(), "ex#Op: HTTP method TRACE is not supported");

    // Defaults are checked when the service is resolved, against their target.
    assert_eq!(
        error_of(
            json!({ "level": { "target": "smithy.api#Byte", "traits": { "smithy.api#default": 300 } } }),
            json!({})
        ),
        "ex#OpRequest$level: @default 300 is not supported for this member"
    );

    // A trait the generator neither implements nor knows to have no effect is never ignored.
    assert_eq!(
        error_of(
            json!({ "name": { "target": "smithy.api#String", "traits": { "aws.protocols#httpChecksum": {} } } }),
            json!({})
        ),
        "ex#OpRequest$name: the @aws.protocols#httpChecksum trait is not supported by the generator"
    );
    assert_eq!(
        error_of(
            json!({ "name": { "target": "ex#Name" } }),
            json!({ "ex#Name": { "type": "string", "traits": { "ex#custom": {} } } })
        ),
        "ex#Name: the @ex#custom trait is not supported by the generator"
    );
    let mut waiter: Value = serde_json::from_str(&model(json!({}), json!({}))).unwrap();
    waiter["shapes"]["ex#Op"]["traits"]["smithy.waiters#waitable"] = json!({});
    assert_eq!(
        generate(&waiter.to_string(), None).unwrap_err(),
        "ex#Op: the @smithy.waiters#waitable trait is not supported by the generator"
    );

    let mut rpc: Value = serde_json::from_str(&model(json!({}), json!({}))).unwrap();
    rpc["shapes"]["ex#Svc"]["traits"] = json!({ "aws.protocols#restXml": {} });
    assert_eq!(
        generate(&rpc.to_string(), None).unwrap_err(),
        "ex#Svc: the generator supports the restJson1, awsJson1_0, awsJson1_1 and rpcv2Cbor protocols, and the service has none of them"
    );
}

#[test]
fn operations_bound_through_resources_are_the_services() {
    // `Op` is bound to the service; each other operation through a resource: lifecycle
    // operations, instance and collection operations, and a nested resource's.
    let op = |name: &str, uri: &str| {
        json!({
            "type": "operation",
            "traits": { "smithy.api#http": { "method": "POST", "uri": uri, "code": 200 } }
        })
        .as_object()
        .map(|o| (format!("ex#{name}"), Value::Object(o.clone())))
        .unwrap()
    };
    let mut extra = json!({
        "ex#Widget": {
            "type": "resource",
            "identifiers": { "id": { "target": "smithy.api#String" } },
            "create": { "target": "ex#CreateWidget" },
            "list": { "target": "ex#ListWidgets" },
            "operations": [{ "target": "ex#PolishWidget" }],
            "collectionOperations": [{ "target": "ex#CountWidgets" }],
            "resources": [{ "target": "ex#Part" }],
            "traits": { "smithy.api#documentation": "A widget." }
        },
        "ex#Part": {
            "type": "resource",
            "identifiers": { "id": { "target": "smithy.api#String" }, "part": { "target": "smithy.api#String" } },
            "read": { "target": "ex#GetPart" }
        }
    });
    for (name, uri) in [
        ("CreateWidget", "/w"),
        ("ListWidgets", "/w/list"),
        ("PolishWidget", "/w/polish"),
        ("CountWidgets", "/w/count"),
        ("GetPart", "/w/part"),
    ] {
        let (id, shape) = op(name, uri);
        extra[id] = shape;
    }
    let mut json: Value = serde_json::from_str(&model(json!({}), extra)).unwrap();
    json["shapes"]["ex#Svc"]["resources"] = json!([{ "target": "ex#Widget" }]);
    let files = generate(&json.to_string(), None).unwrap();
    let operations = file(&files, "src/operation_shape.rs");
    for name in ["Op", "CreateWidget", "ListWidgets", "PolishWidget", "CountWidgets", "GetPart"] {
        assert!(operations.contains(&format!("pub struct {name};")), "{name} is not one of the service's operations");
    }

    // A resource's trait is checked like any other.
    json["shapes"]["ex#Part"]["traits"] = json!({ "ex#unknownTrait": {} });
    let error = generate(&json.to_string(), None).unwrap_err();
    assert!(error.contains("ex#Part: the @ex#unknownTrait trait is not supported"), "{error}");
}
