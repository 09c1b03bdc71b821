#!/usr/bin/env bash
# Fails when a source file imports a module its target may not import.
# The rules are the table between the layering markers in docs/decisions.md
# (target | folder | may import | owns). System modules are always allowed.
#   scripts/check-layering.sh             check this repository
#   scripts/check-layering.sh ROOT        check another tree (docs/decisions.md + Sources)
#   scripts/check-layering.sh --self-test prove the check fails on a violation
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "${1:-}" = "--self-test" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/docs" "$tmp/Sources/IR"
  cp "$here/../docs/decisions.md" "$tmp/docs/"
  printf 'internal import Foundation\nimport HepexcIR\n' > "$tmp/Sources/IR/Fine.swift"
  "$here/check-layering.sh" "$tmp" >/dev/null || { echo "layering self-test: a clean tree was refused" >&2; exit 1; }
  printf 'public import HepexcCKKS\n' > "$tmp/Sources/IR/Violation.swift"
  if "$here/check-layering.sh" "$tmp" >/dev/null 2>&1; then
    echo "layering self-test: IR importing HepexcCKKS was not caught" >&2; exit 1
  fi
  echo "layering self-test: ok (a deliberate violation fails the check)"
  exit 0
fi

root="${1:-$here/..}"
table="$root/docs/decisions.md"
[ -f "$table" ] || { echo "layering: $table not found" >&2; exit 1; }
system=" Foundation FoundationEssentials Glibc Darwin Dispatch Synchronization _Concurrency "
rows="$(sed -n '/<!-- layering:begin -->/,/<!-- layering:end -->/p' "$table" | grep '^| `' || true)"
[ -n "$rows" ] || { echo "layering: no rows between the layering markers of $table" >&2; exit 1; }

failures=0
checked=0
while IFS='|' read -r _ target folder allowed _; do
  target="$(echo "$target" | tr -d '` ')"
  folder="$(echo "$folder" | tr -d '` ')"
  allowed=" $(echo "$allowed" | tr -d '`,' | xargs) "
  [ -d "$root/$folder" ] || continue
  while IFS= read -r file; do
    checked=$((checked + 1))
    while IFS= read -r module; do
      case "$system$allowed $target " in
        *" $module "*) ;;
        *) echo "layering: ${file#$root/} imports $module, which $target may not import (docs/decisions.md)" >&2
           failures=$((failures + 1)) ;;
      esac
    done < <(grep -hoE '^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|internal|package|private|fileprivate)[[:space:]]+)?import[[:space:]]+(struct |class |enum |func |var |protocol )?[A-Za-z_][A-Za-z0-9_]*' "$file" \
               | awk '{print $NF}' | sort -u)
  done < <(find "$root/$folder" -name '*.swift' -not -path '*/generated/*')
done <<< "$rows"

if [ "$failures" -gt 0 ]; then
  echo "layering: $failures forbidden import(s)" >&2
  exit 1
fi
echo "layering: ok ($checked files)"
