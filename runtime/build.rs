//! Builds the wasm runtime that the node puts in genesis and runs.
fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
