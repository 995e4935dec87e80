// Gradle route to code generation; see build.gradle.kts.
rootProject.name = "attached-files"
