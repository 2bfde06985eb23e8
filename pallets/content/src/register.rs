//! Registration, page by page.
//!
//! A manifest commits to its segments in pages of [`PAGE_SEGMENTS`] (the hash of each page is in
//! the manifest, and so in the content id). [`Pallet::register`] takes the manifest and its first
//! page, holds the whole deposit (on the most bytes the manifest's totals allow, see
//! [`Manifest::stored_bytes_bound`]) and places that page; [`Pallet::add_page`] takes the next
//! pages in order. Each page is checked against its hash and placed when it arrives, so one
//! extrinsic never writes more than [`PAGE_SEGMENTS`] segments. Until the last page is in, the
//! content is [`Status::Uploading`]: not reviewed, not public; then the totals are checked and
//! it is pending moderation.

use crate::{
	types::{ContentInfo, SegmentInfo, Status, Upload},
	Awaiting, Config, Contents, Error, Event, Holdings, Pallet, Segments, StoredBytes, Uploads,
};
use frame_support::{ensure, pallet_prelude::*};
use frame_system::pallet_prelude::BlockNumberFor;
use pop_primitives::content::{
	ContentId, Manifest, PageTotals, SegmentManifest, MANIFEST_VERSION, PAGE_SEGMENTS,
};
use sp_runtime::BoundedVec;

impl<T: Config> Pallet<T> {
	/// Checks page `index` of `manifest` (content `id`) and places its segments on masternodes
	/// in service with room for them. Returns what the page adds to the totals.
	pub(crate) fn place_page(
		id: ContentId,
		manifest: &Manifest,
		index: u32,
		page: &[SegmentManifest],
	) -> Result<PageTotals, DispatchError> {
		let totals = manifest.check_page(index, page).map_err(Error::<T>::from)?;
		let n = usize::from(manifest.n);
		// A node holds at most one shard of a segment: this much of this page at most.
		let per_node = page.iter().map(|s| u64::from(s.shard_len)).sum();
		let nodes = Self::placement_candidates(n, per_node);
		ensure!(nodes.len() >= n, Error::<T>::NotEnoughCapacity);
		let first = index.saturating_mul(PAGE_SEGMENTS);
		let placement =
			pop_primitives::placement::place_range(&id, first, page.len() as u32, n, &nodes)
				.ok_or(Error::<T>::NotEnoughMasternodes)?;
		for (offset, (segment, holders)) in page.iter().zip(placement).enumerate() {
			let number = first + offset as u32;
			for (shard, holder) in holders.iter().enumerate() {
				Holdings::<T>::insert(holder, (id, number), shard as u8);
				StoredBytes::<T>::mutate(holder, |b| {
					*b = b.saturating_add(u64::from(segment.shard_len))
				});
			}
			Segments::<T>::insert(
				id,
				number,
				SegmentInfo {
					plain_len: segment.plain_len,
					duration: segment.duration,
					shard_len: segment.shard_len,
					shards: segment.shards.clone(),
					holders: BoundedVec::truncate_from(holders),
				},
			);
		}
		Ok(totals)
	}

	/// The manifest content `info` was registered with, its pages `pages`: rebuilt to check the
	/// pages still to come.
	pub(crate) fn manifest_of(
		info: &ContentInfo<T::AccountId, BlockNumberFor<T>>,
		pages: &Upload,
	) -> Manifest {
		Manifest {
			version: MANIFEST_VERSION,
			media_type: info.media_type.clone(),
			metadata_hash: info.metadata_hash,
			k: info.k,
			n: info.n,
			key_commitment: info.key_commitment.unwrap_or_default(),
			packaging: info.packaging,
			total_size: info.total_size,
			duration: info.duration,
			segments: info.segments,
			pages: pages.pages.clone(),
		}
	}

	/// The pages in so far (`placed` segments, `plain` bytes, `duration`) must leave room for
	/// the manifest's totals: at least a byte for every segment still to come, and no more
	/// time. Checked on every page, so that a creator cannot declare small totals, hold a small
	/// deposit, and place large pages while never sending the last one.
	pub(crate) fn within_totals(
		manifest: &Manifest,
		placed: u32,
		plain: u64,
		duration: u64,
	) -> DispatchResult {
		let to_come = u64::from(manifest.segments.saturating_sub(placed));
		ensure!(
			plain.saturating_add(to_come) <= manifest.total_size && duration <= manifest.duration,
			Error::<T>::TotalsMismatch
		);
		Ok(())
	}

	/// Every page of `id` is in: the totals must be the manifest's. The content becomes pending
	/// moderation.
	pub(crate) fn complete(
		id: ContentId,
		info: &mut ContentInfo<T::AccountId, BlockNumberFor<T>>,
		plain: u64,
		duration: u64,
	) -> DispatchResult {
		ensure!(plain == info.total_size && duration == info.duration, Error::<T>::TotalsMismatch);
		info.status = Status::Pending;
		Awaiting::<T>::insert(id, ());
		Self::deposit_event(Event::ContentUploaded { content: id });
		Ok(())
	}

	/// Adds page `index` of `content` for its creator `who`.
	pub(crate) fn do_add_page(
		who: T::AccountId,
		content: ContentId,
		index: u32,
		page: &[SegmentManifest],
	) -> DispatchResult {
		let mut info = Contents::<T>::get(content).ok_or(Error::<T>::UnknownContent)?;
		ensure!(info.creator == who, Error::<T>::NotCreator);
		let mut upload = Uploads::<T>::get(content).ok_or(Error::<T>::NotUploading)?;
		ensure!(index == upload.next, Error::<T>::WrongPage);
		let manifest = Self::manifest_of(&info, &upload);
		let totals = Self::place_page(content, &manifest, index, page)?;
		upload.next = upload.next.saturating_add(1);
		upload.plain = upload.plain.saturating_add(totals.plain);
		upload.duration = upload.duration.saturating_add(totals.duration);
		let placed = upload.next.saturating_mul(PAGE_SEGMENTS).min(info.segments);
		Self::within_totals(&manifest, placed, upload.plain, upload.duration)?;
		Self::deposit_event(Event::PageAdded { content, page: index, segments: page.len() as u32 });
		if upload.next as usize == upload.pages.len() {
			Self::complete(content, &mut info, upload.plain, upload.duration)?;
			Uploads::<T>::remove(content);
			Contents::<T>::insert(content, info);
		} else {
			Uploads::<T>::insert(content, upload);
		}
		Ok(())
	}
}
