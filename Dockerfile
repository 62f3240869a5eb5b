# The manager image for a Docker engine with registry access: `docker build -t kafka-pipeline-operator .`
# The binary comes from hack/build-manager.sh, as with `make build` and `make image` (which builds the same
# image FROM scratch with podman, without any registry): with the same Go version, all three are the same
# bytes. Keep GO_VERSION at the version `go version` reports where `make build` runs.
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH hack/build-manager.sh /out/manager

# distroless/static holds CA certificates and the non-root user 65532, as hack/image's rootfs does.
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/manager /manager
USER 65532:65532
ENTRYPOINT ["/manager"]
