// Records one applied migration.
MERGE (m:__Migration {version: $version})
ON CREATE SET m.description = $description, m.checksum = $checksum, m.installedOn = datetime(),
              m.installedBy = $user, m.executionTimeMs = $millis
