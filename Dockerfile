# The perfgate GitHub Action: a static perfgate binary and Debian's tor on a
# slim Debian. The runner builds this file (`runs.image: Dockerfile`) and runs
# the entrypoint as root with the workspace at /github/workspace.
# Tested by `make container-test` (test/container/), which builds this file
# unchanged with buildah.

# Builder: a pinned Go toolchain builds a static binary; the image's gcc builds
# the quick-ACK shim the private network's relays preload (GitHub's runner
# gives a Docker action no capabilities beyond Docker's defaults, so no network
# namespace: the action runs its network in shim mode, see README.md).
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
# Modules first, so that a change to the source does not download them again.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
# The quick-ACK shim, from its one C file (it links only glibc, which the
# final stage has too).
COPY benchmark/torlab/shim/quickack.c shim/
RUN mkdir -p /out \
    && cc -O2 -shared -fPIC -o /out/libperfgate-quickack.so shim/quickack.c -ldl
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false -ldflags='-s -w' \
        -o /out/perfgate ./cmd/perfgate

# Final stage: Debian's tor (the default client under test and the private
# network's relays), CA certificates for the GitHub API, the binary, and the
# shim where torlab.FindShim looks for it (it needs only glibc).
# No Go toolchain, no C compiler, no apt lists.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        tor ca-certificates \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/* /var/log/apt /var/log/dpkg.log \
    && tor --version
COPY --from=build /out/perfgate /usr/local/bin/perfgate
COPY --from=build /out/libperfgate-quickack.so /usr/local/lib/perfgate/libperfgate-quickack.so
ENTRYPOINT ["/usr/local/bin/perfgate", "action"]
