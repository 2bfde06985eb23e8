# Shared settings of the project's scripts. Source it; do not run it.

# One target directory outside the clone, so that a second clone or a CI run on a machine that
# built the project before reuses every compiled dependency. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pop-network/target}"
# The wasm runtime's builder looks for Cargo.lock from the target directory up; point it at the
# workspace, since the target directory is outside it.
export WASM_BUILD_WORKSPACE_HINT="${WASM_BUILD_WORKSPACE_HINT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export POP_NODE_BIN="${POP_NODE_BIN:-$CARGO_TARGET_DIR/release/pop-node}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

step() { printf '\n\033[1;32m==>\033[0m %s\n' "$*"; }

# Builds every binary of the workspace in release, with the wasm runtime. The same feature set
# as `cargo test --workspace`, so the tests reuse these artifacts instead of building again.
build_release() {
  cargo build --release --locked --workspace --bins
}
