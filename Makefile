# perfgate — see README.md. Every target installs what it needs (tor from
# Debian's packages) when it is missing.

GO        ?= go
BIN       := bin
GOFLAGS   ?=
TESTFLAGS ?= -race -shuffle=on -timeout 15m
ACTIONLINT_VERSION := v1.7.12

CC        ?= cc
SHIM      := $(BIN)/libperfgate-quickack.so

.PHONY: all deps build build-benchmark shim run test vet lint fuzz bench container-test clean

all: build build-benchmark

## deps: install tor and a C compiler (Debian's tor, gcc, libc6-dev) when
## missing. Needs root or sudo.
deps:
	@missing=""; \
	command -v tor >/dev/null 2>&1 && command -v tor-gencert >/dev/null 2>&1 || missing="tor"; \
	command -v $(CC) >/dev/null 2>&1 && [ -e /usr/include/stdio.h ] || missing="$$missing gcc libc6-dev"; \
	[ -z "$$missing" ] || { \
		echo "installing Debian's packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends $$missing; }

## build: bin/perfgate and, beside it, the quick-ACK shim that the private
## network's relays preload where no network namespace can be had.
build: shim
	$(GO) build $(GOFLAGS) -o $(BIN)/perfgate ./cmd/perfgate

## shim: bin/libperfgate-quickack.so (benchmark/torlab/shim/quickack.c).
shim: $(SHIM)
$(SHIM): benchmark/torlab/shim/quickack.c
	@mkdir -p $(BIN)
	$(CC) -O2 -Wall -Wextra -shared -fPIC -o $@ $< -ldl

## build-benchmark: the seed's standalone suite tool, bin/benchmark.
build-benchmark: shim
	$(GO) build $(GOFLAGS) -o $(BIN)/benchmark ./cmd/benchmark

## run: the full gate on the embedded default (private network, Debian's tor as the client).
run: deps build
	$(BIN)/perfgate run

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed on:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

## lint: actionlint on the workflows.
lint:
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

## test: the project's tests (real tor included), race detector on, order shuffled.
test: deps vet lint
	$(GO) test $(TESTFLAGS) ./...

## fuzz: a short fuzzing pass over every parser (FUZZTIME per target).
FUZZTIME ?= 20s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## bench: the Go benchmarks (compare + render, network start-up).
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

## container-test: build the action's Dockerfile with buildah and run the action inside it.
container-test:
	bash test/container/run.sh

clean:
	rm -rf $(BIN)
