# turso-token — see README.md.  `make` builds ./turso-token, `make test`
# builds and runs every test on a fresh Debian machine.
.POSIX:
include config.mk

BUILD = build
# Pinned third-party sources (third_party/pins), fetched at build time.
# Point these at local trees of the same versions to build without apt.
BEARSSL_SRC = $(BUILD)/bearssl
JSMN_SRC = $(BUILD)/jsmn
BEARSSL_OUT = $(BUILD)/bearssl-$(notdir $(CC))
BEARSSL_LIB = $(BEARSSL_OUT)/libbearssl.a
# Objects of the program; make dist gives each target its own.
OBJDIR = $(BUILD)/obj

MODS = main opts cred cmd out api buf http tls ca roots net json text store err
SRCS = $(MODS:%=src/%.c)
HDRS = $(wildcard src/*.h)
OBJS = $(MODS:%=$(OBJDIR)/%.o)
INC = -Isrc -I$(BEARSSL_SRC)/inc -I$(JSMN_SRC)
DEFS = -DTT_VERSION='"$(VERSION)"' -DTT_BUILD_EPOCH=$(SOURCE_DATE_EPOCH)LL

UNIT_SRCS = tests/unit/t_main.c tests/unit/test_http.c tests/unit/test_json.c \
	tests/unit/test_text.c tests/unit/test_net.c tests/unit/test_opts.c \
	tests/unit/test_store.c tests/unit/test_err.c tests/unit/test_wide.c \
	tests/unit/test_ca.c
UNIT_MODS = src/http.c src/json.c src/text.c src/store.c src/err.c src/opts.c src/buf.c \
	src/ca.c src/roots.c
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all

all: turso-token

turso-token: $(OBJS) $(BEARSSL_LIB)
	$(CC) $(LDFLAGS) $(STRIP_FLAG) -o $@ $(OBJS) $(BEARSSL_LIB)

# A test build whose clock the tests can set (TT_TEST_NOW): only tls.c
# differs.  Never installed; scripts/check-build proves the real one
# ignores TT_TEST_NOW.
$(OBJDIR)/tls-testclock.o: src/tls.c $(HDRS) $(BUILD)/.sources config.mk
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEFS) -DTT_TEST_CLOCK $(INC) -c -o $@ src/tls.c

$(BUILD)/turso-token-testclock: $(OBJS) $(OBJDIR)/tls-testclock.o $(BEARSSL_LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(OBJDIR)/tls.o,$(OBJS)) \
		$(OBJDIR)/tls-testclock.o $(BEARSSL_LIB)

# The same link with symbols, for scripts/check-build.
$(BUILD)/turso-token.full: $(OBJS) $(BEARSSL_LIB)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(BEARSSL_LIB)

$(OBJDIR)/%.o: src/%.c $(HDRS) $(BUILD)/.sources config.mk
	@mkdir -p $(OBJDIR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEFS) $(INC) -c -o $@ $<

# Build tools are installed (scripts/bootstrap) and the sources fetched
# once; setting BEARSSL_SRC and JSMN_SRC on the command line skips the fetch.
$(BUILD)/.sources: third_party/pins third_party/fetch.sh scripts/bootstrap
	@mkdir -p $(BUILD)
	sh scripts/bootstrap
	if [ "$(BEARSSL_SRC)" = "$(BUILD)/bearssl" ] || [ "$(JSMN_SRC)" = "$(BUILD)/jsmn" ]; then \
		sh third_party/fetch.sh $(BUILD); fi
	touch $@

# BEARSSL_SRC may lie outside the checkout: its directory is mapped away
# too, for reproducible builds.
$(BEARSSL_LIB): $(BUILD)/.sources third_party/bearssl.mk config.mk
	$(MAKE) -f third_party/bearssl.mk SRC=$(BEARSSL_SRC) OUT=$(BEARSSL_OUT) \
		FAST="$(BEARSSL_FAST)" FAST_CFLAGS="$(BEARSSL_FAST_CFLAGS)" \
		CC="$(CC)" AR="$(AR)" CFLAGS="$(BEARSSL_CFLAGS) \
		-ffile-prefix-map=$(abspath $(BEARSSL_SRC))=bearssl"

# Release binaries: one sub-make per target (config.mk: DIST_ARCHS), with
# that target's compiler and ar, and its own objects and BearSSL build in
# build/dist-ARCH/, linked static and stripped into dist/.  The link is
# redone every time (it is cheap); objects and BearSSL only when stale.
DIST_BINS = $(DIST_ARCHS:%=dist/turso-token-%)

dist:
	sh scripts/bootstrap dist
	$(MAKE) dist-files

dist-files: $(DIST_BINS)
	cd dist && sha256sum $(DIST_BINS:dist/%=%) > SHA256SUMS.tmp && \
		mv SHA256SUMS.tmp SHA256SUMS

dist/turso-token-%: $(BUILD)/.sources FORCE
	$(MAKE) CC="$(DIST_CC_$*)" AR="$(DIST_AR_$*)" \
		OBJDIR=$(BUILD)/dist-$*/obj BEARSSL_OUT=$(BUILD)/dist-$*/bearssl \
		DIST_BIN=$@ dist-link

dist-link: $(OBJS) $(BEARSSL_LIB)
	@mkdir -p $(dir $(DIST_BIN))
	$(CC) $(LDFLAGS) $(STRIP_FLAG) -o $(DIST_BIN) $(OBJS) $(BEARSSL_LIB)

FORCE:

# The unit tests again for 32-bit ARM (size_t of 32 bits, time_t of 64),
# static musl, run under qemu-arm-static by make test; no sanitizers there.
$(BUILD)/unit-armv7: $(UNIT_SRCS) $(UNIT_MODS) $(HDRS) $(BUILD)/.sources config.mk
	$(DIST_CC_armv7) $(CPPFLAGS) $(CFLAGS) -g $(DEFS) $(INC) $(LDFLAGS) \
		-o $@ $(UNIT_SRCS) $(UNIT_MODS)

# Unit tests: host compiler, AddressSanitizer and UBSan.
$(BUILD)/unit: $(UNIT_SRCS) $(UNIT_MODS) $(HDRS) $(BUILD)/.sources
	$(HOSTCC) $(CPPFLAGS) -std=gnu11 -g -O1 -Wall -Wextra $(SAN) $(DEFS) $(INC) \
		-o $@ $(UNIT_SRCS) $(UNIT_MODS)

# The program again, built by the host compiler (glibc, dynamic) with the
# sanitizers, for a second end-to-end run; BearSSL built by that compiler.
# tests/sanitize/options.c makes a sanitizer report exit 98 or 99, never
# one of the program's own exit codes.
HOST_BEARSSL_OUT = $(BUILD)/bearssl-$(notdir $(HOSTCC))
HOST_BEARSSL_LIB = $(HOST_BEARSSL_OUT)/libbearssl.a
SAN_OBJS = $(MODS:%=$(BUILD)/san/%.o)

$(HOST_BEARSSL_LIB): $(BUILD)/.sources third_party/bearssl.mk config.mk
	$(MAKE) -f third_party/bearssl.mk SRC=$(BEARSSL_SRC) \
		FAST="$(BEARSSL_FAST)" FAST_CFLAGS="$(BEARSSL_FAST_CFLAGS)" \
		OUT=$(HOST_BEARSSL_OUT) CC="$(HOSTCC)" CFLAGS="$(BEARSSL_CFLAGS)"

$(BUILD)/san/%.o: src/%.c $(HDRS) $(BUILD)/.sources config.mk
	@mkdir -p $(BUILD)/san
	$(HOSTCC) $(CPPFLAGS) -std=gnu11 -g -O1 -Wall -Wextra $(SAN) $(DEFS) \
		$(INC) -c -o $@ $<

$(BUILD)/turso-token.san: $(SAN_OBJS) tests/sanitize/options.c $(HOST_BEARSSL_LIB)
	$(HOSTCC) -g $(SAN) -o $@ $(SAN_OBJS) tests/sanitize/options.c \
		$(HOST_BEARSSL_LIB)

# Fuzzing (tests/fuzz): libFuzzer targets, built by clang; `make test`
# replays their committed corpus through replay.c under the sanitizers.
FUZZ_TARGETS = http chunked json
FUZZ_MODS = src/http.c src/json.c src/text.c src/err.c src/buf.c
FUZZ_HDRS = tests/fuzz/fuzz.h tests/fuzz/http_fuzz.h
FUZZ_CC = clang
# Seconds each target runs in `make fuzz`.
FUZZ_SECONDS = 600

$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(FUZZ_HDRS) \
    $(FUZZ_MODS) $(HDRS) $(BUILD)/.sources
	@mkdir -p $(BUILD)/fuzz
	$(HOSTCC) $(CPPFLAGS) -std=gnu11 -g -O1 -Wall -Wextra $(SAN) $(DEFS) \
		$(INC) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(FUZZ_MODS)

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(FUZZ_MODS) $(HDRS) \
    $(BUILD)/.sources
	@mkdir -p $(BUILD)/fuzz
	$(FUZZ_CC) $(CPPFLAGS) -std=gnu11 -g -O1 -Wall -Wextra \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(DEFS) $(INC) -o $@ tests/fuzz/fuzz_$*.c $(FUZZ_MODS)

check-deps:
	sh scripts/bootstrap test

test: check-deps
	$(MAKE) turso-token $(BUILD)/turso-token.full $(BUILD)/turso-token-testclock \
		$(BUILD)/unit \
		$(BUILD)/turso-token.san $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay-%) \
		dist-files $(BUILD)/unit-armv7
	DIST=dist UNIT32=$(BUILD)/unit-armv7 sh scripts/test ./turso-token \
		$(BUILD)/unit $(BUILD)/turso-token.full \
		$(BUILD)/turso-token.san $(BUILD)/fuzz

