//! A VRF proof made once, outside the runtime, by the key of seed `[7; 32]`: benchmarks run in
//! the runtime, which can check a VRF proof but not make one. `tests::the_benchmark_fixture_checks`
//! keeps it true.

use crate::vrf::VrfProof;
use sp_core::sr25519::Public;

/// The slot the fixture was made for.
pub const SLOT: u64 = 1_000;

/// The randomness the fixture was made on.
pub const RANDOMNESS: [u8; 32] = [42; 32];

const PUBLIC: [u8; 32] = [
	124, 15, 70, 157, 59, 211, 64, 186, 231, 24, 32, 63, 163, 12, 160, 113, 165, 227, 124, 117, 30,
	137, 29, 189, 237, 131, 123, 33, 61, 69, 217, 29,
];
const SIGNATURE: [u8; 96] = [
	130, 96, 30, 215, 75, 175, 208, 23, 255, 4, 184, 62, 173, 202, 89, 237, 5, 125, 204, 201, 195,
	89, 242, 241, 77, 99, 247, 134, 183, 17, 93, 125, 168, 246, 16, 196, 204, 177, 22, 81, 197, 60,
	115, 3, 21, 153, 225, 128, 147, 61, 64, 85, 106, 39, 182, 23, 251, 45, 166, 88, 29, 168, 16,
	13, 227, 248, 82, 115, 44, 89, 171, 110, 154, 99, 135, 220, 82, 150, 68, 15, 129, 32, 222, 162,
	193, 47, 207, 122, 36, 106, 71, 90, 152, 81, 76, 8,
];

/// The key that made the fixture.
pub fn author() -> Public {
	Public::from_raw(PUBLIC)
}

/// The fixture's proof.
pub fn signature() -> VrfProof {
	let mut pre_output = [0; 32];
	let mut proof = [0; 64];
	pre_output.copy_from_slice(&SIGNATURE[..32]);
	proof.copy_from_slice(&SIGNATURE[32..]);
	VrfProof { pre_output, proof }
}
