// Gradle route to code generation; see build.gradle.kts.
rootProject.name = "attached-files"

pluginManagement {
    val smithyGradlePluginVersion: String by settings
    repositories {
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("software.amazon.smithy.gradle.smithy-base") version smithyGradlePluginVersion
    }
    // Maven Central has the plugin itself (software.amazon.smithy.gradle:smithy-base) but not its
    // plugin-id marker, which only the Gradle Plugin Portal serves: map the id to the module so
    // Maven Central alone is enough.
    resolutionStrategy {
        eachPlugin {
            if (requested.id.id == "software.amazon.smithy.gradle.smithy-base") {
                useModule("software.amazon.smithy.gradle:smithy-base:${requested.version}")
            }
        }
    }
}
