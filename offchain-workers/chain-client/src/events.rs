//! What happened in a block, in the terms the daemons act on: each daemon reads a block's
//! events once ([`crate::Chain::events`]) and looks at the chain again only where they say
//! something it cares about changed, instead of re-reading everything every block.

use codec::Decode;
use pallet_content::Event as Content;
use pallet_masternodes::Event as Masternodes;
use pallet_sdpos::Event as Sdpos;
use pop_primitives::{content::ContentId, AccountId};
use pop_runtime::RuntimeEvent;
use sp_core::H256;

/// One event of a block as the runtime stores it, with the phase it happened in.
pub(crate) type Record = frame_system::EventRecord<RuntimeEvent, H256>;

/// The storage key of `System::Events`.
pub(crate) fn events_key() -> [u8; 32] {
	frame_support::storage::storage_prefix(b"System", b"Events")
}

/// Decodes the raw `System::Events` of block `at`, or says which runtime the client speaks
/// when they do not decode (the node runs another one).
pub(crate) fn decode_records(raw: &[u8], at: H256) -> Result<Vec<Record>, String> {
	Vec::<Record>::decode(&mut &raw[..]).map_err(|e| {
		format!(
			"the events of block {at:?} do not decode with this client's runtime (spec version \
			 {}): {e}",
			pop_runtime::VERSION.spec_version
		)
	})
}

/// The changes the daemons react to among the raw `System::Events` of block `at` (empty when
/// the block stored none).
pub(crate) fn changes(raw: &[u8], at: H256) -> Result<Vec<ChainEvent>, String> {
	if raw.is_empty() {
		return Ok(Vec::new());
	}
	let records = decode_records(raw, at)?;
	Ok(records.into_iter().filter_map(|r| ChainEvent::from_runtime(r.event)).collect())
}

/// A change the daemons react to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainEvent {
	/// The masternode registry changed: a node registered, updated its record, left, was
	/// retired or withdrew its bond.
	Masternodes,
	/// The superdelegates' records or the moderation set changed, or an era began.
	ModerationSet,
	/// Content was registered, had a page added or its key released, was decided, published,
	/// removed or purged.
	Content(ContentId),
	/// A shard of `content` was placed elsewhere (moved to `to`, or left unplaced).
	Placement { content: ContentId, to: Option<AccountId> },
	/// Audit `audit` was issued to `node`.
	Audit { audit: u64, node: AccountId },
}

impl ChainEvent {
	/// The change a runtime event stands for, if it is one the daemons react to.
	pub(crate) fn from_runtime(event: RuntimeEvent) -> Option<Self> {
		Some(match event {
			RuntimeEvent::Masternodes(
				Masternodes::Registered { .. }
				| Masternodes::Updated { .. }
				| Masternodes::Unregistered { .. }
				| Masternodes::Retired { .. }
				| Masternodes::Withdrawn { .. },
			) => Self::Masternodes,
			RuntimeEvent::Sdpos(
				Sdpos::SuperdelegateRegistered { .. }
				| Sdpos::SuperdelegateUpdated { .. }
				| Sdpos::SuperdelegateLeft { .. }
				| Sdpos::SuperdelegatesElected { .. }
				| Sdpos::EraStarted { .. },
			) => Self::ModerationSet,
			RuntimeEvent::Content(e) => match e {
				Content::ContentRegistered { content, .. }
				| Content::VerdictRecorded { content, .. }
				| Content::ContentPublished { content }
				| Content::ContentRemoved { content, .. }
				| Content::KeysReleased { content, .. }
				| Content::PageAdded { content, .. }
				| Content::ContentUploaded { content }
				| Content::ContentPurged { content, .. } => Self::Content(content),
				Content::ShardReassigned { content, to, .. } => {
					Self::Placement { content, to: Some(to) }
				}
				Content::ShardUnplaced { content, .. } => Self::Placement { content, to: None },
				Content::AuditIssued { audit, node, .. } => Self::Audit { audit, node },
				_ => return None,
			},
			_ => return None,
		})
	}
}
