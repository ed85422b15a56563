# SPDX-License-Identifier: GPL-2.0-or-later
# Makefile - builds libcardload, the cardload command, card payloads and tests
#
#   make            library and command (build/)
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the main job
#   make install    PREFIX=/usr/local DESTDIR= (LIBDIR, MANDIR, ... below)
#   make uninstall  the same variables: removes what install put there
#   SANITIZER=address|undefined|address,undefined   V=1 for full commands
#   DEVELOPER=1     warnings are errors (CI sets it through make check)

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCDIR     ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share/cardload
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
UDEVDIR    ?= $(PREFIX)/lib/udev/rules.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# where Debian's python3 finds packages: /usr/lib/python3/dist-packages for
# PREFIX=/usr, PREFIX/lib/python3.N/dist-packages otherwise
PYVER      := $(shell /usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYTHONDIR  ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/python3/dist-packages,$(PREFIX)/lib/python$(PYVER)/dist-packages)
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CC         ?= cc
O          ?= build
SANITIZER  ?=
DEVELOPER  ?=

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKGS := libelf zlib libpci libusb-1.0 libdeflate libzstd liblzma

VERSION := $(shell sed -n 's/^\#define CL_VERSION "\(.*\)"$$/\1/p' host/cardload_run.h)
SOMAJOR := 0
SONAME  := libcardload.so.$(SOMAJOR)

# The configured paths are compiled in (the board search path): objects
# are built again when they change, so `make && make install PREFIX=/usr`
# installs a command that looks in /usr/share/cardload.
CONFIG      := $(O)/config.stamp
CONFIG_TEXT := PREFIX=$(PREFIX) DATADIR=$(DATADIR)
$(shell mkdir -p $(O) && { [ "$$(cat $(CONFIG) 2>/dev/null)" = \
	'$(CONFIG_TEXT)' ] || echo '$(CONFIG_TEXT)' >$(CONFIG); })

WARN := -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wvla \
	-Wwrite-strings -Wshadow -Wpointer-arith -Wformat=2 -Wundef \
	-Wno-sign-compare
ifneq ($(DEVELOPER),)
WARN += -Werror
endif

CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Ihost -Itransports \
	-Icard-bsp/include -D_GNU_SOURCE \
	-DCL_DATADIR='"$(DATADIR)"' $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lfdt -pthread
ifneq ($(SANITIZER),)
ALL_CFLAGS += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
LDFLAGS    += -fsanitize=$(SANITIZER)
endif

