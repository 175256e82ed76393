# Sourced by ./waymark and scripts/test: sets JAVA_HOME to a JDK >= 21 or exits with what to install.
# Looks where JDKs are usually found instead of at one hard-coded path: $JAVA_HOME, `javac` on PATH,
# the alternatives system, then the JDK folders of Debian, SDKMAN and /opt; the newest wins.
WAYMARK_JDK_MIN=21

_jdk_major() { # $1 = JDK home; prints the major version or nothing
  local rel="$1/release" v=""
  [ -x "$1/bin/javac" ] || return 0
  if [ -r "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")
  fi
  [ -n "$v" ] || v=$("$1/bin/javac" -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
  printf '%s' "$v"
}

find_jdk() {
  local candidates=() best="" best_v=0 c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  if command -v update-alternatives >/dev/null 2>&1; then
    while read -r c; do candidates+=("$(dirname "$(dirname "$c")")"); done \
      < <(update-alternatives --list javac 2>/dev/null)
  fi
  for c in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /opt/*jdk* /opt/java/* /usr/local/*jdk*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    v=$(_jdk_major "$c")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$WAYMARK_JDK_MIN" ] && [ "$v" -gt "$best_v" ]; then best="$c"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "waymark: needs a JDK $WAYMARK_JDK_MIN or newer and found none." >&2
    echo "  Install one, e.g.: apt-get install openjdk-21-jdk (or temurin-21-jdk), or set JAVA_HOME to it." >&2
    exit 3
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  export WAYMARK_JDK_MAJOR="$best_v"
  # Maven's bundled Guava trips JDK 24+'s sun.misc.Unsafe warning on every build; keep the output clean.
  if [ "$best_v" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow";; esac
  fi
}
