//! From the members' votes to the one verdict a proposal may carry.

use crate::{Message, Signed, Verdict};

const ALL: [Verdict; 3] = [Verdict::Approve, Verdict::Reject, Verdict::NeedsReview];

/// The verdict that a set of votes justifies, with at most `f` of them faulty: the one that at
/// least `f + 1` votes chose — so at least one honest member scored it that way — and more
/// than chose any other; needs review when there is none (people decide).
pub fn aggregate(votes: &[Verdict], f: usize) -> Verdict {
	let count = |v: Verdict| votes.iter().filter(|x| **x == v).count();
	let mut best = (Verdict::NeedsReview, 0usize, false);
	for v in ALL {
		let c = count(v);
		if c > best.1 {
			best = (v, c, false);
		} else if c == best.1 {
			best.2 = true;
		}
	}
	match best {
		(v, c, false) if c > f => v,
		_ => Verdict::NeedsReview,
	}
}

/// The verdicts of the [`Message::Vote`]s among `votes`.
pub fn vote_verdicts(votes: &[Signed]) -> Vec<Verdict> {
	votes
		.iter()
		.filter_map(|v| match v.message {
			Message::Vote { verdict, .. } => Some(verdict),
			_ => None,
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use Verdict::*;

	#[test]
	fn aggregate_needs_f_plus_one_and_a_plurality() {
		assert_eq!(aggregate(&[Approve, Approve, Approve], 1), Approve);
		assert_eq!(aggregate(&[Approve, Approve, Reject], 1), Approve);
		assert_eq!(aggregate(&[Reject, Reject, Approve], 1), Reject);
		// No verdict has f + 1 = 2 votes.
		assert_eq!(aggregate(&[Approve, Reject, NeedsReview], 1), NeedsReview);
		// A tie between two verdicts with f + 1 each (N = 5, q = 4).
		assert_eq!(aggregate(&[Approve, Approve, Reject, Reject], 1), NeedsReview);
		// f = 2 (N = 7, q = 5): two votes are not enough.
		assert_eq!(aggregate(&[Reject, Reject, Approve, NeedsReview, NeedsReview], 2), NeedsReview);
		assert_eq!(aggregate(&[Reject, Reject, Reject, Approve, Approve], 2), Reject);
	}
}
