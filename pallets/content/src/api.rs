//! The runtime API the sidecars and UIs read content, placement and the moderation set through.

use crate::{
	Assignment, Audit, Config, ContentView, Contents, Holdings, KeyRelease, Pallet, Segments,
};
use alloc::vec::Vec;
use codec::Codec;
use frame_system::pallet_prelude::BlockNumberFor;
use pop_primitives::content::ContentId;

sp_api::decl_runtime_apis! {
	/// Content, placement, audits, masternodes and the moderation set. Version 2 adds
	/// [`ContentApi::review`].
	#[api_version(2)]
	pub trait ContentApi<AccountId, BlockNumber, Masternode, Superdelegate>
	where
		AccountId: Codec,
		BlockNumber: Codec,
		Masternode: Codec,
		Superdelegate: Codec,
	{
		/// A piece of content with every shard's hash and holder.
		fn content(id: ContentId) -> Option<ContentView<AccountId, BlockNumber>>;
		/// Content waiting for the moderation set (pending or needing review).
		fn pending() -> Vec<ContentId>;
		/// The shards `node` must hold.
		fn assignments(node: AccountId) -> Vec<Assignment>;
		/// The open audits of `node`, by id.
		fn audits(node: AccountId) -> Vec<(u64, Audit<AccountId, BlockNumber>)>;
		/// The registered masternodes, leaving ones included.
		fn masternodes() -> Vec<(AccountId, Masternode)>;
		/// The current era and its moderation set.
		fn superdelegates() -> (u32, Vec<Superdelegate>);
		/// The key of content waiting for a verdict, sealed to the moderation set.
		fn sealed_keys(id: ContentId) -> Option<KeyRelease>;
		/// The open appeal and the moderation track's ruling on content, if any.
		#[api_version(2)]
		fn review(id: ContentId) -> crate::types::Review<AccountId, BlockNumber>;
	}
}

/// An audit as this runtime stores it.
pub type AuditOf<T> = Audit<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// See [`ContentApi::content`].
	pub fn content_view(id: ContentId) -> Option<ContentView<T::AccountId, BlockNumberFor<T>>> {
		let info = Contents::<T>::get(id)?;
		let segments = (0..info.segments).filter_map(|s| Segments::<T>::get(id, s)).collect();
		Some(ContentView { id, info, segments })
	}

	/// See [`ContentApi::pending`].
	pub fn pending() -> Vec<ContentId> {
		crate::Awaiting::<T>::iter_keys().collect()
	}

	/// See [`ContentApi::review`].
	pub fn review_of(id: ContentId) -> crate::types::Review<T::AccountId, BlockNumberFor<T>> {
		crate::types::Review {
			appeal: crate::Appeals::<T>::get(id),
			ruling: crate::Rulings::<T>::get(id),
		}
	}

	/// See [`ContentApi::sealed_keys`].
	pub fn sealed_keys_of(id: ContentId) -> Option<KeyRelease> {
		crate::SealedKeys::<T>::get(id)
	}

	/// See [`ContentApi::assignments`].
	pub fn assignments(node: &T::AccountId) -> Vec<Assignment> {
		Holdings::<T>::iter_prefix(node)
			.filter_map(|((content, segment), shard)| {
				let seg = Segments::<T>::get(content, segment)?;
				Some(Assignment {
					content,
					segment,
					shard,
					shard_hash: *seg.shards.get(usize::from(shard))?,
					shard_len: seg.shard_len,
				})
			})
			.collect()
	}

	/// See [`ContentApi::audits`].
	pub fn open_audits(node: &T::AccountId) -> Vec<(u64, AuditOf<T>)> {
		crate::Audits::<T>::iter().filter(|(_, a)| &a.node == node).collect()
	}
}
