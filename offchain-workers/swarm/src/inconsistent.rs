//! Proving on chain that an upload is not one Reed-Solomon codeword (`Content::report_inconsistent`):
//! the shards of one segment, fetched from their holders and checked against the manifest, are
//! searched for a chunk index at which they are no codeword; that chunk of every shard, with its
//! BLAKE3 proof, is the whole proof (a few KiB). A reviewing superdelegate sends it when a
//! decode finds the segment inconsistent; anyone else may, with `pop prove-inconsistent`.

use crate::{
	client::{Client, ClientError},
	directory,
	protocol::{Request, Response},
};
use futures::{stream::FuturesUnordered, StreamExt};
use pop_chain_client::{calls, Included};
use pop_primitives::{
	codeword::first_inconsistent_chunk,
	content::{chunk_data, chunk_proof, ContentId, PAGE_SEGMENTS},
};
use sp_core::sr25519;

impl Client {
	/// Fetches every shard of `segment` of `id` and, if they are not one codeword, proves it on
	/// chain as `signer` (the content is taken down and its creator's deposit forfeit, a share
	/// to `signer`). Waits until the proof is in a block.
	pub async fn prove_inconsistent(
		&self,
		signer: &sr25519::Pair,
		id: ContentId,
		segment: u32,
	) -> Result<Included, ClientError> {
		let content =
			self.blocking(move |c| c.content(&id)).await?.ok_or(ClientError::UnknownContent(id))?;
		let manifest = directory::manifest(&content);
		let seg = content.segments.get(segment as usize).ok_or_else(|| {
			ClientError::NoInconsistency { segment, why: "the content has no such segment".into() }
		})?;
		let n = usize::from(manifest.manifest.n);
		let peers = self.directory().await?;
		let mut asks: FuturesUnordered<_> = seg
			.holders
			.iter()
			.enumerate()
			.filter_map(|(i, holder)| peers.get(holder).map(|p| (i as u8, p.clone())))
			.map(|(i, peer)| {
				let net = self.net().clone();
				let request = Request::Get { content: id, segment, shard: i };
				async move { (i, net.request(peer.id, peer.addresses, request).await) }
			})
			.collect();
		let mut shards: Vec<Option<Vec<u8>>> = vec![None; n];
		while let Some((i, answer)) = asks.next().await {
			if let Ok(Response::Shard(data)) = answer {
				if pop_codec::verify_shard(&manifest, segment, i, &data) {
					shards[usize::from(i)] = Some(data);
				}
			}
		}
		let missing: Vec<usize> =
			shards.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(i, _)| i).collect();
		if !missing.is_empty() {
			return Err(ClientError::NoInconsistency {
				segment,
				why: format!("no holder served a valid shard {missing:?}; all {n} are needed"),
			});
		}
		let shards: Vec<Vec<u8>> = shards.into_iter().flatten().collect();
		let refs: Vec<&[u8]> = shards.iter().map(Vec::as_slice).collect();
		let k = usize::from(manifest.manifest.k);
		let chunk = first_inconsistent_chunk(k, &refs).ok_or_else(|| {
			ClientError::NoInconsistency { segment, why: "its shards are one codeword".into() }
		})?;
		let chunks = refs
			.iter()
			.map(|s| chunk_data(s, chunk).map(<[u8]>::to_vec))
			.collect::<Option<Vec<_>>>()
			.expect("every shard has the chunk the search found");
		let proofs = refs
			.iter()
			.map(|s| chunk_proof(s, chunk))
			.collect::<Option<Vec<_>>>()
			.expect("every shard has the chunk the search found");
		// The removal witness: the first page's segments × n.
		let witness = content.info.segments.min(PAGE_SEGMENTS) * u32::from(manifest.manifest.n);
		let call = calls::report_inconsistent(id, segment, chunk, chunks, proofs, witness)?;
		Ok(self.chain().submit_included(call, signer).await?)
	}
}
