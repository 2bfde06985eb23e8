//! Extrinsics and state, built with the runtime's own types so that the tests sign exactly what
//! a wallet signs and read exactly what the runtime stores.

use crate::{rpc::to_hex, Node};
use codec::{Decode, Encode};
use pop_primitives::{AccountId, Balance, Nonce};
use pop_runtime::RuntimeCall;
use serde_json::json;
use sp_core::{sr25519, Pair};
use sp_io::hashing::{blake2_128, twox_128};
use sp_keyring::Sr25519Keyring;

pub use pop_chain_client::{extrinsic::signed_by, ChainContext};

/// Reads the genesis hash and the runtime version from `node`.
pub fn context(node: &Node) -> ChainContext {
	ChainContext::fetch(node.rpc_client()).unwrap_or_else(|e| panic!("the chain context: {e}"))
}

/// Signs `call` as `signer` with `nonce`.
pub fn signed_extrinsic(
	ctx: &ChainContext,
	call: RuntimeCall,
	signer: Sr25519Keyring,
	nonce: Nonce,
) -> Vec<u8> {
	signed_by(ctx, call, &signer.pair(), &signer.pair(), nonce)
}

/// A fresh account no one has used: its key pair.
pub fn fresh_pair() -> sr25519::Pair {
	sr25519::Pair::generate().0
}

/// A `transfer_keep_alive` of `amount` LIT units to `dest`.
pub fn lit_transfer_call(dest: &AccountId, amount: Balance) -> RuntimeCall {
	RuntimeCall::LitBalances(pallet_balances::Call::transfer_keep_alive {
		dest: dest.clone().into(),
		value: amount,
	})
}

/// A `transfer_keep_alive` of `amount` POP units to `dest`.
pub fn transfer_call(dest: &AccountId, amount: Balance) -> RuntimeCall {
	RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
		dest: dest.clone().into(),
		value: amount,
	})
}

/// Submits an encoded extrinsic; returns its hash or the node's error.
pub fn submit(node: &Node, extrinsic: &[u8]) -> Result<String, crate::RpcError> {
	node.rpc("author_submitExtrinsic", json!([to_hex(extrinsic)]))
		.map(|h| h.as_str().expect("extrinsic hash").to_string())
}

/// The storage key of `<pallet>::Account(who)`, a `Blake2_128Concat` map.
fn account_key_in(pallet: &[u8], who: &AccountId) -> Vec<u8> {
	let mut key = twox_128(pallet).to_vec();
	key.extend(twox_128(b"Account"));
	let encoded = who.encode();
	key.extend(blake2_128(&encoded));
	key.extend(encoded);
	key
}

/// The storage key of `System::Account(who)`: nonce and POP balances.
pub fn account_key(who: &AccountId) -> Vec<u8> {
	account_key_in(b"System", who)
}

/// An account's nonce and POP balances, as stored.
pub type AccountInfo = frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>;

/// Reads `who`'s account at block `at` (the best block if `None`); an absent account is empty.
pub fn account(node: &Node, who: &AccountId, at: Option<&str>) -> AccountInfo {
	node.storage(&account_key(who), at)
		.map(|raw| AccountInfo::decode(&mut &raw[..]).expect("AccountInfo decodes"))
		.unwrap_or_default()
}

/// `who`'s free POP at block `at`.
pub fn free_balance(node: &Node, who: &AccountId, at: Option<&str>) -> Balance {
	account(node, who, at).data.free
}

/// `who`'s LIT account at block `at` (LIT balances live in the `LitBalances` pallet's own map):
/// `free`, and `reserved`, which includes LIT on hold.
pub fn lit_account(
	node: &Node,
	who: &AccountId,
	at: Option<&str>,
) -> pallet_balances::AccountData<Balance> {
	node.storage(&account_key_in(b"LitBalances", who), at)
		.map(|raw| {
			pallet_balances::AccountData::<Balance>::decode(&mut &raw[..])
				.expect("LIT AccountData decodes")
		})
		.unwrap_or_default()
}

/// `who`'s free LIT at block `at`.
pub fn free_lit(node: &Node, who: &AccountId, at: Option<&str>) -> Balance {
	lit_account(node, who, at).free
}

/// Waits until `check` holds at the finalized head, and returns that head's hash.
pub fn wait_finalized_until(
	node: &Node,
	what: &str,
	mut check: impl FnMut(&str) -> bool,
) -> String {
	crate::wait_for(std::time::Duration::from_secs(90), what, || {
		let head = node.finalized_hash();
		check(&head).then_some(head)
	})
}

/// The storage key of a plain storage value `<pallet>::<item>`.
pub fn value_key(pallet: &str, item: &str) -> Vec<u8> {
	let mut key = twox_128(pallet.as_bytes()).to_vec();
	key.extend(twox_128(item.as_bytes()));
	key
}

/// The storage key of `<pallet>::<item>(key)` in a `Twox64Concat` map.
pub fn twox64_map_key(pallet: &str, item: &str, map_key: &impl Encode) -> Vec<u8> {
	let mut key = value_key(pallet, item);
	let encoded = map_key.encode();
	key.extend(sp_io::hashing::twox_64(&encoded));
	key.extend(encoded);
	key
}

