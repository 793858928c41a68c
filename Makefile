# pytop — build, test, install.  `make help` lists the targets.
#
# Sources are found by directory, so a new .c file needs no Makefile edit
# (the layers of ../DESIGN.md "Layout"; public headers in include/pytop/LAYER/):
#   model/base/ model/format/ model/ model/report/    libc only
#   record/ record/python/  tui/  cli/                 the pytop binary (cli/ is the front end)
#   tests/unit/test_*.c               unit tests, built with ASan + UBSan
#   tests/tools/*.c                   test tools (the fixture writer, ...)
#   tests/workloads/*.c               profiling targets for real recordings
#   tests/fuzz/fuzz_*.c               libFuzzer targets (clang)
#   record/python/*.bpf.c             BPF programs: clang -target bpf against the
#                                     running kernel's BTF (build/gen/vmlinux.h),
#                                     embedded as bpftool skeletons (build/gen/*.skel.h)

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
FUZZ_SECONDS ?= 60

PKGS       := libdw libelf libunwind-generic ncursesw libprotobuf-c zlib libbpf
# Debian packages the build and the tests need (checked by `make deps`).
DEB_PKGS   := gcc make pkg-config libdw-dev libelf-dev libunwind-dev libncurses-dev \
              clang libclang-rt-14-dev tmux procps util-linux cppcheck python3 linux-perf time bc \
              libprotobuf-c-dev protobuf-c-compiler zlib1g-dev golang-go python3-jsonschema chromium \
              gdb libbpf-dev bpftool
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-D_XOPEN_SOURCE=[0-9]*//')
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers
BASE     := -std=c11 -D_GNU_SOURCE -Iinclude -DPYTOP_VERSION='"$(VERSION)"' $(WARN)
CFLAGS   ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CFLAGS = $(BASE) $(CFLAGS) $(PKG_CFLAGS)

