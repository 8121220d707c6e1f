#!/bin/sh
# check-layers.sh: each library named in one file, and SQL only where it belongs
# (STYLE.md §2 and §4). Exits non-zero on the first violation list.
set -u
cd "$(dirname "$0")/.."
fail=0
only() { # header allowed-file
	hits=$(grep -rln "#include <$1>" src | grep -v "^$2\$" || true)
	if [ -n "$hits" ]; then echo "layers: <$1> outside $2: $hits"; fail=1; fi
}
only microhttpd.h src/http/server.c
only jansson.h src/json/json.c
only sodium.h src/auth/secret.c
only sqlite3.h src/store/store_sqlite.c
only libpq-fe.h src/store/store_pg.c
only curl/curl.h src/http/client.c
hits=$(grep -rlnE '"(SELECT|INSERT|UPDATE|DELETE) ' src/api src/http src/cli src/core src/json 2>/dev/null || true)
if [ -n "$hits" ]; then echo "layers: SQL outside model/, auth/, store/: $hits"; fail=1; fi
hits=$(grep -rln 'include "store/' src/api 2>/dev/null || true)
if [ -n "$hits" ]; then echo "layers: api/ includes store/: $hits"; fail=1; fi
hits=$(grep -rlnE 'include "(json|http)/' src/model 2>/dev/null || true)
if [ -n "$hits" ]; then echo "layers: model/ includes json/ or http/: $hits"; fail=1; fi
hits=$(grep -rnE '(^|[^_a-z])free\(' src/api src/model 2>/dev/null || true)
if [ -n "$hits" ]; then echo "layers: free() in api/ or model/: $hits"; fail=1; fi
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
