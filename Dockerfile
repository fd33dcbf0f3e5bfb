# syntax=docker/dockerfile:1
# The image the Helm chart runs (charts/stateguard): `stateguard serve` as a non-root user.
#   docker build -t REGISTRY/stateguard:0.1.0 .
# The build stage packages without compiling or running the tests (nor fetching their
# dependencies); run `mvn -B -ntp verify` before releasing.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY src ./src
COPY policies ./policies
# The Maven repository is a build cache, not part of any layer.
RUN --mount=type=cache,target=/root/.m2 mvn -B -ntp -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
# A fixed numeric id, so Kubernetes can check runAsNonRoot without reading /etc/passwd.
RUN groupadd --system --gid 10001 stateguard \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin stateguard
WORKDIR /app
COPY --from=build /src/target/stateguard.jar /app/stateguard.jar
USER 10001:10001
EXPOSE 8443
# The heap follows the container's memory limit; an OutOfMemoryError ends the process, so the
# kubelet restarts it rather than leaving a webhook that half works. The server loads about 45 MiB
# of class metadata: a first metaspace threshold above that spares it full collections at start
# and on its first requests (docs/benchmarks.md, "Request path costs").
# The JVM's defaults live in JDK_JAVA_OPTIONS rather than on the command line, so that a value
# set for the container (the chart's serve.javaOptions) replaces them instead of being overridden
# by them: options on the command line win over JDK_JAVA_OPTIONS.
# TrimNativeHeapInterval and MALLOC_ARENA_MAX: native memory the JVM freed goes back to the
# system (about 40 MiB once the caches of a large cluster have synced; docs/benchmarks.md,
# "Cluster caches").
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:MetaspaceSize=64m -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-jar", "/app/stateguard.jar"]
CMD ["serve"]
