#!/bin/bash
# The tree's standing rules (sizes, include arrows, one error convention, no
# shelling out): tools/check-tree.sh prints the TAP lines.
exec "$(dirname "$0")/../../tools/check-tree.sh"
