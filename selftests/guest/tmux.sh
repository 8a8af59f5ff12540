# SPDX-License-Identifier: GPL-2.0
# Reading a tmux pane, for the tests that drive `pvtrace top` through a
# terminal: 92-pvtrace-cmd.sh in the guest, selftests/pvtrace-cmd/top.sh on
# the host (both source this file). Set TMUX_SESSION first; TMUX_BIN
# (default tmux) names the program.

# screen: the visible pane.
screen() {
	"${TMUX_BIN:-tmux}" capture-pane -p -t "$TMUX_SESSION" 2>/dev/null
}

# wait_for REGEX: until the screen matches (an extended regex), up to 20 s.
wait_for() {
	_i=0
	while ! screen | grep -Eq "$1"; do
		_i=$((_i + 1))
		[ $_i -ge 200 ] && return 1
		sleep 0.1
	done
}
