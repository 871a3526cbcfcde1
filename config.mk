# turso-token build configuration.  Override on the command line:
#   make CC=aarch64-linux-musl-gcc

VERSION = 0.1.0
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man

# The program is linked statically against musl.
CC = musl-gcc
# Host compiler for the unit tests (with sanitizers) and build tools.
HOSTCC = cc

CPPFLAGS = -D_GNU_SOURCE
# Reproducible builds: the checkout's directory is never recorded in the
# output (__FILE__, debug info), so every directory builds the same bytes.
REPRO_FLAGS = -ffile-prefix-map=$(CURDIR)=.
# No unwind tables: C without exceptions or backtraces never reads them,
# and they were 19 KiB, 7% of the binary.
NO_UNWIND = -fno-asynchronous-unwind-tables -fno-unwind-tables
CFLAGS = -std=gnu11 -Os -Wall -Wextra -ffunction-sections -fdata-sections \
	$(NO_UNWIND) $(REPRO_FLAGS)
# No RELRO: musl applies it in its dynamic linker only, so in a static
# binary it protects nothing and costs up to a page of padding.
LDFLAGS = -static -Wl,--gc-sections -Wl,-z,norelro
# The installed binary is stripped; build/turso-token.full keeps symbols.
STRIP_FLAG = -s

# BearSSL: no /dev/urandom fallback (entropy comes from getrandom(2)).
BEARSSL_CFLAGS = -Os -ffunction-sections -fdata-sections -DBR_USE_URANDOM=0 \
	$(NO_UNWIND) $(REPRO_FLAGS)
# BearSSL sources built for speed instead (names without .c): P-256's
# field arithmetic, the constant-time table lookup and the Montgomery
# multiplication (ECDSA's inverse) are most of a handshake's instructions.
# Unrolled, a create on an ECDSA chain takes a quarter fewer (26.6 million
# to 20.1, counted by callgrind as scripts/bench does), for 5 KiB more code.
BEARSSL_FAST = ec_p256_m31 ccopy i31_montmul
BEARSSL_FAST_CFLAGS = -O3 -fno-inline-functions

# The clock floor: certificates are never checked against a time earlier
# than this.  From SOURCE_DATE_EPOCH, else the last commit, never the wall
# clock, so that a build is reproducible.  Worked out once and exported:
# sub-makes get the same value, and GCC takes __DATE__ and __TIME__ from
# it too (nothing should use them, but then they cannot vary either).
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
endif
export SOURCE_DATE_EPOCH

# Release targets (make dist): dist/turso-token-ARCH for each, built with
# Debian's musl wrapper for that architecture and the matching ar
# (scripts/bootstrap dist installs them).
DIST_ARCHS = x86_64 aarch64 armv7
DIST_CC_x86_64 = musl-gcc
DIST_AR_x86_64 = ar
DIST_CC_aarch64 = aarch64-linux-musl-gcc
DIST_AR_aarch64 = aarch64-linux-gnu-ar
DIST_CC_armv7 = arm-linux-musleabihf-gcc
DIST_AR_armv7 = arm-linux-gnueabihf-ar
