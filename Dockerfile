# syntax=docker/dockerfile:1
# Multi-stage build with the Maven wrapper: the build stage has a JDK and Maven's cache, the runtime image only a JRE
# and the app, run as a non-root user.

FROM eclipse-temurin:21.0.8_9-jdk-noble AS build
WORKDIR /build
COPY mvnw pom.xml ./
COPY .mvn .mvn
# dependencies first: a source change does not download them again
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src src
COPY bpmn bpmn
COPY db db
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
    && cp target/llm-lifecycle-*.jar /build/app.jar

FROM eclipse-temurin:21.0.8_9-jre-noble
RUN groupadd --system lifecycle && useradd --system --gid lifecycle --home-dir /var/lib/llm-lifecycle lifecycle \
    && mkdir -p /var/lib/llm-lifecycle/artifacts && chown -R lifecycle:lifecycle /var/lib/llm-lifecycle
COPY --from=build /build/app.jar /opt/llm-lifecycle/app.jar
USER lifecycle
WORKDIR /var/lib/llm-lifecycle
ENV LIFECYCLE_ARTIFACT_DIR=/var/lib/llm-lifecycle/artifacts
VOLUME /var/lib/llm-lifecycle/artifacts
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=90s --retries=5 \
    CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" >&3 && head -n 1 <&3 | grep -q " 200 "'
# ZGC: sub-millisecond pauses for the gateway's latency (see BENCHMARKS.md)
ENTRYPOINT ["java", "-XX:+UseZGC", "-jar", "/opt/llm-lifecycle/app.jar"]
