//! The governance origins and the `EnsureOrigin` checks that pallets use to accept them.

use super::*;
use core::marker::PhantomData;
use frame_support::traits::EnsureOrigin;

/// An origin that only a passed referendum on its track can produce.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum GovernanceOrigin {
	/// The parameters track: may change the chain's tunables.
	Parameters,
	/// The emergency track: may halt new content and punish misbehaving nodes.
	Emergency,
	/// The moderation track: rules on content the moderation set left for review or rejected
	/// (creators' appeals and referrals).
	Moderation,
}

/// Implements `EnsureOrigin` for one variant of [`GovernanceOrigin`].
macro_rules! ensure_governance_origin {
	($(#[$doc:meta])* $name:ident => $variant:ident) => {
		$(#[$doc])*
		pub struct $name<O>(PhantomData<O>);

		impl<O> EnsureOrigin<O> for $name<O>
		where
			O: Into<Result<GovernanceOrigin, O>> + From<GovernanceOrigin>,
		{
			type Success = ();

			fn try_origin(o: O) -> Result<Self::Success, O> {
				o.into().and_then(|o| match o {
					GovernanceOrigin::$variant => Ok(()),
					other => Err(O::from(other)),
				})
			}

			#[cfg(feature = "runtime-benchmarks")]
			fn try_successful_origin() -> Result<O, ()> {
				Ok(O::from(GovernanceOrigin::$variant))
			}
		}
	};
}

ensure_governance_origin!(
	/// Accepts only [`GovernanceOrigin::Parameters`].
	EnsureParameters => Parameters
);
ensure_governance_origin!(
	/// Accepts only [`GovernanceOrigin::Emergency`].
	EnsureEmergency => Emergency
);
ensure_governance_origin!(
	/// Accepts only [`GovernanceOrigin::Moderation`].
	EnsureModeration => Moderation
);
