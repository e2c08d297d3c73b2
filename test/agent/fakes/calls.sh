# shellcheck shell=sh
# Sourced by every fake: records the call verbatim, one argument per line.
record_call() {
	{
		printf '== %s\n' "${0##*/}"
		for a in "$@"; do printf '%s\n' "$a"; done
	} >> "$FAKE_DIR/calls"
}
