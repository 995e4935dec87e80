// Gradle route to the same code generation as codegen/regenerate (the Maven route, which CI runs):
// the same smithy-build.json and model/, the Smithy version from gradle.properties
// (codegen/check-versions keeps it equal to codegen/pom.xml), and the same generator:
// smithy-build.json's "run::" plugin starts the Rust package codegen/ with `cargo run` in
// SMITHY_ROOT_DIR (see codegen/regenerate for the details and why).
//
//   gradle smithyBuild   builds the generator, then the server and client projections into
//                        build/smithyprojections/
//   gradle regenerate    also replaces crates/attached-files-server-sdk and crates/attached-files-client
//                        and updates Cargo.lock
//                        (the test-model ASTs under codegen/tests/models/ are codegen/regenerate's)
//
// The Smithy CLI runs as a plain JavaExec, not through smithy-gradle-plugin: the run plugin sets
// SMITHY_ROOT_DIR to the CLI's current directory, which must be the repository root, and
// smithy-gradle-plugin runs the CLI inside the Gradle daemon or a worker daemon, whose current
// directory is the daemon's own.

plugins {
    base
}

val smithyVersion: String by project

repositories {
    mavenCentral()
}

val smithyCli by configurations.creating

dependencies {
    // The CLI and the trait models that --discover loads (aws.api, aws.auth, aws.protocols).
    smithyCli("software.amazon.smithy:smithy-cli:$smithyVersion")
    smithyCli("software.amazon.smithy:smithy-aws-traits:$smithyVersion")
}

// Built before Smithy starts it, so that `cargo run` in the plugin only checks that it is fresh.
val buildGenerator by tasks.registering(Exec::class) {
    description = "Builds the Smithy -> Rust generator (cargo build -p attached-files-codegen)."
    workingDir = rootDir
    commandLine("cargo", "build", "--locked", "-p", "attached-files-codegen")
}

val projections = layout.buildDirectory.dir("smithyprojections")

val smithyBuild by tasks.registering(JavaExec::class) {
    group = "build"
    description = "Runs smithy build (smithy-build.json) with our generator."
    dependsOn(buildGenerator)
    classpath = smithyCli
    mainClass.set("software.amazon.smithy.cli.SmithyCli")
    workingDir = rootDir // becomes SMITHY_ROOT_DIR for the generator's command
    environment("SMITHY_DEPENDENCY_MODE", "forbid") // Gradle resolved the jars; the CLI resolves nothing
    val out = projections.get().asFile
    args("build", "--discover", "--no-color", "-c", "smithy-build.json", "--output", out.absolutePath)
    doFirst { out.deleteRecursively() } // no stale artifacts from an earlier run
}

val syncServerSdk by tasks.registering(Sync::class) {
    dependsOn(smithyBuild)
    // Sync (not Copy): files that the generator no longer writes are deleted.
    from(projections.map { it.dir("server/attached-files-server-sdk") })
    into(layout.projectDirectory.dir("crates/attached-files-server-sdk"))
}

val syncClient by tasks.registering(Sync::class) {
    dependsOn(smithyBuild)
    from(projections.map { it.dir("client/attached-files-client") })
    into(layout.projectDirectory.dir("crates/attached-files-client"))
}

// The generated crates are workspace members; CI builds with --locked (as in codegen/regenerate).
val updateCargoLock by tasks.registering(Exec::class) {
    dependsOn(syncServerSdk, syncClient)
    workingDir = rootDir
    commandLine("cargo", "update", "--workspace", "--quiet")
}

tasks.register("regenerate") {
    group = "build"
    description = "Replaces crates/attached-files-server-sdk and crates/attached-files-client with fresh output of our generator."
    dependsOn(updateCargoLock)
}