MODEL_SRC  := $(wildcard model/base/*.c model/format/*.c model/*.c model/report/*.c)
RECORD_SRC := $(filter-out %.bpf.c,$(wildcard record/*.c record/python/*.c))
BPF_SRC    := $(wildcard record/python/*.bpf.c)
TUI_SRC    := $(wildcard tui/*.c)
CLI_SRC    := $(wildcard cli/*.c)
LIB_SRC    := $(MODEL_SRC) $(RECORD_SRC) $(TUI_SRC)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
TOOL_SRC   := $(wildcard tests/tools/*.c)
WORK_SRC   := $(wildcard tests/workloads/*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
HEADERS    := $(wildcard include/pytop/*/*.h model/*.h model/*/*.h record/*.h record/*/*.h \
              tui/*.h cli/*.h tests/unit/*.h)

# Generated at build time: the pprof message code (protoc-c), cli/ only.
GEN      := $(BUILD)/gen
PROTO_SRC := $(wildcard cli/*.proto)
PROTO_C  := $(patsubst cli/%.proto,$(GEN)/%.pb-c.c,$(PROTO_SRC))
PROTO_H  := $(PROTO_C:.c=.h)
# ... and the BPF skeletons (record/python/NAME.bpf.c -> $(GEN)/NAME.skel.h).
BPF_SKEL := $(patsubst record/python/%.bpf.c,$(GEN)/%.skel.h,$(BPF_SRC))
BPF_USERS := $(patsubst %.c,%.o,$(shell grep -l '\.skel\.h"' $(RECORD_SRC) 2>/dev/null))

OBJ      := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC))
CLI_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC)) $(PROTO_C:.c=.o)
SAN_OBJ  := $(patsubst %.c,$(BUILD)/san/%.o,$(LIB_SRC))
SAN_CLI  := $(patsubst %.c,$(BUILD)/san/%.o,$(CLI_SRC)) $(PROTO_C:.c=.o)
UNITS    := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(UNIT_SRC))
TOOLS    := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC))
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(WORK_SRC)) \
             $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%-nofp,$(WORK_SRC))
FUZZERS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
MANPAGES := $(wildcard man/*.1 man/*.5)

.PHONY: all check unit demo install uninstall clean deps fuzz lint help tests-build
.DELETE_ON_ERROR:

all: pytop

help:
	@echo "make            build ./pytop"
	@echo "make check      install missing packages (deps), build, run every test"
	@echo "make demo       build, record the bundled demo workload, show the report"
	@echo "make deps       install missing Debian packages (as root), or print the command"
	@echo "make fuzz       run the sample-file reader fuzzer for FUZZ_SECONDS (default 60)"
	@echo "make lint       static analysis (cppcheck)"
	@echo "make install    install binary and man pages under DESTDIR/PREFIX (default /usr/local)"
	@echo "make clean      remove build products"

pytop: $(OBJ) $(CLI_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(BUILD)/obj/%.o: %.c $(HEADERS) | deps-quiet
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: cli/%.proto | deps-quiet
	@mkdir -p $(GEN)
	protoc-c --proto_path=cli --c_out=$(GEN) $<

# generated code: our flags minus the warnings it was not written for
$(GEN)/%.pb-c.o: $(GEN)/%.pb-c.c $(GEN)/%.pb-c.h
	$(CC) -std=c11 -D_GNU_SOURCE $(CFLAGS) $(PKG_CFLAGS) -I$(GEN) -c -o $@ $<

$(BUILD)/obj/cli/%.o: ALL_CFLAGS += -I$(GEN)
# BPF: the kernel's types, the program (warnings are errors here too), the
# skeleton that embeds it; the C files that include a skeleton see $(GEN).
$(GEN)/vmlinux.h: | deps-quiet
	@mkdir -p $(GEN)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(GEN)/%.bpf.o: record/python/%.bpf.c $(GEN)/vmlinux.h $(HEADERS)
	$(CLANG) -target bpf -D__TARGET_ARCH_x86 -O2 -g -Wall -Wextra -Werror \
		-Iinclude -I$(GEN) -c -o $@ $<

$(GEN)/%.skel.h: $(GEN)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(addprefix $(BUILD)/obj/,$(BPF_USERS)): ALL_CFLAGS += -I$(GEN)
$(addprefix $(BUILD)/san/,$(BPF_USERS)): PKG_CFLAGS += -I$(GEN)
$(addprefix $(BUILD)/obj/,$(BPF_USERS)) $(addprefix $(BUILD)/san/,$(BPF_USERS)): $(BPF_SKEL)
$(BUILD)/san/cli/%.o: PKG_CFLAGS += -I$(GEN)
$(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC)) $(patsubst %.c,$(BUILD)/san/%.o,$(CLI_SRC)): $(PROTO_H)

$(BUILD)/san/%.o: %.c $(HEADERS) | deps-quiet
	@mkdir -p $(@D)
	$(CC) $(BASE) $(SANFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/san/pytop: $(SAN_OBJ) $(SAN_CLI)
	$(CC) $(BASE) $(SANFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

$(BUILD)/san/tests/%: tests/unit/%.c $(SAN_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(SANFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $< $(SAN_OBJ) $(PKG_LIBS) -lm -lpthread

$(BUILD)/tools/%: tests/tools/%.c $(OBJ) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) -lm -lpthread

# Workloads: one build with frame pointers, one without (-nofp).
$(BUILD)/workloads/%-nofp: tests/workloads/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -fomit-frame-pointer -pthread -o $@ $< -lm

$(BUILD)/workloads/%: tests/workloads/%.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -g -fno-omit-frame-pointer -fno-shrink-wrap -fno-inline -pthread -o $@ $< -lm

$(BUILD)/fuzz/%: tests/fuzz/%.c $(MODEL_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(BASE) -Wno-unknown-warning-option -O1 -g -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(MODEL_SRC)

tests-build: pytop $(BUILD)/san/pytop $(UNITS) $(TOOLS) $(WORKLOADS)

check: deps
	@$(MAKE) --no-print-directory tests-build
	@BUILD=$(BUILD) tests/run.sh

unit: deps
	@$(MAKE) --no-print-directory $(UNITS)
	@BUILD=$(BUILD) tests/run.sh unit

demo: deps
	@$(MAKE) --no-print-directory pytop
	@sh tests/demo.sh

fuzz: deps $(FUZZERS)
	@mkdir -p $(BUILD)/fuzz/corpus
	@for f in $(FUZZERS); do \
		n=$$(basename $$f); mkdir -p $(BUILD)/fuzz/corpus/$$n; \
		echo "fuzzing $$n for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			$(BUILD)/fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr -Iinclude -D_GNU_SOURCE $(addprefix -i,$(BPF_SRC)) \
		model record tui cli

deps:
	@sh tests/deps.sh $(DEB_PKGS)
	@sh tests/deps_node.sh

# Before the first compile, without noise: fail early with the install hint.
deps-quiet:
	@sh tests/deps.sh --quiet $(DEB_PKGS)

install: pytop
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 pytop $(DESTDIR)$(PREFIX)/bin/pytop
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pytop
	for m in $(MANPAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

clean:
	rm -rf $(BUILD) pytop
