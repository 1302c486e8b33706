#!/usr/bin/env bash
# Builds the Tessellation stand-in jar: javac the single source, gcc a tiny libbrotli.so that the
# node extracts into java.io.tmpdir at start (see the header of TessellationStandin.java), and a
# manifest whose Implementation-Version is the jar's version and Tessellation-Version the Tessellation
# version it reports in /node/info and compares on a join (a metagraph jar built against an SDK:
# TESSELLATION_VERSION; default VERSION, as Tessellation's own jars are).
# Usage: build-jar.sh OUT_JAR VERSION [TESSELLATION_VERSION]   (needs javac/jar 17 and gcc; writes nothing beside itself)
set -euo pipefail
out=${1:?usage: build-jar.sh OUT_JAR VERSION [TESSELLATION_VERSION]}
version=${2:?usage: build-jar.sh OUT_JAR VERSION [TESSELLATION_VERSION]}
tessellation=${3:-$version}
src="$(cd "$(dirname "$0")" && pwd)/TessellationStandin.java"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes/lib/linux-$(uname -m)"
# (javac warns that sun.misc.Signal is internal API: it is how the node turns SIGTERM into exit 0)
javac -d "$work/classes" "$src" 2>"$work/javac.log" || { cat "$work/javac.log" >&2; echo "build-jar: javac failed" >&2; exit 1; }
printf 'int standin_brotli_marker(void) { return 42; }\n' > "$work/brotli.c"
gcc -shared -fPIC -O2 -o "$work/classes/lib/linux-$(uname -m)/libbrotli.so" "$work/brotli.c"
printf 'Main-Class: TessellationStandin\nImplementation-Title: tessellation-standin\nImplementation-Version: %s\nTessellation-Version: %s\n' "$version" "$tessellation" > "$work/manifest"
mkdir -p "$(dirname "$out")"
jar --create --file "$out" --manifest "$work/manifest" -C "$work/classes" .
echo "build-jar: $out (version $version, Tessellation $tessellation)"
