//! The resolved model of the test models, as text (`ir::Service`'s `Display`), against the
//! snapshots in `tests/snapshots/`: a change to how Smithy's semantics are resolved shows there as
//! a small diff. After an intended change, rerun with `INSTA_UPDATE=always` and review the diff
//! (or use `cargo insta review`).

use attached_files_codegen::ast::Ast;
use attached_files_codegen::ir::Service;

fn resolved(model: &str, service: &str, protocol: Option<&str>, validation_exceptions: &[&str]) -> String {
    let path = format!("{}/tests/models/{model}.json", env!("CARGO_MANIFEST_DIR"));
    let ast = Ast::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let service = Service::resolve(&ast, service, protocol, validation_exceptions).unwrap();
    service.to_string()
}

#[test]
fn kitchen_sink() {
    let text =
        resolved("kitchen-sink", "example.kitchensink#KitchenSink", None, &["example.kitchensink#ValidationException"]);
    insta::assert_snapshot!("kitchen-sink", text);
}

#[test]
fn rpc_sink() {
    for protocol in ["awsJson1_0", "awsJson1_1", "rpcv2Cbor"] {
        let validation = ["example.rpcsink#ValidationException", "example.rpcsink#InvalidParameterException"];
        let text = resolved("rpc-sink", "example.rpcsink#RpcSink", Some(protocol), &validation);
        insta::assert_snapshot!(format!("rpc-sink-{protocol}"), text);
    }
}
