//! What can go wrong between off-chain code and the chain, typed: a failed dispatch names its
//! pallet and error variant, decoded from the runtime's `DispatchError`, never read from text.

use crate::rpc::RpcError;
use codec::Decode;
use frame_support::traits::PalletInfoAccess;
use pop_runtime::Runtime;
use sp_runtime::{
	transaction_validity::{InvalidTransaction, UnknownTransaction},
	DispatchError,
};
use std::fmt;

/// An error of the content pallet (manifests, placement, certificates, audits, key releases).
pub type ContentError = pallet_content::Error<Runtime>;
/// An error of the masternode registry.
pub type MasternodesError = pallet_masternodes::Error<Runtime>;
/// An error of SDPoS (candidates, voters, superdelegates).
pub type SdposError = pallet_sdpos::Error<Runtime>;

/// Why an included transaction's call failed.
#[derive(Debug)]
pub enum DispatchFailure {
	/// The content pallet refused it.
	Content(ContentError),
	/// The masternode registry refused it.
	Masternodes(MasternodesError),
	/// SDPoS refused it.
	Sdpos(SdposError),
	/// Anything else (another pallet's error, a bad origin, an arithmetic error, …).
	Other(DispatchError),
}

impl From<DispatchError> for DispatchFailure {
	fn from(e: DispatchError) -> Self {
		let DispatchError::Module(m) = e else { return Self::Other(e) };
		let index = usize::from(m.index);
		let decoded = if index == pallet_content::Pallet::<Runtime>::index() {
			ContentError::decode(&mut &m.error[..]).ok().map(Self::Content)
		} else if index == pallet_masternodes::Pallet::<Runtime>::index() {
			MasternodesError::decode(&mut &m.error[..]).ok().map(Self::Masternodes)
		} else if index == pallet_sdpos::Pallet::<Runtime>::index() {
			SdposError::decode(&mut &m.error[..]).ok().map(Self::Sdpos)
		} else {
			None
		};
		decoded.unwrap_or(Self::Other(e))
	}
}

impl fmt::Display for DispatchFailure {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Content(e) => write!(f, "Content::{e:?}"),
			Self::Masternodes(e) => write!(f, "Masternodes::{e:?}"),
			Self::Sdpos(e) => write!(f, "Sdpos::{e:?}"),
			Self::Other(DispatchError::Module(m)) => {
				write!(f, "error {:?} of pallet {}", m.error, m.index)
			}
			Self::Other(e) => write!(f, "{e:?}"),
		}
	}
}

/// A submission that did not end in a successful dispatch, or a chain that could not be asked.
#[derive(Debug)]
pub enum ChainError {
	/// The node could not be reached, or answered with a JSON-RPC error.
	Rpc(RpcError),
	/// The transaction pool would not take the transaction (a bad signature, fees that cannot be
	/// paid, a stale nonce, …).
	Invalid(InvalidTransaction),
	/// The node cannot check the transaction (for example a transaction extension it lacks).
	Unknown(UnknownTransaction),
	/// The transaction was included in block `block`, and its call failed.
	Dispatch { block: sp_core::H256, failure: DispatchFailure },
	/// The transaction left the pool without being included: why.
	NotIncluded(String),
	/// The node runs a runtime whose transactions this client does not encode.
	VersionMismatch { node: u32, client: u32 },
	/// A value does not fit the chain's bounds: which.
	TooLarge(&'static str),
	/// The node's answer did not decode with this client's runtime types.
	Decode(String),
}

impl ChainError {
	/// The dispatch failure, if the transaction was included and its call failed.
	pub fn dispatch(&self) -> Option<&DispatchFailure> {
		match self {
			Self::Dispatch { failure, .. } => Some(failure),
			_ => None,
		}
	}

	/// The content pallet's error, if that is why the call failed.
	pub fn content(&self) -> Option<&ContentError> {
		match self.dispatch() {
			Some(DispatchFailure::Content(e)) => Some(e),
			_ => None,
		}
	}

	/// SDPoS's error, if that is why the call failed.
	pub fn sdpos(&self) -> Option<&SdposError> {
		match self.dispatch() {
			Some(DispatchFailure::Sdpos(e)) => Some(e),
			_ => None,
		}
	}

	/// The masternode registry's error, if that is why the call failed.
	pub fn masternodes(&self) -> Option<&MasternodesError> {
		match self.dispatch() {
			Some(DispatchFailure::Masternodes(e)) => Some(e),
			_ => None,
		}
	}
}

impl fmt::Display for ChainError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Rpc(e) => write!(f, "{e}"),
			Self::Invalid(e) => write!(f, "the transaction pool refused it: {}", <&str>::from(*e)),
			Self::Unknown(e) => write!(f, "the node cannot check it: {}", <&str>::from(*e)),
			Self::Dispatch { block, failure } => {
				write!(f, "the chain refused it in block {block:?}: {failure}")
			}
			Self::NotIncluded(why) => write!(f, "not included: {why}"),
			Self::VersionMismatch { node, client } => write!(
				f,
				"the node runs transaction version {node}, this client encodes version {client}: \
				 upgrade this program to the release that matches the chain's runtime"
			),
			Self::TooLarge(what) => write!(f, "{what} exceeds the chain's bound"),
			Self::Decode(e) => write!(f, "undecodable answer: {e}"),
		}
	}
}

impl std::error::Error for ChainError {}

impl From<RpcError> for ChainError {
	fn from(e: RpcError) -> Self {
		Self::Rpc(e)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	fn module_error(index: usize, error: impl Encode) -> DispatchError {
		let mut bytes = [0u8; 4];
		let encoded = error.encode();
		bytes[..encoded.len()].copy_from_slice(&encoded);
		DispatchError::Module(sp_runtime::ModuleError {
			index: index as u8,
			error: bytes,
			message: None,
		})
	}

	#[test]
	fn module_errors_decode_to_their_pallet_and_variant() {
		let index = pallet_content::Pallet::<Runtime>::index();
		let failure = DispatchFailure::from(module_error(index, ContentError::WrongEra));
		assert!(matches!(failure, DispatchFailure::Content(ContentError::WrongEra)));
		assert_eq!(failure.to_string(), "Content::WrongEra");

		let index = pallet_sdpos::Pallet::<Runtime>::index();
		let failure = DispatchFailure::from(module_error(index, SdposError::NotSuperdelegate));
		assert!(matches!(failure, DispatchFailure::Sdpos(SdposError::NotSuperdelegate)));

		let e = ChainError::Dispatch { block: Default::default(), failure };
		assert!(e.sdpos().is_some() && e.content().is_none());
	}

	#[test]
	fn other_errors_stay_whole() {
		// A pallet this client does not decode, and an error that is not a module's.
		let failure = DispatchFailure::from(module_error(0, 7u8));
		assert!(matches!(failure, DispatchFailure::Other(DispatchError::Module(_))));
		let failure = DispatchFailure::from(DispatchError::BadOrigin);
		assert!(matches!(failure, DispatchFailure::Other(DispatchError::BadOrigin)));
	}
}
