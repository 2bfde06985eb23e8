//! Limits of the runtime as a whole: what one extrinsic may carry against what a block holds.

use crate::{configs::RuntimeBlockWeights, RuntimeCall};
use frame_support::dispatch::{DispatchClass, GetDispatchInfo};
use pop_primitives::content::{Page, SegmentManifest, PAGE_SEGMENTS};
use sp_runtime::BoundedVec;

/// A full page of segments of `n` shards each, as the CLI registers them.
fn full_page(n: usize) -> Page {
	let segment = SegmentManifest {
		plain_len: 1 << 20,
		duration: 4_000,
		shard_len: (1 << 20) / 4 + 64,
		shards: BoundedVec::truncate_from(vec![[7u8; 32]; n]),
	};
	BoundedVec::truncate_from(vec![segment; PAGE_SEGMENTS as usize])
}

#[test]
fn a_full_page_of_a_six_shard_content_fits_in_a_block() {
	// The CLI's default coding is k = 4, n = 6; a 2-hour film of 4-second segments has 8 pages.
	let call = RuntimeCall::Content(pallet_content::Call::add_page {
		content: [1; 32],
		index: 1,
		page: full_page(6),
	});
	let weight = call.get_dispatch_info().call_weight;
	let normal = RuntimeBlockWeights::get().get(DispatchClass::Normal).max_extrinsic;
	let max = normal.expect("normal extrinsics have a limit");
	assert!(weight.all_lte(max), "add_page weighs {weight:?}, over the limit {max:?}");
	let length = codec::Encode::encoded_size(&call) as u32;
	let block_length = *crate::configs::RuntimeBlockLength::get().max.get(DispatchClass::Normal);
	assert!(length < block_length, "{length} bytes of {block_length}");
}
