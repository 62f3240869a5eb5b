# The manager image: a static binary with the built-in record processor embedded, on a distroless base, run
# as a non-root user. Build with `docker build -t kafka-pipeline-operator .` (a Docker engine is needed).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
# The processor zips (amd64 and arm64) must exist before the manager is compiled: it embeds them.
RUN hack/build-processor.sh \
 && CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w" -o /out/manager ./cmd/manager

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
