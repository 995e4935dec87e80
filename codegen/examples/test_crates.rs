//! Writes every crate the generator's tests generate (the kitchen sink, the rpc sink in each RPC
//! protocol, the conformance suites' services; server and client each) into a directory, then
//! times generating the kitchen sink. For restructuring the generator: run it on two checkouts
//! and `diff -r` the directories, which must be identical.
//!
//! `cargo run --release -p attached-files-codegen --example test_crates -- OUT_DIR`
//! (the suites are read from `SMITHY_CONFORMANCE_DIR`, else `../shared/conformance/`, and left
//! out if absent).

use std::path::{Path, PathBuf};
use std::time::Instant;

use attached_files_codegen::ast::Ast;
use attached_files_codegen::{File, Settings, client, server};

/// The services of each suite, as `tests/conformance.rs` generates them: file, protocol, and
/// (shape id, crate name, validation exception).
type Suite = (&'static str, &'static str, &'static [(&'static str, &'static str, Option<&'static str>)]);
const SUITES: [Suite; 4] = [
    (
        "restjson1.json",
        "restJson1",
        &[
            ("aws.protocoltests.restjson#RestJson", "rest-json", None),
            (
                "aws.protocoltests.restjson.validation#RestJsonValidation",
                "rest-json-validation",
                Some("smithy.framework#ValidationException"),
            ),
        ],
    ),
    (
        "awsjson1_0.json",
        "awsJson1_0",
        &[
            ("aws.protocoltests.json10#JsonRpc10", "json-rpc10", None),
            ("aws.protocoltests.json10#QueryCompatibleJsonRpc10", "query-compatible-json-rpc10", None),
        ],
    ),
    (
        "awsjson1_1.json",
        "awsJson1_1",
        &[
            ("aws.protocoltests.json#JsonProtocol", "json-protocol", None),
            ("com.amazonaws.machinelearning#AmazonML_20141212", "machine-learning", None),
        ],
    ),
    ("rpcv2cbor.json", "rpcv2Cbor", &[("smithy.protocoltests.rpcv2Cbor#RpcV2Protocol", "rpc-v2-cbor", None)]),
];

fn settings(service: &str, module: &str, validation: &[&str], protocol: Option<&str>) -> Settings {
    Settings {
        service: service.to_owned(),
        module: module.to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exceptions: validation.iter().map(|id| (*id).to_owned()).collect(),
        source: "tests".to_owned(),
        protocol: protocol.map(str::to_owned),
    }
}

/// Generates both sides of a service into `out/<name>-server` and `out/<name>-client`.
fn both_sides(out: &Path, ast: &Ast, name: &str, service: &str, validation: &[&str], protocol: Option<&str>) {
    let server = server::generate(ast, &settings(service, &format!("{name}-server-sdk"), validation, protocol));
    write(&out.join(format!("{name}-server")), server.unwrap_or_else(|e| panic!("{service}: {e}")));
    let client = client::generate(ast, &settings(service, &format!("{name}-client"), &[], protocol));
    write(&out.join(format!("{name}-client")), client.unwrap_or_else(|e| panic!("{service}: {e}")));
}

fn write(dir: &Path, files: Vec<File>) {
    for file in files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).unwrap();
        std::fs::write(path, file.contents).unwrap();
    }
}

fn read_ast(path: &Path) -> Ast {
    let json = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Ast::parse(&json).unwrap()
}

/// The operations `tests/conformance/excluded-operations.txt` leaves out.
fn excluded(codegen: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(codegen.join("tests/conformance/excluded-operations.txt")).unwrap();
    let lines = text.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
    lines.filter_map(|line| line.split_once(": ")).map(|(op, _)| op.trim().to_owned()).collect()
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: test_crates OUT_DIR"));
    let codegen = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let kitchen_sink = read_ast(&codegen.join("tests/models/kitchen-sink.json"));
    let (kitchen, validation) = ("example.kitchensink#KitchenSink", "example.kitchensink#ValidationException");
    both_sides(&out, &kitchen_sink, "kitchen-sink", kitchen, &[validation], None);
    let rpc_sink = read_ast(&codegen.join("tests/models/rpc-sink.json"));
    for protocol in ["awsJson1_0", "awsJson1_1", "rpcv2Cbor"] {
        let name = format!("rpc-sink-{protocol}");
        // As `tests/rpc_sink.rs` generates it: each operation's validation exception its own.
        let validation = ["example.rpcsink#ValidationException", "example.rpcsink#InvalidParameterException"];
        both_sides(&out, &rpc_sink, &name, "example.rpcsink#RpcSink", &validation, Some(protocol));
    }
    let suites = std::env::var_os("SMITHY_CONFORMANCE_DIR")
        .map_or_else(|| codegen.join("../../shared/conformance"), PathBuf::from);
    if suites.join("restjson1.json").exists() {
        let excluded = excluded(codegen);
        for (file, protocol, services) in SUITES {
            for (service, name, validation) in services {
                let mut ast = read_ast(&suites.join(file));
                let namespace = service.split('#').next().unwrap_or_default();
                let left_out: Vec<String> =
                    excluded.iter().filter(|op| op.split('#').next() == Some(namespace)).cloned().collect();
                ast.exclude_operations(service, &left_out).unwrap();
                let validation: Vec<&str> = validation.iter().copied().collect();
                both_sides(&out, &ast, name, service, &validation, Some(protocol));
            }
        }
    } else {
        eprintln!("the conformance suites are not in {}: left out", suites.display());
    }
    eprintln!("wrote {} in {:?}", out.display(), started.elapsed());

    let runs = 20;
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(server::generate(&kitchen_sink, &settings(kitchen, "ks", &[validation], None)).unwrap());
        std::hint::black_box(client::generate(&kitchen_sink, &settings(kitchen, "ks", &[], None)).unwrap());
    }
    eprintln!("the kitchen sink's server and client: {:?} per run (mean of {runs})", started.elapsed() / runs);
}
