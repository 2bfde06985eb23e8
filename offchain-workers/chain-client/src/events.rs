//! What happened in a block, in the terms the daemons act on: each daemon reads a block's
//! events once ([`crate::Chain::events`]) and looks at the chain again only where they say
//! something it cares about changed, instead of re-reading everything every block.

use pallet_content::Event as Content;
use pallet_masternodes::Event as Masternodes;
use pallet_sdpos::Event as Sdpos;
use pop_primitives::{content::ContentId, AccountId};
use pop_runtime::RuntimeEvent;

/// A change the daemons react to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainEvent {
	/// The masternode registry changed: a node registered, updated its record, left, was
	/// retired or withdrew its bond.
	Masternodes,
	/// The superdelegates' records or the moderation set changed, or an era began.
	ModerationSet,
	/// Content was registered, had its key released, was decided, published or removed.
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
				| Content::KeysReleased { content, .. } => Self::Content(content),
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
