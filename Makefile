# simdesk -- build, test, demo, bench, fuzz, install.
# `make demo` and `make check` first run scripts/deps.sh, which installs (as
# root) or names (otherwise) every Debian package the build and tests need.

VERSION	 = 0.1.0
PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
B	 = build
V	?= 0
Q	 = $(if $(filter 1,$(V)),,@)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wformat=2 -Wno-format-nonliteral \
	   -Wno-missing-field-initializers
DEFS	 = -DSD_VERSION='"$(VERSION)"'
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(DEFS) $(CFLAGS)
SAN_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(DEFS) -O1 -g \
	   -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

LIB_DB	 = -ldb-5.3
LIB_CORE = $(LIB_DB) -lconfig -lcrypt -lminizip -lexpat -lserialport -lz -lnettle
LIB_CURSES = $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
# Exports as .xlsx (tui/export.c): the programs that write them.
LIB_XLSX = $(shell pkg-config --libs xlsxwriter 2>/dev/null || echo -lxlsxwriter -lz)
LIB_SERIAL = -lserialport
LIB_SND	 = -lsndfile

DB_SRC	 = $(wildcard db/*.c)
CORE_SRC = $(wildcard core/*.c core/*/*.c)
FE_SRC	 = tui/out.c tui/prompt.c tui/remote.c tui/connect.c
# The typed table written as CSV or .xlsx: settlement export runs in
# simdeskd (a command's handler), the Reports screen in simdesk.
EXPORT_SRC = tui/export.c
CTL_SRC	 = $(wildcard tui/ctl/*.c)
# The command table with its handlers: simdesk's keys take their labels
# and who is offered them from its rows.
CMDTAB_SRC = tui/ctl/cmds.c tui/ctl/usage.c $(wildcard tui/ctl/cmd_*.c)
SCR_SRC	 = $(wildcard tui/scr/*.c)
# drivers/ shared by every program (printer, PDU and AT parsers, the AT
# engine, transports, the simulator); simdeskd alone runs the modem loop.
PRINT_SRC = $(filter-out drivers/simdeskd.c $(DRV_SRC),$(wildcard drivers/*.c))
DRV_SRC	 = drivers/modem.c drivers/housekeeping.c drivers/record.c drivers/server.c
UNIT_SRC = $(wildcard tests/unit/test_*.c)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)

obj	 = $(patsubst %.c,$(B)/obj/%.o,$(1))
san	 = $(patsubst %.c,$(B)/asan/%.o,$(1))

LIBOBJ	 = $(call obj,$(DB_SRC) $(CORE_SRC) $(PRINT_SRC))
FEOBJ	 = $(call obj,$(FE_SRC))
BINS	 = $(B)/bin/simdesk $(B)/bin/simdeskctl $(B)/bin/simdeskd
UNIT	 = $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
UNIT_SAN = $(patsubst tests/unit/%.c,$(B)/tests-asan/%,$(UNIT_SRC))
HELPERS	 = $(B)/tests/mp_worker $(B)/tests/bench_platform $(B)/tests/bench_customers \
	   $(B)/tests/bench_tel $(B)/tests/simtcp $(B)/tests/wirepoke $(B)/tests/rpcpoke \
	   $(B)/tests/bench_server $(B)/tests/bench_idle $(B)/tests/bench_money
FUZZ	 = $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
MO	 = $(B)/locale/zh_CN/LC_MESSAGES/simdesk.mo

.PHONY: all deps check test demo demo-stop bench fuzz fuzz-build install clean man FORCE
# Keep the ASan objects (made through a pattern chain) between runs.
.SECONDARY: $(call san,$(FE_SRC) $(DB_SRC) $(CORE_SRC) $(PRINT_SRC) $(CMDTAB_SRC) \
	    $(EXPORT_SRC) tui/scr/chart.c)

all: $(BINS) $(MO)

deps:
	@sh scripts/deps.sh

# Installed paths, rewritten only when PREFIX changes (so install rebuilds).
$(B)/paths.h: FORCE
	@mkdir -p $(B)
	@printf '#define SD_LOCALEDIR "%s"\n#define SD_BUILD_LOCALEDIR "%s"\n' \
	    "$(PREFIX)/share/locale" "$(CURDIR)/$(B)/locale" >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:
$(B)/obj/tui/prompt.o $(B)/asan/tui/prompt.o: $(B)/paths.h
# The build a TUI must share with its server (structs travel as bytes).
# The public headers only (core.h and each domain's X.h): core's private
# ones (X_int.h, X_txn.h, rec.h) change nothing that travels.
ABI_H	 = core/core.h $(filter-out %_int.h %_txn.h core/rec/rec.h,$(wildcard core/*/*.h)) db/db.h
$(B)/abi.h: $(ABI_H)
	@mkdir -p $(B)
	@printf '#define SD_ABI "%s"\n' "$$(cat $(ABI_H) | cksum | cut -d' ' -f1)" >$@
