# Roster build. `make` builds build/roster (gcc, -O1, clock seam on); `make release`,
# `make asan` and `make tsan` build the other variants into their own folders.
# `make run` and `make test` are the two commands the README promises.

PKGS      := libmicrohttpd jansson libsodium sqlite3 libcurl
BUILD     ?= build
CC        ?= cc
OPT       ?= -g -O1 -DROSTER_CLOCK_SEAM
SAN       ?=
LDEXTRA   ?=

WARN := -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wvla \
	-Wundef -Wimplicit-fallthrough -fno-common
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen \
	-include core/banned.h $(WARN) $(OPT) $(SAN) $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL := $(PKG_LIBS) -lpthread -lm $(SAN) $(LDEXTRA)

LIB_SRC  := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
SQL      := $(sort $(wildcard src/store/sql/sqlite/*.sql))
WEB      := $(sort $(shell find web -type f 2>/dev/null))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_SECONDS ?= 60

.PHONY: all release release-bin asan tsan fuzz deps run test unit api api-asan clean lint bench
all: $(BUILD)/roster $(UNIT_BIN)

$(BUILD)/roster: $(BUILD)/src/main.o $(BUILD)/libroster.a
	@echo "LINK $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libroster.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/embedded.c: scripts/embed.sh $(SQL) $(WEB)
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $@ $(SQL) -- $(WEB)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) -std=c11 $(OPT) $(SAN) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libroster.a
	@mkdir -p $(dir $@)
	@echo "LINK $@"
	@$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(BUILD)/libroster.a $(LDLIBS_ALL)

RELEASE_FLAGS := BUILD=build-release OPT="-O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE" \
	LDEXTRA="-pie -Wl,-z,relro,-z,now"
release:
	$(MAKE) $(RELEASE_FLAGS) all

# The release binary alone (benchmarks).
release-bin:
	$(MAKE) $(RELEASE_FLAGS) build-release/roster

asan:
	$(MAKE) BUILD=build-asan CC=clang \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" all

tsan:
	$(MAKE) BUILD=build-tsan CC=clang SAN="-fsanitize=thread" all

# Each target runs FUZZ_SECONDS from its corpus folder (SECURITY.md §10: 60 s in make test).
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		build-fuzz/libroster.a
	@for f in $(FUZZ_SRC); do \
		n=$$(basename $$f .c); \
		clang $(CFLAGS_ALL) -fsanitize=fuzzer,address,undefined -o build-fuzz/$$n $$f \
			build-fuzz/libroster.a $(PKG_LIBS) -lpthread -lm || exit 1; \
		mkdir -p build-fuzz/corpus-$$n; \
		cp tests/fuzz/corpus/$$n/* build-fuzz/corpus-$$n/ 2>/dev/null || true; \
		echo "FUZZ $$n ($(FUZZ_SECONDS) s)"; \
		./build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			build-fuzz/corpus-$$n >build-fuzz/$$n.log 2>&1 || \
			{ tail -40 build-fuzz/$$n.log; exit 1; }; \
		tail -1 build-fuzz/$$n.log; \
	done

deps:
	sh scripts/deps.sh

run: deps all
	@mkdir -p data
	./$(BUILD)/roster migrate
	./$(BUILD)/roster admin create-owner --username owner --if-none
	./$(BUILD)/roster serve

unit: all
	prove -f $(UNIT_BIN)

api: all
	ROSTER_BIN=$(CURDIR)/$(BUILD)/roster node --test --test-concurrency=2 tests/api/

api-asan: asan
	ROSTER_BIN=$(CURDIR)/build-asan/roster ROSTER_ASAN=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		node --test --test-concurrency=2 tests/api/

test: deps
	sh scripts/check-layers.sh
	$(MAKE) unit
	$(MAKE) api
	$(MAKE) api-asan
	$(MAKE) fuzz

lint:
	sh scripts/check-layers.sh

clean:
	rm -rf build build-asan build-release build-tsan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
