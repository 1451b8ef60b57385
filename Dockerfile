# Hookgate's image: built with Maven, run on a JRE as a non-root user.
#   docker build -t hookgate:0.1.0 .
# The Kubernetes manifests (k8s/) run it with a read-only root filesystem and an emptyDir on /tmp.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The POM first, so the dependency download stays cached while only sources change.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src/main src/main
RUN mvn -B -DskipTests package

FROM eclipse-temurin:17-jre
# A fixed numeric user: Kubernetes can only check runAsNonRoot against a numeric USER.
RUN groupadd --system --gid 10001 hookgate \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin hookgate
WORKDIR /app
COPY --from=build /build/target/hookgate.jar /app/hookgate.jar
# Every key with its default; the Kubernetes manifests override single keys with HOOKGATE_* variables.
COPY conf/hookgate.json /app/conf/hookgate.json
USER 10001:10001
# API, then management (health, metrics).
EXPOSE 8080 9090
# The throughput collector: nearly all of the gateway's garbage is short-lived (see
# docs/performance.md). Without it, a pod of 1 GiB would get the serial collector.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-jar", "/app/hookgate.jar"]