/// Reads and decodes the value at `key` at block `at` (best if `None`).
pub fn read<T: Decode>(node: &Node, key: &[u8], at: Option<&str>) -> Option<T> {
	node.storage(key, at).map(|raw| T::decode(&mut &raw[..]).expect("stored value decodes"))
}

/// The delegates authoring now (SDPoS).
pub fn delegates(node: &Node, at: Option<&str>) -> Vec<AccountId> {
	read(node, &value_key("Sdpos", "Delegates"), at).unwrap_or_default()
}

/// `who`'s record as a delegate candidate, if it is one.
pub fn candidate(
	node: &Node,
	who: &AccountId,
	at: Option<&str>,
) -> Option<pallet_sdpos::CandidateInfo> {
	read(node, &twox64_map_key("Sdpos", "Candidates", who), at)
}

/// The storage key of `<pallet>::<item>(key)` in a `Blake2_128Concat` map.
pub fn blake2_map_key(pallet: &str, item: &str, map_key: &impl Encode) -> Vec<u8> {
	let mut key = value_key(pallet, item);
	let encoded = map_key.encode();
	key.extend(blake2_128(&encoded));
	key.extend(encoded);
	key
}

/// The events of the block `at`, as the runtime stores them.
pub fn events(
	node: &Node,
	at: &str,
) -> Vec<frame_system::EventRecord<pop_runtime::RuntimeEvent, sp_core::H256>> {
	read(node, &value_key("System", "Events"), Some(at)).unwrap_or_default()
}

/// Waits (up to `timeout`) for a finalized block, after block `from`, with an event that
/// `matches` maps to `Some`; returns that value and the block's number. Scans every block.
pub fn wait_event<T>(
	node: &Node,
	from: u32,
	timeout: std::time::Duration,
	what: &str,
	mut matches: impl FnMut(&pop_runtime::RuntimeEvent) -> Option<T>,
) -> (T, u32) {
	let mut next = from + 1;
	crate::wait_for(timeout, what, || {
		while next <= node.finalized_number() {
			let hash = node.block_hash(next).expect("a finalized block has a hash");
			let number = next;
			next += 1;
			if let Some(found) = events(node, &hash).iter().find_map(|r| matches(&r.event)) {
				return Some((found, number));
			}
		}
		None
	})
}

/// Waits (up to `timeout`) for a finalized block, after block `from`, in which an extrinsic
/// failed with `error`; returns the block's number.
pub fn wait_failure(
	node: &Node,
	from: u32,
	timeout: std::time::Duration,
	error: sp_runtime::DispatchError,
	what: &str,
) -> u32 {
	wait_event(node, from, timeout, what, |e| match e {
		pop_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
			dispatch_error,
			..
		}) if *dispatch_error == error => Some(()),
		_ => None,
	})
	.1
}

/// Calls the runtime API function `method` (`Api_function`) with SCALE-encoded `args` at block
/// `at` (best if `None`) and decodes its answer.
pub fn runtime_call<T: Decode>(
	node: &Node,
	method: &str,
	args: &impl Encode,
	at: Option<&str>,
) -> T {
	let result = node.call("state_call", json!([method, to_hex(&args.encode()), at]));
	let bytes = crate::rpc::from_hex(result.as_str().expect("state_call answers hex"));
	T::decode(&mut &bytes[..]).unwrap_or_else(|e| panic!("{method} answer decodes: {e}"))
}

/// Every extrinsic in the best chain's blocks `from..=to`, decoded with the runtime's types, with
/// the number of the block that holds it.
pub fn extrinsics(node: &Node, from: u32, to: u32) -> Vec<Included> {
	let mut all = Vec::new();
	for number in from..=to {
		let hash = node.block_hash(number).unwrap_or_else(|| panic!("no block #{number}"));
		let block = node.call("chain_getBlock", json!([hash]));
		let records = events(node, &hash);
		for (index, x) in block["block"]["extrinsics"]
			.as_array()
			.expect("a block's extrinsics")
			.iter()
			.enumerate()
		{
			let bytes = crate::rpc::from_hex(x.as_str().expect("hex"));
			let extrinsic = pop_runtime::UncheckedExtrinsic::decode(&mut &bytes[..])
				.unwrap_or_else(|e| panic!("an extrinsic of #{number} does not decode: {e}"));
			let outcome = records
				.iter()
				.filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index as u32))
				.find_map(|r| match &r.event {
					pop_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess {
						..
					}) => Some(Ok(())),
					pop_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
						dispatch_error,
						..
					}) => Some(Err(*dispatch_error)),
					_ => None,
				})
				.unwrap_or_else(|| panic!("extrinsic {number}-{index} has no outcome event"));
			all.push(Included { number, extrinsic, outcome });
		}
	}
	all
}

/// An extrinsic as a block included it, with what its dispatch did.
pub struct Included {
	/// The block's number.
	pub number: u32,
	/// The extrinsic.
	pub extrinsic: pop_runtime::UncheckedExtrinsic,
	/// `Ok` when it dispatched, else the error it failed with.
	pub outcome: Result<(), sp_runtime::DispatchError>,
}
