//! The named genesis states a chain spec is built from.
//!
//! - `development`: one validator (Alice), sudo held by Alice, the well-known dev accounts funded
//!   with POP and LIT, referendum tracks of a few blocks. For `pop-node --dev`.
//! - `local_testnet`: four validators (Alice, Bob, Charlie, Dave), the dev accounts funded with
//!   POP and LIT, no sudo key (referenda are the only way to change it), referendum tracks of a
//!   few blocks. For a local multi-node network and the end-to-end tests.
//! - `testnet`: the template a real network fills in. Its four validators are placeholders with
//!   the well-known development keys, so that the spec boots as it is for a rehearsal; a launch
//!   replaces them with the validators' own keys (the README says how). No sudo key; referendum
//!   tracks of hours and days.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pop_primitives::{
	currency::{LIT, POP},
	AccountId, Balance,
};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use super::{
	configs::sdpos::public_params, BalancesConfig, GovernanceConfig, LitBalancesConfig,
	RuntimeGenesisConfig, SdposConfig, SessionConfig, SessionKeys, SudoConfig, TimingConfig,
};
use pallet_governance::TrackTiming;
use pallet_sdpos::SdposParams;
use pop_primitives::{params::NUM_SUPERDELEGATES_TEST, time::TEST_SLOT_DURATION};
use sp_runtime::Perbill;

/// The name of the public-testnet template preset.
pub const TESTNET_RUNTIME_PRESET: &str = "testnet";

/// What each well-known development account starts with.
const DEV_ENDOWMENT: Balance = 1_000_000 * POP;
/// The LIT each well-known development account starts with on development and local chains, so
/// that payments can be tried at once. (Outside genesis, LIT only comes from burning POP.)
const DEV_LIT_ENDOWMENT: Balance = 10_000 * LIT;
/// What each placeholder validator of the testnet template starts with.
const TESTNET_VALIDATOR_ENDOWMENT: Balance = 100_000 * POP;
/// The self-bond of each genesis delegate, and the bond of each genesis superdelegate.
const GENESIS_BOND: Balance = 10_000 * POP;

/// SDPoS on development and local chains: short eras (ten two-second blocks) and a short
/// unbonding period, so that elections and payouts can be watched; four delegates and four
/// superdelegates (f = 1).
fn test_params() -> SdposParams<pop_primitives::BlockNumber> {
	SdposParams {
		num_delegates: 4,
		num_superdelegates: NUM_SUPERDELEGATES_TEST,
		min_candidate_bond: 1_000 * POP,
		min_superdelegate_bond: 1_000 * POP,
		min_voter_bond: POP,
		era_length: 10,
		unbonding_period: 20,
		inflation: Perbill::from_percent(5),
		superdelegate_share: Perbill::from_percent(10),
		masternode_share: Perbill::from_percent(25),
		offline_slash: Perbill::from_percent(1),
	}
}

/// A validator at genesis: its account and the keys it authors and finalizes with.
struct GenesisValidator {
	account: AccountId,
	aura: AuraId,
	grandpa: GrandpaId,
}

impl GenesisValidator {
	/// The validator of a well-known development name: sr25519 for the account and Aura,
	/// ed25519 for GRANDPA, all from the seed `//Name`.
	fn dev(who: Sr25519Keyring) -> Self {
		Self { account: who.to_account_id(), aura: who.public().into(), grandpa: ed25519_of(who) }
	}
}

/// The ed25519 key of the same development name (`//Alice` and so on).
fn ed25519_of(who: Sr25519Keyring) -> GrandpaId {
	let ed = match who {
		Sr25519Keyring::Alice => Ed25519Keyring::Alice,
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		Sr25519Keyring::Eve => Ed25519Keyring::Eve,
		Sr25519Keyring::Ferdie => Ed25519Keyring::Ferdie,
		Sr25519Keyring::AliceStash => Ed25519Keyring::AliceStash,
		Sr25519Keyring::BobStash => Ed25519Keyring::BobStash,
		Sr25519Keyring::CharlieStash => Ed25519Keyring::CharlieStash,
		Sr25519Keyring::DaveStash => Ed25519Keyring::DaveStash,
		Sr25519Keyring::EveStash => Ed25519Keyring::EveStash,
		Sr25519Keyring::FerdieStash => Ed25519Keyring::FerdieStash,
		Sr25519Keyring::One => Ed25519Keyring::One,
		Sr25519Keyring::Two => Ed25519Keyring::Two,
	};
	ed.public().into()
}

