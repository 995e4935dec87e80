//! Proves the generator works for a model that is not ours: the kitchen-sink SDK is generated, built, driven over HTTP.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use attached_files_codegen::smithy::Model;
use attached_files_codegen::{Settings, server};

const MODULE: &str = "kitchen-sink-server-sdk";

/// What the HTTP tests need besides the generated crate's own dependencies (versions as in the
/// workspace, so that the copied lock already holds them).
const DEV_DEPENDENCIES: &str = r#"
[dev-dependencies]
reqwest = { version = "0.13.5", default-features = false }
serde_json = "1.0.154"
tokio = { version = "1.54.1", features = ["macros", "net", "rt-multi-thread"] }
"#;

/// Generates the server SDK of `tests/models/kitchen-sink.json` with the library API into
/// `$CARGO_TARGET_TMPDIR/kitchen-sink/sdk`, makes it a standalone crate (its own `[workspace]`,
/// the dev-dependencies of its HTTP tests, the workspace's `Cargo.lock` so that it builds with
/// the pinned versions), adds the hand-written `tests/kitchen_sink/http.rs` as its
/// `tests/http.rs` and runs `cargo test` on it, with a target directory of its own next to it
/// (no contention for the outer build's lock, and warm from one run to the next).
#[test]
fn kitchen_sink_sdk_is_generated_compiled_and_passes_its_http_tests() {
    let codegen = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = codegen.parent().expect("codegen/ sits in the workspace");
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kitchen-sink");
    let sdk = root.join("sdk");

    let json = fs::read_to_string(codegen.join("tests/models/kitchen-sink.json")).unwrap();
    let model = Model::parse(&json).expect("the kitchen-sink model parses");
    let settings = Settings {
        service: "example.kitchensink#KitchenSink".to_owned(),
        module: MODULE.to_owned(),
        module_version: "0.1.0".to_owned(),
        validation_exception: Some("example.kitchensink#ValidationException".to_owned()),
        source: "codegen/tests/models/kitchen-sink.smithy".to_owned(),
    };
    let generated = server::generate(&model, &settings).expect("the kitchen-sink model generates");

    let mut files: BTreeMap<PathBuf, Vec<u8>> =
        generated.into_iter().map(|file| (PathBuf::from(file.path), file.contents.into_bytes())).collect();
    let manifest = files.get_mut(Path::new("Cargo.toml")).expect("the generated crate has a Cargo.toml");
    assert!(
        !String::from_utf8_lossy(manifest).contains("[workspace]"),
        "the generated Cargo.toml already has a [workspace] table"
    );
    manifest.extend_from_slice(DEV_DEPENDENCIES.as_bytes());
    manifest.extend_from_slice(b"\n[workspace]\n");
    files.insert("Cargo.lock".into(), fs::read(workspace.join("Cargo.lock")).unwrap());
    files.insert("tests/http.rs".into(), fs::read(codegen.join("tests/kitchen_sink/http.rs")).unwrap());
    sync_dir(&sdk, &files);

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .args(["test", "--quiet", "--manifest-path"])
        .arg(sdk.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target"))
        // The outer cargo's settings for its own build, not for this one.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS");
    let output = command.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo test` of the generated kitchen-sink crate in {} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        sdk.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );

    // Without `--locked` (see `sync_dir`), cargo rewrote the lock for this crate alone: it may
    // only have dropped packages, never picked a version that the workspace does not pin.
    let pinned = locked_packages(&fs::read_to_string(workspace.join("Cargo.lock")).unwrap());
    let used = locked_packages(&fs::read_to_string(sdk.join("Cargo.lock")).unwrap());
    let unpinned: Vec<_> = used.difference(&pinned).filter(|(name, _)| name != MODULE).collect();
    assert!(unpinned.is_empty(), "versions the workspace's Cargo.lock does not pin: {unpinned:?}");
}

/// Makes `dir` hold exactly `files`: removes the files of an earlier run that are no longer
/// generated, and writes only the files whose contents changed, so that cargo does not rebuild
/// an unchanged crate.
///
/// `Cargo.lock` is the workspace's, which also pins the workspace's own crates and their
/// dependencies; cargo has to rewrite it for this crate (drop those, add this one), which
/// `--locked` forbids. Keeping the existing entries is what cargo does without `--locked`, so
/// the versions stay the pinned ones (checked after the run).
fn sync_dir(dir: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    fn walk(dir: &Path, base: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, found);
            } else {
                found.push(path.strip_prefix(base).unwrap().to_owned());
            }
        }
    }
    fs::create_dir_all(dir).unwrap();
    let mut existing = Vec::new();
    walk(dir, dir, &mut existing);
    for stale in existing.iter().filter(|path| !files.contains_key(*path)) {
        fs::remove_file(dir.join(stale)).unwrap();
    }
    for (path, contents) in files {
        let path = dir.join(path);
        if fs::read(&path).ok().as_ref() != Some(contents) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, contents).unwrap();
        }
    }
}

/// The `(name, version)` of every package in a `Cargo.lock`.
fn locked_packages(lock: &str) -> BTreeSet<(String, String)> {
    let field = |line: &str, key: &str| {
        line.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(" = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .map(str::to_owned)
    };
    let mut packages = BTreeSet::new();
    let mut name = None;
    for line in lock.lines() {
        if line == "[[package]]" {
            name = None;
        } else if let Some(value) = field(line, "name") {
            name = Some(value);
        } else if let Some(version) = field(line, "version") {
            packages.insert((name.take().expect("name comes before version"), version));
        }
    }
    packages
}
