# syntax=docker/dockerfile:1
# Liaison: one static binary on distroless, running as non-root.
#
#   docker build -t liaison .
#   docker run -v liaison-state:/var/lib/liaison \
#     -v $PWD/agency.yaml:/etc/liaison/agency.yaml:ro \
#     -e JIRA_API_TOKEN -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN \
#     -p 9090:9090 liaison

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO off: the SQLite driver is pure Go, time zones and CA roots are embedded,
# so the binary needs nothing from the image it runs in.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/liaison ./cmd/liaison \
 && mkdir -p /out/state /out/etc \
 && cp configs/examples/agency.yaml configs/examples/faq.yaml /out/etc/

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/liaison /usr/local/bin/liaison
COPY --from=build --chown=65532:65532 /out/etc/ /etc/liaison/
COPY --from=build --chown=65532:65532 /out/state/ /var/lib/liaison/
USER 65532:65532
ENV LIAISON_CONFIG=/etc/liaison/agency.yaml \
    LIAISON_DATA_DIR=/var/lib/liaison
VOLUME ["/var/lib/liaison"]
EXPOSE 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/liaison", "healthcheck", "-url", "http://127.0.0.1:9090/healthz"]
ENTRYPOINT ["/usr/local/bin/liaison"]
CMD ["run"]
