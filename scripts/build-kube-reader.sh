#!/usr/bin/env bash
# Builds the Kubernetes reference reader (test/reference/kube-reader/main.go) offline, from Debian's
# Go packages, into node_modules/.cache/kube-reader/kube-reader. Needs:
#   apt-get install golang-go golang-gopkg-yaml.v2-dev golang-k8s-sigs-yaml-dev golang-golang-x-text-dev
# Without them it says what is missing and exits 0: the tests that need the reader skip.
set -euo pipefail
cd "$(dirname "$0")/.."

root=$(pwd)
source_dir="$root/test/reference/kube-reader"
out_dir="$root/node_modules/.cache/kube-reader"
binary="$out_dir/kube-reader"
gocode="${KUBE_READER_GOCODE:-/usr/share/gocode}"

if ! command -v go >/dev/null 2>&1; then
  echo "kube-reader: not built: no Go toolchain (apt-get install golang-go)"
  exit 0
fi
missing=()
for package in gopkg.in/yaml.v2 sigs.k8s.io/yaml golang.org/x/text/encoding/unicode golang.org/x/text/transform; do
  [ -d "$gocode/src/$package" ] || missing+=("$package")
done
if [ "${#missing[@]}" -ne 0 ]; then
  echo "kube-reader: not built: missing Go packages under $gocode/src: ${missing[*]}"
  echo "  (apt-get install golang-gopkg-yaml.v2-dev golang-k8s-sigs-yaml-dev golang-golang-x-text-dev)"
  exit 0
fi

mkdir -p "$out_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A GOPATH of our own in front of Debian's: src/kube-reader holds the program.
mkdir -p "$work/src/kube-reader"
cp "$source_dir/main.go" "$work/src/kube-reader/main.go"

if ! (
  cd "$work/src/kube-reader" &&
    GOPATH="$work:$gocode" GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE="${GOCACHE:-$out_dir/go-build}" \
      go build -trimpath -o "$binary.$$.tmp" .
); then
  echo "kube-reader: the build failed (see above)" >&2
  exit 1
fi
mv "$binary.$$.tmp" "$binary"
echo "kube-reader: built $binary ($(go version | cut -d' ' -f3))"