# The library holds the commands too (host/cli/ but main.c): cl_run runs
# them in a program's process.
CLI_SRC := host/cli/main.c
LIB_SRC := $(wildcard host/*.c) $(wildcard transports/*.c) \
	$(filter-out $(CLI_SRC),$(wildcard host/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o)
LIB     := $(O)/libcardload.a
BIN     := $(O)/cardload
# libcardload.so: the same objects built position-independent, exporting
# only cardload_run.h (cl_run, cl_version: host/libcardload.map), whose
# interface is a command line in and JSON out, so no C structure is part
# of its ABI; the structure API of cardload.h is for libcardload.a. The
# command links the static library: one file that runs on a lab machine
# without the library installed, and the sanitizer builds stay simple.
PIC_OBJ := $(LIB_SRC:%.c=$(O)/pic/%.o)
SOLIB   := $(O)/libcardload.so.$(VERSION)
PC      := $(O)/cardload.pc

UNIT_SRC := $(wildcard test-harness/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:test-harness/unit/%.c=$(O)/tests/%)
# The fault-injecting transport wrapper (-O fault.*) is a test build only:
# linked into the unit tests and into $(FAULT_BIN), the command the e2e
# fault tests run (beside $(BIN), so it finds the same boards/), never
# into $(LIB) or $(BIN); `all` and `install` leave it out.
FAULT_OBJ := $(O)/test-harness/fault/fault.o
FAULT_BIN := $(O)/cardload-fault

.PHONY: all deps check demo bench install uninstall clean payloads \
	unit-tests card
all: $(BIN) $(if $(SANITIZER),,$(SOLIB) $(PC))

HDRS := $(wildcard host/*.h host/cli/*.h transports/*.h card-bsp/include/*.h)

$(O)/%.o: %.c $(HDRS) $(CONFIG)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/pic/%.o: %.c $(HDRS) $(CONFIG)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-PIC  $<")
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(SOLIB): $(PIC_OBJ) host/libcardload.map
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=host/libcardload.map -Wl,--no-undefined \
		-o $@ $(PIC_OBJ) $(LDLIBS)
	$(Q)ln -sf $(notdir $@) $(O)/$(SONAME)
	$(Q)ln -sf $(SONAME) $(O)/libcardload.so

# pkg-config: the libraries libcardload needs go in Requires.private and
# Libs.private, so `pkg-config --static --libs cardload` links the .a too.
$(PC): Makefile $(CONFIG)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' \
		'includedir=$(INCDIR)' '' 'Name: cardload' \
		'Description: load ELF images into flash-less cards (libcardload)' \
		'URL: https://example.invalid/cardload' \
		'Version: $(VERSION)' 'Requires.private: $(PKGS)' \
		'Libs: -L$${libdir} -lcardload' 'Libs.private: -lfdt -pthread' \
		'Cflags: -I$${includedir}/cardload' >$@

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(O)/tests/%: test-harness/unit/%.c $(wildcard test-harness/unit/*.h) \
		$(FAULT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST-CC $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Itest-harness/unit -o $@ $< \
		$(FAULT_OBJ) $(LIB) $(LDLIBS)

$(FAULT_BIN): $(CLI_OBJ) $(FAULT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(FAULT_OBJ) $(LIB) $(LDLIBS)

# The card side of the USB rig (issue 13): the FEL boot monitor the test VM
# runs on FunctionFS, test-harness/fel/felmon.c. A plain program of its own,
# no libcardload, no sanitizer: e2e/usb-vm.sh puts it in the VM.
FELMON := $(O)/felmon
$(FELMON): test-harness/fel/felmon.c transports/fel.h card-bsp/include/cardboot.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -Itransports \
		-Icard-bsp/include -o $@ $< -pthread

unit-tests: $(UNIT_BIN) $(FAULT_BIN) $(FELMON)

# Test payloads: built from source for riscv64 and aarch64 with clang/lld.
payloads: $(BIN)
	$(Q)$(MAKE) -s -C test-harness/payloads O=$(abspath $(O))/payloads

# What runs on the card: boot ROM, C runtime, example payloads (clang/lld).
card:
	$(Q)$(MAKE) -s -C card-bsp O=$(abspath $(O))/card-bsp

deps:
	$(Q)sh test-harness/deps.sh

# The README's two commands. Each installs what is missing first, then
# re-enters make so pkg-config sees the installed packages.
# make check runs every test twice: against the normal build, then against
# a build under AddressSanitizer and UndefinedBehaviorSanitizer (leaks
# reported too) in $(O)-san, with the same payloads and card images.
SAN_O := $(O)-san
# The VM and QEMU rigs run once, in the first pass: they test the card side
# and the real PCI path, and cost minutes; the loader's own code paths run
# under the sanitizers in every other stream. install.sh builds a tree of
# its own, and python.sh needs libcardload.so, which a sanitizer build has
# not.
SAN_SKIP := pci-vm usb-vm qemu- linux-x86 install python

check: deps
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 all unit-tests payloads card
	$(Q)sh test-harness/run-tests.sh $(O)
	$(Q)$(MAKE) --no-print-directory fuzz-replay
	$(Q)$(MAKE) --no-print-directory O=$(SAN_O) DEVELOPER=1 \
		SANITIZER=address,undefined all unit-tests
	$(Q)PAYLOADS=$(abspath $(O))/payloads CARD_BSP=$(abspath $(O))/card-bsp \
		SKIP_STREAMS="$(SAN_SKIP)" sh test-harness/run-tests.sh $(SAN_O)

demo: deps
	$(Q)$(MAKE) --no-print-directory all card
	$(Q)sh test-harness/demo.sh $(O)

# Timings, not tests: load speed of large images against gzip -dc, objcopy
# and QEMU's loader, before and after: this tree's cardload and the one of
# BENCH_BASE (a git revision, default b6a100c: main before issue 12), built
# once into $(O)/bench/base by bench/base.sh and timed in the same run,
# interleaved (load-speed.py); time from `cardload boot` to the payload's
# first UART byte on the QEMU card, small and large images; the same with
# the image inflated on the card by card-bsp's gunzip stub instead of the
# host; load and verify of 40 MiB through QEMU's gdbstub, cardload against
# gdb-multiarch (bench/gdb.sh). BENCH_REPS=N: rounds per row (default 7).
BENCH_BASE ?= b6a100c
bench: deps
	$(Q)$(MAKE) --no-print-directory all card bench-payloads $(FELMON)
	$(Q)sh test-harness/bench/base.sh $(BENCH_BASE) $(O)/bench/base
	$(Q)python3 test-harness/bench/load-speed.py $(O) $(O)/bench/base
	$(Q)sh test-harness/bench/first-byte.sh $(O)
	$(Q)sh test-harness/bench/first-instruction.sh $(O)
	$(Q)sh test-harness/bench/usb.sh $(O)
	$(Q)sh test-harness/bench/linux-x86.sh $(O)
	$(Q)sh test-harness/bench/gdb.sh $(O)

# The large images of load-speed.py: card-bsp's bulk-exec.elf, Debian's
# x86_64 vmlinux (its package downloaded once, see bench/vmlinux.sh) and
# codedense.elf (x86-64 code from Debian's libraries, bench/codedense.sh);
# and first-instruction.sh's card-bsp inflate-bench.
.PHONY: bench-payloads
bench-payloads: $(BIN) card
	$(Q)$(MAKE) -s -C card-bsp O=$(abspath $(O))/card-bsp bulk
	$(Q)$(MAKE) -s -C card-bsp O=$(abspath $(O))/card-bsp inflate-bench
	$(Q)sh test-harness/bench/vmlinux.sh $(O)
	$(Q)sh test-harness/bench/codedense.sh $(O)

# What install puts where, and uninstall takes away again.
INST_HDRS   := host/cardload.h host/cardload_board.h host/cardload_card.h \
	host/cardload_run.h card-bsp/include/cardboot.h
INST_BOARDS := $(wildcard boards/*.board)
INST_PY     := $(wildcard python/cardload/*.py)
INST_FILES   = $(BINDIR)/cardload $(LIBDIR)/libcardload.a \
	$(LIBDIR)/libcardload.so.$(VERSION) $(LIBDIR)/$(SONAME) \
	$(LIBDIR)/libcardload.so $(PKGCONFIGDIR)/cardload.pc \
	$(addprefix $(INCDIR)/cardload/,$(notdir $(INST_HDRS))) \
	$(INST_BOARDS:boards/%=$(DATADIR)/boards/%) \
	$(UDEVDIR)/99-cardload.rules \
	$(MANDIR)/man1/cardload.1 $(MANDIR)/man5/cardload.board.5 \
	$(INST_PY:python/%=$(PYTHONDIR)/%) $(DATADIR)/cardload.schema.json \
	$(BASHCOMPDIR)/cardload

install: $(BIN) $(LIB) $(SOLIB) $(PC)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCDIR)/cardload \
		$(DESTDIR)$(DATADIR)/boards $(DESTDIR)$(UDEVDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(PYTHONDIR)/cardload $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/cardload
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libcardload.a
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libcardload.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libcardload.so
	install -m 644 $(PC) $(DESTDIR)$(PKGCONFIGDIR)/cardload.pc
	install -m 644 $(INST_HDRS) $(DESTDIR)$(INCDIR)/cardload/
	install -m 644 $(INST_BOARDS) $(DESTDIR)$(DATADIR)/boards/
	install -m 644 contrib/99-cardload.rules $(DESTDIR)$(UDEVDIR)/
	install -m 644 doc/cardload.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 doc/cardload.board.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 $(INST_PY) $(DESTDIR)$(PYTHONDIR)/cardload/
	install -m 644 doc/cardload.schema.json $(DESTDIR)$(DATADIR)/
	install -m 644 contrib/bash-completion/cardload $(DESTDIR)$(BASHCOMPDIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INST_FILES))
	rm -rf $(DESTDIR)$(PYTHONDIR)/cardload/__pycache__
	-rmdir $(DESTDIR)$(INCDIR)/cardload $(DESTDIR)$(DATADIR)/boards \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(PYTHONDIR)/cardload 2>/dev/null

clean:
	rm -rf $(O)

# ---- fuzzing (issue 6) -----------------------------------------------------
#
#   make fuzz          build the libFuzzer targets (clang) and run each for
#                      FUZZ_SECONDS (default 60) on build/fuzz/corpus/NAME,
#                      the seeds of mkcorpus.sh and test-harness/fuzz/regress/
#   make fuzz-replay   the same targets with a plain main instead of
#                      libFuzzer, over the seeds and regress/ only; TAP
#   FUZZ_CC=clang  FUZZ_FLAGS=  (extra libFuzzer flags, e.g. -jobs=2)
#
# The library is compiled again into build/fuzz/ with the fuzz sanitizers;
# see test-harness/fuzz/README.md.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?=
FUZZ_ARGS     = -max_len=1048576 -rss_limit_mb=2048 $(FUZZ_FLAGS)
FUZZ_TARGETS := fuzz_load fuzz_board fuzz_boot fuzz_gdb
FUZZ_DIR     := $(O)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=gnu11 -O1 -g -Ihost -Itransports -Icard-bsp/include \
	-D_GNU_SOURCE -DCL_DATADIR='"$(DATADIR)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
FUZZ_HDRS    := $(wildcard host/*.h transports/*.h card-bsp/include/*.h)
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_ROBJ    := $(LIB_SRC:%.c=$(FUZZ_DIR)/robj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/%)
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/replay-%)

.PHONY: fuzz fuzz-build fuzz-replay fuzz-seed

# library objects: coverage for libFuzzer (obj/) or sanitizers only (robj/)
$(FUZZ_DIR)/obj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ-CC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
		-c -o $@ $<

$(FUZZ_DIR)/robj/%.o: %.c $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ-CC $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_BINS): $(FUZZ_DIR)/bin/%: test-harness/fuzz/%.c \
		$(wildcard test-harness/fuzz/*.h) $(FUZZ_HDRS) $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ-LD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_OBJ) $(LDLIBS)

$(FUZZ_REPLAY): $(FUZZ_DIR)/bin/replay-%: test-harness/fuzz/%.c \
		test-harness/fuzz/replay_main.c \
		$(wildcard test-harness/fuzz/*.h) $(FUZZ_HDRS) $(FUZZ_ROBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ-LD $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARN) $(FUZZ_SAN) -o $@ $< \
		test-harness/fuzz/replay_main.c $(FUZZ_ROBJ) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# seeds from what is built (payloads, card images), boards and bad inputs
fuzz-seed:
	$(Q)sh test-harness/fuzz/mkcorpus.sh $(FUZZ_DIR)/seed

# every target runs even when one before it found something
fuzz: $(FUZZ_BINS) fuzz-seed
	$(Q)st=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts || exit 1; \
		echo "  FUZZ    $$t for $(FUZZ_SECONDS)s"; \
		$(FUZZ_DIR)/bin/$$t -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
			$(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/seed/$$t \
			test-harness/fuzz/regress/$$t || \
		{ st=1; echo "  FUZZ    $$t: finding, see $(FUZZ_DIR)/artifacts/"; }; \
	done; exit $$st

fuzz-replay: $(FUZZ_REPLAY) fuzz-seed
	$(Q)sh test-harness/fuzz/replay.sh $(FUZZ_DIR)