fuzz:
	sh scripts/bootstrap fuzz
	$(MAKE) $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz-%)
	sh tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo: check-deps
	$(MAKE) turso-token
	sh scripts/demo ./turso-token

# Benchmarks against curl and the source page's snippets (scripts/bench):
# prints the tables, writes docs/BENCHMARKS.md and docs/bench.svg.  Root.
bench:
	sh scripts/bootstrap bench
	$(MAKE) turso-token $(BUILD)/turso-token.full
	bash scripts/bench ./turso-token $(BUILD)/turso-token.full

# Regenerate src/roots.c from the pinned Mozilla bundle (scripts/gen-roots).
roots: $(BUILD)/.sources
	sh scripts/gen-roots $(BUILD) $(BEARSSL_SRC)

install: turso-token
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	cp -f turso-token $(DESTDIR)$(PREFIX)/bin/
	cp -f turso-token.1 $(DESTDIR)$(MANPREFIX)/man1/

clean:
	rm -rf $(BUILD)/obj $(BUILD)/bearssl-* $(BUILD)/unit $(BUILD)/turso-token.full turso-token \
		$(BUILD)/dist-* $(BUILD)/unit-armv7 dist \
		$(BUILD)/san $(BUILD)/turso-token.san $(BUILD)/fuzz

distclean:
	rm -rf $(BUILD) turso-token dist

.PHONY: all check-deps test fuzz demo bench roots install clean distclean dist \
	dist-files dist-link FORCE
