# Jars built from an sbt source (jarsBuild.ts): the metagraph's and Tessellation's, one build for both.
#   BUILDER_IMAGE  image with sbt and a JDK (pinned).
#   SBT_TASKS      space-separated sbt tasks, run after `clean`: e.g. "currencyL0/assembly currencyL1/assembly
#                  dataL1/assembly" (scasplte2/ottochain justfile `build`; its build.sbt: currencyL0 = modules/l0,
#                  currencyL1 = modules/l1, dataL1 = modules/data_l1) or "keytool/assembly wallet/assembly
#                  dagL0/assembly" (Constellation-Labs/tessellation .github/workflows/release.yml).
#   JARS           space-separated <module dir under modules/>:<jar file name> pairs: the one sbt-assembly output
#                  modules/<dir>/target/scala-2.13/*-assembly-*.jar of each module, copied as <jar file name>.
#   RELEASE_TAG    optional: Tessellation's build.sbt sets ThisBuild / version from it (else 99.99.99-SNAPSHOT),
#                  the version a node reports on /node/info; exported to sbt only when set.
# The last stage holds only those jars, at its root.
ARG BUILDER_IMAGE
FROM ${BUILDER_IMAGE} AS build
ARG SBT_TASKS
ARG JARS
ARG RELEASE_TAG=""
WORKDIR /src
COPY . .
# SBT_TASKS is split into words on purpose: one sbt argument per task.
RUN set -eu; \
    if [ -z "${SBT_TASKS:-}" ] || [ -z "${JARS:-}" ]; then echo "SBT_TASKS and JARS are required build args" >&2; exit 1; fi; \
    if [ -n "${RELEASE_TAG:-}" ]; then export RELEASE_TAG; else unset RELEASE_TAG; fi; \
    sbt clean $SBT_TASKS
RUN set -eu; mkdir /out; \
    for pair in $JARS; do \
      mod=${pair%%:*}; jar=${pair#*:}; \
      set -- modules/"$mod"/target/scala-2.13/*-assembly-*.jar; \
      if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then echo "modules/$mod: expected one assembly jar, found: $*" >&2; exit 1; fi; \
      cp "$1" "/out/$jar"; \
    done

FROM scratch AS jars
COPY --from=build /out/ /
