#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The pictures of pvtrace-report --svg in a real browser (Debian's
# chromium, headless), in TAP: each SVG is loaded as an image into a page
# whose script draws it on a canvas and counts its pixels; the test fails
# when the image does not load, has another size than it says, or shows no
# heat map colour. A screenshot of each is kept in $PVTRACE_BUILD (default
# build/) for people to look at. A cut SVG must fail the same check.
# Env: CHROMIUM (default chromium), PVTRACE_BUILD.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
rep=$top/scripts/pvtrace-report
fix=$here/fixtures
out=${PVTRACE_BUILD:-$top/build}
# shellcheck source-path=SCRIPTDIR source=../lib/tap-host.sh
. "$here/../lib/tap-host.sh"
CHROMIUM=${CHROMIUM:-chromium}

command -v "$CHROMIUM" >/dev/null 2>&1 ||
	tap_skip_all "no chromium on this host (apt-get install chromium; scripts/lab/setup.sh installs it)"
mkdir -p "$out"

# render SVG: prints what the page found: "rendered WxH ink N warm M", or
# "error: ..." (the image did not load), or nothing (the page never ran).
render() {
	_b64=$(base64 -w0 "$1")
	cat >"$t/page.html" <<EOF
<!DOCTYPE html><html><head><title>pending</title></head><body>
<img id="i" src="data:image/svg+xml;base64,$_b64">
<script>
var i = document.getElementById('i');
function done(s) { document.body.setAttribute('data-result', s); }
i.onerror = function () { done('error: the image did not load'); };
i.onload = function () {
	var c = document.createElement('canvas');
	c.width = i.naturalWidth; c.height = i.naturalHeight;
	var g = c.getContext('2d');
	g.drawImage(i, 0, 0);
	var d = g.getImageData(0, 0, c.width, c.height).data, ink = 0, warm = 0;
	for (var p = 0; p < d.length; p += 4) {
		if (d[p] < 245 || d[p + 1] < 245 || d[p + 2] < 245) ink++;
		if (d[p] > 200 && d[p + 2] < 170 && d[p] - d[p + 2] > 60) warm++;
	}
	done('rendered ' + c.width + 'x' + c.height + ' ink ' + ink + ' warm ' + warm);
};
</script></body></html>
EOF
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$t/profile" \
		--virtual-time-budget=10000 --dump-dom "$t/page.html" 2>"$t/chromium.err" |
		sed -n 's/.*data-result="\([^"]*\)".*/\1/p'
}

# size SVG: "WxH" as the SVG's root element says.
size() {
	sed -n '1s/.* width="\([0-9]*\)" height="\([0-9]*\)".*/\1x\2/p' "$1"
}

tap_plan 4

# A small recording and a larger one (2 vCPUs, 4 vCPUs with bursts).
sh "$rep" --status "$fix/basic.status" --svg "$t/basic.svg" "$fix/basic.trace" >/dev/null
awk 'BEGIN {
	print "# time_ns cpu event name detail duration_ns value errno site module"
	t = 1000000000
	for (i = 0; i < 4000; i++) {
		t += 1000 + (i % 7) * 300
		c = i % 4
		if (i % 5 == 0)
			printf "%d %d upcall upcall %d %d 1 - timer%d -\n", t, c, 10 + c, 2000 + (i % 13) * 900, c
		else
			printf "%d %d hcall sched_op block %d 0 - xen_safe_halt+0x1/0x2 vmlinux\n", t, c, 500 * (1 + i % 200)
	}
}' >"$t/large.trace"
sh "$rep" --svg "$t/large.svg" "$t/large.trace" >/dev/null
for f in basic large; do
	res=$(render "$t/$f.svg")
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$t/profile" \
		--screenshot="$out/report-$f.png" --window-size="$(size "$t/$f.svg" | tr x ,)" \
		"$t/$f.svg" >/dev/null 2>&1
	tap_diag "$f.svg ($(size "$t/$f.svg")): ${res:-the page never ran}; screenshot $out/report-$f.png"
	ink=$(echo "$res" | awk '{ print $4 + 0 }')
	warm=$(echo "$res" | awk '{ print $6 + 0 }')
	case $res in
	"rendered $(size "$t/$f.svg") "*) [ "$ink" -gt 10000 ] && [ "$warm" -gt 0 ] ;;
	*) false ;;
	esac
	tap_ok $? "$f: the SVG renders in chromium at its size, with heat map cells in colour"
done

# The check fails on a picture that is not there: a cut SVG, a blank one.
head -c 3000 "$t/basic.svg" >"$t/cut.svg"
res=$(render "$t/cut.svg")
tap_diag "cut.svg: ${res:-the page never ran}"
case $res in rendered*) false ;; *) true ;; esac
tap_ok $? "a cut SVG does not render (the check can fail)"
sed '/class="hm"/d' "$t/basic.svg" >"$t/blank.svg"
res=$(render "$t/blank.svg")
tap_diag "blank.svg (no heat map cells): ${res:-the page never ran}"
warm=$(echo "$res" | awk '{ print $6 + 0 }')
case $res in rendered*) [ "$warm" = 0 ] ;; *) false ;; esac
tap_ok $? "an SVG without heat map cells shows no heat map colour (the check can fail)"
tap_done
