#!/usr/bin/env bash
# Builds the release set for one version, the thing a deploy installs and a rollback reinstalls:
#
#   deploy/build-release.sh VERSION         e.g. deploy/build-release.sh 1.4.0  (tag v1.4.0)
#
# Writes dist/launchline-VERSION/ and dist/launchline-VERSION.tar.gz holding:
#   launchline.jar       the service, its /version naming launchline@VERSION+<commit>
#   launchline.aot       its AOT cache (JDK 25+, trained on this very jar; absent with AOT=skip)
#   rolling-restart.sh   what runbooks/deploy.md runs on the host
#   launchline@.service, haproxy.cfg   the systemd unit and the load balancer's configuration
#   CHANGELOG.md         this version's section of CHANGELOG.md
#   sbom.cdx.json        the jar's dependencies as a CycloneDX SBOM (absent with SBOM=skip)
#   SHA256SUMS           checksums of all of the above (`sha256sum -c SHA256SUMS`)
#
# Environment: LAUNCHLINE_JAR  an already built jar to package instead of building one (CI, drills)
#              AOT=skip        no AOT cache (needs a JDK 25+ and about a minute otherwise)
#              SBOM=skip       no SBOM (the CycloneDX Maven plugin otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: deploy/build-release.sh VERSION (semantic version, e.g. 1.4.0; the tag is v1.4.0)" >&2
  exit 64
fi
out="dist/launchline-$version"
rm -rf "$out" "$out.tar.gz"
mkdir -p "$out"

if [ -n "${LAUNCHLINE_JAR:-}" ]; then
  cp "$LAUNCHLINE_JAR" "$out/launchline.jar"
else
  ./mvnw -q -B -pl app package -DskipTests -Drelease.version="$version"
  cp app/target/launchline.jar "$out/launchline.jar"
fi

if [ "${AOT:-}" != skip ]; then
  ./mvnw -q -B -pl app/dev-stack exec:java@aot-train -Dexec.args="$out/launchline.jar $out/launchline.aot"
fi

if [ "${SBOM:-}" != skip ]; then
  ./mvnw -q -B -pl app org.cyclonedx:cyclonedx-maven-plugin:2.9.1:makeBom \
    -Dcyclonedx.skipAttach=true -DoutputFormat=json -DoutputName=sbom -DincludeTestScope=false
  cp app/target/sbom.json "$out/sbom.cdx.json"
fi

cp deploy/rolling-restart.sh deploy/systemd/launchline@.service deploy/haproxy/haproxy.cfg "$out/"
# this version's section: from its heading to the next one
awk -v v="$version" '/^## / { inside = index($0, "[" v "]") > 0 } inside' CHANGELOG.md > "$out/CHANGELOG.md"
if [ ! -s "$out/CHANGELOG.md" ]; then
  echo "build-release: CHANGELOG.md has no section '## [$version]'; write it first" >&2
  exit 1
fi
(cd "$out" && sha256sum -- * > SHA256SUMS)
tar -czf "$out.tar.gz" -C dist "launchline-$version"
echo "build-release: $out.tar.gz"; tar -tzf "$out.tar.gz"
