#!/bin/bash
# The tree's standing rules, checked: file and function sizes, include
# arrows that point down the layers only, one error convention.
# Prints TAP lines ("ok - ..."/"not ok - ..."); run from anywhere.
set -uo pipefail
cd "$(dirname "$0")/.."

# Layer of each product folder: a file may include headers of its own folder
# and of lower layers only (docs/architecture.md).
declare -A layer=([common]=0 [conf]=1 [ovsdb]=2 [hugepages]=3 [sriov]=3 [ovs]=3 [ovn]=3
	[vhostuser]=4 [deviceplugin]=4 [metrics]=4 [doctor]=4 [vfport]=5 [offload]=5
	[daemon]=6 [tools]=6 [cni]=6 [dpdk-app]=6)

src=$(git ls-files '*.c' '*.h' | grep -vE '^(tests|bench)/')
tap() { # ok? what detail
	if [ "$1" = 0 ]; then echo "ok - $2"; else echo "not ok - $2"; printf '%s\n' "$3" | sed 's/^/#   /'; fi
}

big=$(for f in $src; do n=$(wc -l <"$f"); [ "$n" -ge 800 ] && echo "$f: $n lines"; done)
tap "$([ -z "$big" ]; echo $?)" "no source file has 800 lines or more" "$big"

# A function: a line at column 0 ending in ')' or '{' after a declarator,
# its body up to the first '}' at column 0 (clang-format puts it there).
long=$(awk '
	FNR == 1 { infn = 0 }
	/^[a-zA-Z].*\(/ && !/;[ \t]*$/ && !/^(typedef|struct [a-z_]+ \{|enum|union)/ { head = FNR; name = $0 }
	/^\{/ && head { start = head; infn = 1; head = 0; next }
	/^\}/ && infn { n = FNR - start + 1; if (n > 80) printf "%s:%d: %d lines: %s\n", FILENAME, start, n, name; infn = 0 }
' $(echo "$src" | grep '\.c$'))
tap "$([ -z "$long" ]; echo $?)" "no function is longer than 80 lines" "$long"

# Which folder owns each header name.
declare -A owner
for h in $(echo "$src" | grep '\.h$'); do owner[$(basename "$h")]=${h%%/*}; done
arrows=""
for f in $src; do
	dir=${f%%/*}
	[ -n "${layer[$dir]:-}" ] || continue
	for inc in $(grep -oE '^#include "[^"]+"' "$f" | sed 's/.*"\(.*\)"/\1/'); do
		to=${owner[$(basename "$inc")]:-}
		[ -n "$to" ] && [ "$to" != "$dir" ] || continue
		if [ "${layer[$to]}" -ge "${layer[$dir]}" ]; then
			arrows+="$f includes $inc ($to is not below $dir)"$'\n'
		fi
	done
done
tap "$([ -z "$arrows" ]; echo $?)" "every include points down the layers" "$arrows"

# One error convention: -errno returns, struct dpn_err for messages.
conv=$(grep -nE 'char \*\*(err|errmsg|msg)\b|int \*code, char' $src | grep -v '^common/dpn_err.h')
tap "$([ -z "$conv" ]; echo $?)" "no char **err / int *code message out-parameters" "$conv"

# The product speaks OVSDB, netlink and devlink itself (tests may use the CLIs).
shell=$(grep -nE '\b(system|popen)\(|"(ovs-vsctl|ovs-ofctl|ovn-nbctl|ovn-sbctl|devlink|ethtool)"|"(/usr)?/s?bin/ip"|"ip", "(link|addr|route)"' $src)
tap "$([ -z "$shell" ]; echo $?)" "no shelling out to ovs-vsctl, ovn-*ctl, ip, devlink or ethtool" "$shell"
