// Gradle route to the same code generation as codegen/regenerate (the Maven route, which CI runs):
// the same smithy-build.json and model/, the versions from gradle.properties (codegen/check-versions
// keeps them equal to codegen/pom.xml).
//
//   gradle smithyBuild   builds both projections into build/smithyprojections/attached-files/
//   gradle regenerate    also replaces crates/attached-files-server-sdk and crates/attached-files-client;
//                        then run `cargo fmt` (codegen/regenerate formats for you).

plugins {
    // The java plugin supplies the "main" source set and the configurations smithy-base hangs off.
    java
    id("software.amazon.smithy.gradle.smithy-base")
}

val smithyVersion: String by project
val smithyRsVersion: String by project

repositories {
    mavenCentral()
}

dependencies {
    // Trait models that model/ uses (aws.api, aws.auth, aws.protocols).
    implementation("software.amazon.smithy:smithy-aws-traits:$smithyVersion")
    // The CLI that runs the build: pinned, instead of whatever version the plugin would detect.
    smithyCli("software.amazon.smithy:smithy-cli:$smithyVersion")
    // The smithy-build plugins rust-server-codegen and rust-client-codegen.
    smithyBuild("software.amazon.smithy.rust:codegen-server:$smithyRsVersion")
    smithyBuild("software.amazon.smithy.rust:codegen-client:$smithyRsVersion")
}

smithy {
    smithyBuildConfigs.set(files("smithy-build.json"))
    // Never rewrite model/ (the Maven route does not format it either).
    format.set(false)
}

// Nothing to package: this project only runs code generation.
tasks.jar { enabled = false }

val regenerate by tasks.registering {
    group = "build"
    description = "Replaces the generated crates under crates/ with fresh smithy-rs output."
}

mapOf(
    "attached-files-server-sdk" to ("server" to "rust-server-codegen"),
    "attached-files-client" to ("client" to "rust-client-codegen"),
).forEach { (crate, output) ->
    val (projection, plugin) = output
    // Sync (not Copy): files that smithy-rs no longer generates are deleted.
    val sync = tasks.register<Sync>("sync-$crate") {
        dependsOn(tasks.named("smithyBuild"))
        from(smithy.getPluginProjectionPath(projection, plugin))
        into(layout.projectDirectory.dir("crates/$crate"))
    }
    regenerate.configure { dependsOn(sync) }
}
