//! Builds the wasm runtime that the node puts in genesis and runs.
//!
//! With the `metadata-hash` feature (pop-node turns it on), the wasm is built twice: once to read
//! its metadata, and once with the RFC-0078 hash of that metadata built in, which
//! `CheckMetadataHash` compares with what a wallet signed. The token symbol and decimals are the
//! chain's own (`pop_primitives::currency`), the same that `system_properties` reports.
fn main() {
	#[cfg(all(feature = "std", feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("POP", 12)
		.build();
	#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
