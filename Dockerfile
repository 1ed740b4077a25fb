# The perfgate GitHub Action: a static perfgate binary and Debian's tor on a
# slim Debian. The runner builds this file (`runs.image: Dockerfile`) and runs
# the entrypoint as root with the workspace at /github/workspace.
# Tested by `make container-test` (test/container/), which builds this file
# unchanged with buildah.

# Builder: a pinned Go toolchain builds a static binary.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, so that a change to the source does not download them again.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false -ldflags='-s -w' \
        -o /out/perfgate ./cmd/perfgate

# Final stage: Debian's tor (the default client under test and the private
# network's relays), CA certificates for the GitHub API, and the binary.
# No Go toolchain, no apt lists.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        tor ca-certificates \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/* /var/log/apt /var/log/dpkg.log \
    && tor --version
COPY --from=build /out/perfgate /usr/local/bin/perfgate
ENTRYPOINT ["/usr/local/bin/perfgate", "action"]