$(B)/obj/core/rpc/rpc.o $(B)/asan/core/rpc/rpc.o: $(B)/abi.h

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC/SAN  $<")
	$(Q)$(CC) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(B)/bin/simdeskctl: $(call obj,$(CTL_SRC) $(EXPORT_SRC)) $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIB_XLSX) $(LIB_CORE)

$(B)/bin/simdesk: $(call obj,$(SCR_SRC) tui/rpc.c $(CMDTAB_SRC) $(EXPORT_SRC)) \
	    $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIB_CURSES) $(LIB_XLSX) $(LIB_CORE)

# simdeskd carries out simdeskctl's commands (all of tui/ctl but its main).
# It writes settlement export's file (the client passes the descriptor).
$(B)/bin/simdeskd: $(call obj,drivers/simdeskd.c $(DRV_SRC) $(EXPORT_SRC) \
	    $(filter-out tui/ctl/main.c,$(CTL_SRC))) $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIB_SERIAL) $(LIB_SND) $(LIB_XLSX) $(LIB_CORE)

$(MO): tui/po/zh_CN.po
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)msgfmt --check -o $@ $<

# ---------------------------------------------------------------- tests

$(B)/tests/%: tests/unit/%.c $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE) -lcmocka

$(B)/tests-asan/%: tests/unit/%.c $(call san,$(FE_SRC) $(DB_SRC) $(CORE_SRC) $(PRINT_SRC))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD/SAN  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIB_CORE) -lcmocka

# test_cmds holds simdeskctl's table against core: the table comes along.
$(B)/tests/test_cmds: tests/unit/test_cmds.c $(call obj,$(CMDTAB_SRC) \
	    $(EXPORT_SRC)) $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_XLSX) $(LIB_CORE) -lcmocka

$(B)/tests-asan/test_cmds: tests/unit/test_cmds.c $(call san,$(CMDTAB_SRC) \
	    $(EXPORT_SRC) $(FE_SRC) $(DB_SRC) $(CORE_SRC) $(PRINT_SRC))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD/SAN  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIB_XLSX) $(LIB_CORE) -lcmocka

# test_export writes the three formats and reads them back.
$(B)/tests/test_export: tests/unit/test_export.c $(call obj,$(EXPORT_SRC)) \
	    $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_XLSX) $(LIB_CORE) -lcmocka

$(B)/tests-asan/test_export: tests/unit/test_export.c $(call san,$(EXPORT_SRC) \
	    $(FE_SRC) $(DB_SRC) $(CORE_SRC) $(PRINT_SRC))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD/SAN  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIB_XLSX) $(LIB_CORE) -lcmocka

# test_chart: the chart helpers' pure parts (scaling, sparklines, labels).
$(B)/tests/test_chart: tests/unit/test_chart.c $(call obj,tui/scr/chart.c) \
	    $(FEOBJ) $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CURSES) $(LIB_CORE) -lcmocka

