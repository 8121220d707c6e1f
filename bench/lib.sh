# bench/lib.sh: what the bench scripts share. Sourced, not run.
#   bench_tools           installs wrk and nginx when missing
#   bench_roster DIR      builds the release variant, migrates DIR/data and creates the owner;
#                         sets BIN
#   bench_serve DIR PORT [ARGS]
#                         starts Roster on DIR/data with extra serve ARGS; sets RPID
#   bench_nginx DIR PORT FILE
#                         serves FILE (copied under DIR/www) with nginx; sets NPID
#   bench_ratio A B       prints A/B with two decimals

bench_tools() {
	for p in wrk nginx-light; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p"; }
	done
}

bench_roster() {
	make -s release-bin >/dev/null
	BIN=$PWD/build-release/roster
	"$BIN" migrate --data-dir "$1/data" 2>/dev/null
	"$BIN" admin create-owner --username owner --data-dir "$1/data" >/dev/null 2>&1
}

bench_serve() {
	_dir=$1 _port=$2
	shift 2
	"$BIN" serve --data-dir "$_dir/data" --listen "127.0.0.1:$_port" "$@" 2>"$_dir/roster.log" &
	RPID=$!
	sleep 1
}

bench_nginx() {
	mkdir -p "$1/www"
	cp "$3" "$1/www/"
	cat > "$1/nginx.conf" <<NGX
worker_processes $(nproc);
pid $1/nginx.pid;
error_log $1/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$2;
		root $1/www;
		location / { default_type application/json; }
	}
}
NGX
	nginx -c "$1/nginx.conf" -g 'daemon off;' &
	NPID=$!
	sleep 1
}

bench_ratio() {
	echo "$1 $2" | awk '{printf "%.2f", $1/$2}'
}
