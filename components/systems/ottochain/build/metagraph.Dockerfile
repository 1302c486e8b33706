# The metagraph's jars, built from its source as the OttoChain guide builds them (seed 002:
# sbt clean "l0/assembly" "l1/assembly" "dataL1/assembly", then modules/{l0,l1,data_l1}/target/
# scala-2.13/*-assembly-*.jar as metagraph-l0.jar, currency-l1.jar, data-l1.jar). The last stage
# holds only the three jars, for `docker build --target jars --output type=local,dest=<dir>`.
ARG BUILDER_IMAGE
FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY . .
RUN sbt clean "l0/assembly" "l1/assembly" "dataL1/assembly"
RUN set -eu; mkdir /out; \
    for pair in l0:metagraph-l0 l1:currency-l1 data_l1:data-l1; do \
      mod=${pair%%:*}; jar=${pair#*:}; \
      set -- modules/"$mod"/target/scala-2.13/*-assembly-*.jar; \
      if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then echo "modules/$mod: expected one assembly jar, found: $*" >&2; exit 1; fi; \
      cp "$1" "/out/$jar.jar"; \
    done

FROM scratch AS jars
COPY --from=build /out/ /