$(B)/tests-asan/test_chart: tests/unit/test_chart.c $(call san,tui/scr/chart.c \
	    $(FE_SRC) $(DB_SRC) $(CORE_SRC) $(PRINT_SRC))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD/SAN  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIB_CURSES) $(LIB_CORE) -lcmocka

$(B)/tests/mp_worker: tests/mp/mp_worker.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_customers: tests/bench/bench_customers.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_idle: tests/bench/bench_idle.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/simtcp: tests/mp/simtcp.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_server: tests/bench/bench_server.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/wirepoke: tests/mp/wirepoke.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/rpcpoke: tests/mp/rpcpoke.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_money: tests/bench/bench_money.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_tel: tests/bench/bench_tel.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

$(B)/tests/bench_platform: tests/bench/bench_platform.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIB_CORE)

test: all $(UNIT) $(UNIT_SAN) $(HELPERS) fuzz-build
	@bash tests/run.sh

check: deps
	@$(MAKE) --no-print-directory test

# ---------------------------------------------------------------- fuzz

FUZZ_CC	 = clang
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined

$(B)/fuzz/%: tests/fuzz/%.c $(DB_SRC) $(CORE_SRC) $(PRINT_SRC) | $(B)/abi.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEFS) -o $@ $^ $(LIB_CORE)

fuzz-build: $(FUZZ)

FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	@for f in $(FUZZ); do \
		echo "== $$f ($(FUZZ_SECONDS)s)"; \
		mkdir -p $(B)/corpus/$$(basename $$f); \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
		$$f -max_total_time=$(FUZZ_SECONDS) $(B)/corpus/$$(basename $$f) \
		    tests/fuzz/corpus/$$(basename $$f) || exit 1; \
	done

# ---------------------------------------------------------------- demo, bench

demo: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh

# The demo's simdeskd runs until this.
demo-stop:
	@pid=$$(cut -d' ' -f1 demo-data/simdeskd.pid 2>/dev/null); \
	if [ -n "$$pid" ] && kill "$$pid" 2>/dev/null; then \
		echo "demo: stopped simdeskd ($$pid)"; \
	else echo "demo: no simdeskd runs on demo-data"; fi

bench: all
	@bash tests/bench/run.sh

# ---------------------------------------------------------------- install

man: $(B)/bin/simdeskctl
	@bash scripts/mancmds.sh

# Configuration files go to /etc for PREFIX=/usr, else PREFIX/etc.
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
# systemd's units: PREFIX/lib/systemd/system.
UNITDIR	?= $(PREFIX)/lib/systemd/system

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 \
	    $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES \
	    $(DESTDIR)$(PREFIX)/share/doc/simdesk $(DESTDIR)$(PREFIX)/share/simdesk \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	install -m 755 $(B)/bin/simdesk $(B)/bin/simdeskctl $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(B)/bin/simdeskd $(DESTDIR)$(PREFIX)/sbin/
	@# Nothing is set-uid or set-gid: simdeskd alone opens the data
	@# (DESIGN.md section 1); tests/cli/test_install.sh checks the modes.
	install -m 644 man/simdesk.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/simdesk.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/simdeskctl.8 man/simdeskd.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 $(MO) $(DESTDIR)$(PREFIX)/share/locale/zh_CN/LC_MESSAGES/
	install -m 644 scripts/simdesk.conf.example $(DESTDIR)$(PREFIX)/share/doc/simdesk/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    scripts/setup-host.sh >$(DESTDIR)$(PREFIX)/share/simdesk/setup-host.sh
	chmod 755 $(DESTDIR)$(PREFIX)/share/simdesk/setup-host.sh
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    scripts/simdeskd.service >$(DESTDIR)$(UNITDIR)/simdeskd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/simdeskd.service
	install -m 644 scripts/simdesk.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/simdesk

clean:
	rm -rf $(B) demo-data

-include $(shell find $(B) -name '*.d' 2>/dev/null)