/// Builds a genesis patch: the validators (with their session keys, as the first SDPoS
/// delegates), the first moderation set (development names, each signing verdicts with its
/// ed25519 key), the POP and LIT balances, the SDPoS parameters, the sudo key, if any, and the
/// timing of the referendum tracks.
fn genesis(
	validators: Vec<GenesisValidator>,
	moderators: &[Sr25519Keyring],
	endowed: Vec<(AccountId, Balance)>,
	lit: Vec<(AccountId, Balance)>,
	params: SdposParams<pop_primitives::BlockNumber>,
	sudo: Option<AccountId>,
	timing: TrackTiming,
) -> Value {
	let delegates: Vec<_> = validators.iter().map(|v| (v.account.clone(), GENESIS_BOND)).collect();
	// Their sidecars publish peer ids and addresses on chain when they start.
	let superdelegates: Vec<_> = moderators
		.iter()
		.take(params.num_superdelegates as usize)
		.map(|who| {
			let key: [u8; 32] = sp_core::crypto::ByteArray::as_slice(&ed25519_of(*who))
				.try_into()
				.expect("ed25519 keys are 32 bytes");
			(who.to_account_id(), GENESIS_BOND, key)
		})
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		sdpos: SdposConfig { params: Some(params), delegates, voters: vec![], superdelegates },
		balances: BalancesConfig { balances: endowed },
		lit_balances: LitBalancesConfig { balances: lit },
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|v| {
					(v.account.clone(), v.account, SessionKeys { aura: v.aura, grandpa: v.grandpa })
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo },
		governance: GovernanceConfig { timing },
		// Test chains (short tracks) run two-second slots; public ones the default six.
		timing: TimingConfig {
			slot_duration: match timing {
				TrackTiming::Short => TEST_SLOT_DURATION,
				TrackTiming::Standard => 0,
			},
		},
	})
}

/// The well-known development accounts, each with `amount`.
fn dev_accounts(amount: Balance) -> Vec<(AccountId, Balance)> {
	Sr25519Keyring::well_known().map(|k| (k.to_account_id(), amount)).collect()
}

/// `pop-node --dev`: Alice alone validates and holds sudo; Alice, Bob, Charlie and Dave are the
/// moderation set (f = 1), so that four superdelegate sidecars can run beside the node.
pub fn development() -> Value {
	genesis(
		vec![GenesisValidator::dev(Sr25519Keyring::Alice)],
		&LOCAL_NAMES,
		dev_accounts(DEV_ENDOWMENT),
		dev_accounts(DEV_LIT_ENDOWMENT),
		test_params(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		TrackTiming::Short,
	)
}

/// The four development names of a local network's validators and of the dev and local
/// chains' moderation set.
const LOCAL_NAMES: [Sr25519Keyring; 4] =
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave];

/// The four validators of a local network.
fn local_validators() -> Vec<GenesisValidator> {
	LOCAL_NAMES.into_iter().map(GenesisValidator::dev).collect()
}

/// A local network of four validators and no sudo key.
pub fn local_testnet() -> Value {
	genesis(
		local_validators(),
		&LOCAL_NAMES,
		dev_accounts(DEV_ENDOWMENT),
		dev_accounts(DEV_LIT_ENDOWMENT),
		test_params(),
		None,
		TrackTiming::Short,
	)
}

/// The public-testnet template: placeholder validators to be replaced before a launch.
pub fn testnet() -> Value {
	let validators = local_validators();
	let endowed =
		validators.iter().map(|v| (v.account.clone(), TESTNET_VALIDATOR_ENDOWMENT)).collect();
	let params = SdposParams { num_superdelegates: NUM_SUPERDELEGATES_TEST, ..public_params() };
	genesis(validators, &LOCAL_NAMES, endowed, Vec::new(), params, None, TrackTiming::Standard)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
		TESTNET_RUNTIME_PRESET => testnet(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of every preset.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(DEV_RUNTIME_PRESET),
		PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(TESTNET_RUNTIME_PRESET),
	]
}
