# shellcheck shell=bash
# Sourced by ./mvnw. Launchline needs JDK 21+, but many machines (this project's
# own CI image included) default to an older `java` while a newer JDK sits beside
# it. Rather than make every user export JAVA_HOME, pick a JDK 21+ here and hand it
# to Maven, so Maven, the compiler, the tests and the service all run on it.

launchline_java_major() {
  # $1 = a JDK home; prints its major version, or nothing when it is not a JDK
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$1/release" | head -n 1
  else
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
  fi
}

launchline_quiet_maven() {
  # Maven 3.9's Guice warns about sun.misc.Unsafe on JDK 24+; the flag that silences it
  # does not exist before 24, so it cannot live in .mvn/jvm.config.
  if [ "$1" -ge 24 ]; then
    MAVEN_OPTS="${MAVEN_OPTS-} --sun-misc-unsafe-memory-access=allow"
    export MAVEN_OPTS
  fi
}

launchline_select_jdk() {
  required=21
  best_home="" best_major=0
  path_java=$(command -v java 2>/dev/null || true)
  path_home=""
  if [ -n "$path_java" ]; then
    path_home=$(dirname "$(dirname "$(readlink -f "$path_java" 2>/dev/null || echo "$path_java")")")
  fi
  # JAVA_HOME wins when it is new enough: the user chose it.
  if [ -n "${JAVA_HOME-}" ]; then
    major=$(launchline_java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge "$required" ]; then launchline_quiet_maven "$major"; return 0; fi
  fi
  set +f  # mvnw runs with globbing off; the candidate list needs it
  for candidate in "$path_home" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$candidate" ] || continue
    major=$(launchline_java_major "$candidate")
    if [ "${major:-0}" -gt "$best_major" ]; then best_home=$candidate best_major=$major; fi
  done
  set -f
  if [ "$best_major" -ge "$required" ]; then
    JAVA_HOME=$best_home
    export JAVA_HOME
    launchline_quiet_maven "$best_major"
    return 0
  fi
  echo "Launchline needs a JDK $required or newer (newest found: ${best_major:-none}); install one (e.g. 'apt-get install openjdk-21-jdk' or https://adoptium.net) and set JAVA_HOME to it." >&2
  exit 1
}

launchline_select_jdk
