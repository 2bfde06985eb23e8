//! The pallets whose weights `scripts/bench-weights` measures.

frame_benchmarking::define_benchmarks!(
	[pallet_content, crate::Content]
	[pallet_governance, crate::Governance]
	[pallet_lit, crate::Lit]
	[pallet_masternodes, crate::Masternodes]
	[pallet_nanopay, crate::Nanopay]
	[pallet_randomness, crate::BlockRandomness]
	[pallet_sdpos, crate::Sdpos]
);
