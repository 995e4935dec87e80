//! Shared by the tests that generate a crate and build it: writing it as a standalone crate
//! pinned to the workspace's versions, and running `cargo test` on it.

#![allow(dead_code)] // each test uses the part it needs

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use attached_files_codegen::File;

/// A generated crate written under `CARGO_TARGET_TMPDIR`, built with a target directory of its
/// own (no contention for the outer build's lock, and warm from one run to the next). Crates
/// named `group/name` share `group/target`, so that their dependencies are built once.
pub struct GeneratedCrate {
    pub dir: PathBuf,
    target: PathBuf,
    module: String,
}

/// The workspace root (the parent of `codegen/`).
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("codegen/ sits in the workspace")
}

impl GeneratedCrate {
    /// Writes `generated` into `$CARGO_TARGET_TMPDIR/<name>/crate` as a standalone crate: its own
    /// `[workspace]`, `dev_dependencies` appended to its manifest, the workspace's `Cargo.lock`,
    /// and `extra` files (e.g. hand-written tests).
    pub fn write(
        name: &str,
        module: &str,
        generated: Vec<File>,
        dev_dependencies: &str,
        extra: &[(&str, Vec<u8>)],
    ) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let mut files: BTreeMap<PathBuf, Vec<u8>> =
            generated.into_iter().map(|file| (PathBuf::from(file.path), file.contents.into_bytes())).collect();
        let manifest = files.get_mut(Path::new("Cargo.toml")).expect("the generated crate has a Cargo.toml");
        assert!(
            !String::from_utf8_lossy(manifest).contains("[workspace]"),
            "the generated Cargo.toml already has a [workspace] table"
        );
        manifest.extend_from_slice(dev_dependencies.as_bytes());
        manifest.extend_from_slice(b"\n[workspace]\n");
        files.insert("Cargo.lock".into(), fs::read(workspace().join("Cargo.lock")).unwrap());
        for (path, contents) in extra {
            files.insert(PathBuf::from(path), contents.clone());
        }
        let dir = root.join("crate");
        sync_dir(&dir, &files);
        let group = name.split('/').next().expect("a crate has a name");
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join(group).join("target");
        GeneratedCrate { dir, target, module: module.to_owned() }
    }

    /// `cargo test <args>` on the crate.
    pub fn cargo_test(&self, args: &[&str]) -> Output {
        self.cargo("test", args)
    }

    /// `cargo clippy` on the crate's library and tests (its generated `protocol_tests` too) must
    /// find nothing: generated code is held to the workspace's own lint bar, so that users can
    /// deny warnings in their builds.
    pub fn assert_clippy_clean(&self) {
        let output = self.cargo("clippy", &["--lib", "--tests", "--quiet", "--", "-D", "warnings"]);
        assert!(output.status.success(), "clippy finds fault with {} {}", self.dir.display(), describe(&output));
    }

    /// `cargo <command> <args>` on the crate.
    fn cargo(&self, command: &str, args: &[&str]) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        Command::new(cargo)
            .args([command, "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            .args(args)
            // The outer cargo's settings for its own build, not for this one.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove("CARGO_MAKEFLAGS")
            .env_remove("MAKEFLAGS")
            .env_remove("MFLAGS")
            .output()
            .expect("cargo runs")
    }

    /// Without `--locked` (see `sync_dir`), cargo rewrote the lock for this crate alone: it may
    /// only have dropped packages, never picked a version that the workspace does not pin.
    pub fn assert_pinned(&self) {
        let pinned = locked_packages(&fs::read_to_string(workspace().join("Cargo.lock")).unwrap());
        let used = locked_packages(&fs::read_to_string(self.dir.join("Cargo.lock")).unwrap());
        let unpinned: Vec<_> = used.difference(&pinned).filter(|(name, _)| *name != self.module).collect();
        assert!(unpinned.is_empty(), "versions the workspace's Cargo.lock does not pin: {unpinned:?}");
    }
}

/// cargo's output, for failure messages.
pub fn describe(output: &Output) -> String {
    format!(
        "({})\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
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
