# whyserve: one Makefile of pattern rules; all build output under build/.
#
#   make            build servers, probes, harness and tests
#   make test       install missing packages, build, run every test
#   make run        install missing packages, build, install, run the experiment
#   make install    PREFIX=/usr/local: harness on PATH, servers and BPF objects beside it
#   make V=1        show the commands

OUTPUT  := build
OBJ     := $(OUTPUT)/obj
PREFIX  ?= /usr/local
LIBEXEC := $(PREFIX)/lib/whyserve

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
ARCH    := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
                                -e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -MMD -MP
CPPFLAGS += -D_GNU_SOURCE -I. -I$(OBJ)
LDLIBS   += -lpthread -lm
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps test run install uninstall clean

# ---------------------------------------------------------------- servers
SERVERS       := blocking fork pthread epoll io_uring
SERVER_COMMON := http response options listen work
SERVER_BINS   := $(addprefix $(OUTPUT)/server-,$(SERVERS))
SERVER_LIB    := $(OBJ)/libserver.a

$(SERVER_LIB): $(patsubst %,$(OBJ)/servers/common/%.o,$(SERVER_COMMON))
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(OUTPUT)/server-%: $(OBJ)/servers/%.o $(SERVER_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(OUTPUT)/server-io_uring: LDLIBS += -luring

# ---------------------------------------------------------------- probes
# probes/NAME.bpf.c -> build/obj/probes/NAME.bpf.o -> build/obj/probes/NAME.skel.h
PROBES       :=
PROBE_USER   := hist_print prog_stats
BPF_OBJS     := $(patsubst %,$(OBJ)/probes/%.bpf.o,$(PROBES))
SKELS        := $(patsubst %,$(OBJ)/probes/%.skel.h,$(PROBES))
PROBE_OBJS   := $(patsubst %,$(OBJ)/probes/%.o,$(PROBE_USER))
VMLINUX      := vmlinux/vmlinux.h
BPF_CFLAGS   := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I. -Ivmlinux -Wall -Werror

$(VMLINUX):
	$(call msg,GEN,$@)
	$(Q)test -r /sys/kernel/btf/vmlinux || { echo "error: this kernel has no BTF (/sys/kernel/btf/vmlinux missing): CO-RE probes need CONFIG_DEBUG_INFO_BTF=y" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(OBJ)/probes/%.bpf.o: probes/%.bpf.c $(VMLINUX) | $(OBJ)/probes
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OBJ)/probes/%.skel.h: $(OBJ)/probes/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# user-space code that includes a skeleton waits for all of them
$(PROBE_OBJS): | $(SKELS)

# ---------------------------------------------------------------- harness
HARNESS      := main cgroup netns server_proc machine units figures explain catalog cmd_list comparison run_opts cmd_run figures_json
HARNESS_OBJS := $(patsubst %,$(OBJ)/harness/%.o,$(HARNESS))
HARNESS_LIBS := -lbpf -lelf -lz -ljansson

ifneq ($(HARNESS),)
HARNESS_BIN := $(OUTPUT)/harness
$(HARNESS_BIN): $(HARNESS_OBJS) $(PROBE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(HARNESS_LIBS) $(LDLIBS)
endif
$(HARNESS_OBJS): | $(SKELS)

# ---------------------------------------------------------------- tests
# Each test is a program build/tests/NAME built from tests/NAME.c and the
# shared test library; extra objects are added per test below.
TESTS    := selftest explain_rules
TESTLIB  := check server client cmd bpf_progs
TEST_LIB := $(OBJ)/libtest.a
TEST_BINS := $(addprefix $(OUTPUT)/tests/,$(TESTS))

$(TEST_LIB): $(patsubst %,$(OBJ)/tests/lib/%.o,$(TESTLIB))
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(OUTPUT)/tests/%: $(OBJ)/tests/%.o $(TEST_LIB)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LDLIBS)

$(OUTPUT)/tests/explain_rules: $(patsubst %,$(OBJ)/harness/%.o,figures figures_json explain units)
$(OUTPUT)/tests/explain_rules: LDLIBS += -ljansson

# ---------------------------------------------------------------- generic
$(OBJ)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# the same sources built with AddressSanitizer and UBSan, for unit tests
$(OBJ)/san/%.o: %.c
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) -c $< -o $@

$(OBJ)/probes:
	$(Q)mkdir -p $@

all: $(SERVER_BINS) $(HARNESS_BIN) $(TEST_BINS)

deps:
	@scripts/install-deps

test:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all
	@tests/run $(TEST_BINS)

run:
	@scripts/install-deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

install: all
	install -d $(DESTDIR)$(LIBEXEC)
	install -m 755 $(SERVER_BINS) $(DESTDIR)$(LIBEXEC)/

uninstall:
	rm -rf $(DESTDIR)$(LIBEXEC)

clean:
	rm -rf $(OUTPUT)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
