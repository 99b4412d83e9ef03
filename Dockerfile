# syntax=docker/dockerfile:1
# Liaison: one static binary on distroless, running as non-root.
#
#   docker build -t liaison .
#   docker buildx build --platform linux/amd64,linux/arm64 -t liaison .
#
# README.md ("Container") shows the docker run line and compose.yaml.

# The build runs on the builder's own platform and cross-compiles for the
# target: no emulation, and the same Go for both architectures.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=dev
# CGO off: the SQLite driver is pure Go, time zones and CA roots are embedded,
# so the binary needs nothing from the image it runs in.
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/liaison ./cmd/liaison \
 && mkdir -p /out/state /out/etc \
 && cp configs/examples/agency.yaml configs/examples/faq.yaml /out/etc/

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG REVISION=unknown
ARG SOURCE=https://github.com/liaisonhq/liaison
LABEL org.opencontainers.image.title="Liaison" \
      org.opencontainers.image.description="Alerts account managers in Slack about Jira deadlines, client messages and workload, within their working hours" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}/blob/main/README.md"
COPY --from=build /out/liaison /usr/local/bin/liaison
COPY --from=build --chown=65532:65532 /out/etc/ /etc/liaison/
COPY --from=build --chown=65532:65532 /out/state/ /var/lib/liaison/
USER 65532:65532
ENV LIAISON_CONFIG=/etc/liaison/agency.yaml \
    LIAISON_DATA_DIR=/var/lib/liaison
VOLUME ["/var/lib/liaison"]
EXPOSE 9090
# healthcheck reads the config for server.listen and asks /healthz, which
# is 503 when the state store stops answering.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/liaison", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/liaison"]
CMD ["run"]
