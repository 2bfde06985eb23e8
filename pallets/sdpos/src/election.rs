//! The elections, as plain functions over plain inputs, so that their results can be checked on
//! worked examples without a chain.
//!
//! **Delegates**: sequential Phragmén (`sp-npos-elections`) over the candidates' self-bonds (each
//! candidate votes for itself) and the voters' bonds. Candidates are sorted by account id before
//! the election, and Phragmén picks the first of equally scored candidates, so ties go to the
//! lower account id, the same on every node.
//!
//! **Superdelegates**: approval voting by the active delegates, one vote per delegate per
//! superdelegate; ranked by approvals, then bond, then account id. A superdelegate nobody
//! approved is not elected.

use crate::types::Balance;
use alloc::{collections::BTreeMap, vec::Vec};
use sp_npos_elections::{seq_phragmen, IdentifierT, VoteWeight};
use sp_runtime::Perbill;

/// The stake behind one elected delegate.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Backing<AccountId> {
	/// The delegate.
	pub who: AccountId,
	/// Its own bond, as counted.
	pub own: Balance,
	/// Voters' shares, largest first, ties by account id.
	pub others: Vec<(AccountId, Balance)>,
}

impl<AccountId> Backing<AccountId> {
	/// Own bond plus every voter share.
	pub fn total(&self) -> Balance {
		self.others.iter().fold(self.own, |t, (_, s)| t.saturating_add(*s))
	}
}

/// Why no delegates were elected.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ElectionError {
	/// No eligible candidate: the current set stays.
	NoCandidates,
	/// The election library failed (arithmetic); the current set stays.
	Phragmen,
}

/// Elects up to `seats` delegates.
///
/// `candidates`: eligible candidates and their self-bonds. `voters`: voter, bond, approvals (only
/// approvals of eligible candidates count). `issuance` scales bonds into the 64-bit weights the
/// election library uses, so that no bond overflows.
///
/// Returns the winners sorted by account id, each with its backing.
pub fn elect_delegates<AccountId: IdentifierT>(
	seats: u32,
	mut candidates: Vec<(AccountId, Balance)>,
	voters: Vec<(AccountId, Balance, Vec<AccountId>)>,
	issuance: Balance,
) -> Result<Vec<Backing<AccountId>>, ElectionError> {
	candidates.sort_by(|a, b| a.0.cmp(&b.0));
	candidates.dedup_by(|a, b| a.0 == b.0);
	if candidates.is_empty() || seats == 0 {
		return Err(ElectionError::NoCandidates);
	}
	let factor = (issuance / VoteWeight::MAX as u128).max(1);
	let to_weight = |b: Balance| -> VoteWeight { (b / factor).min(VoteWeight::MAX as u128) as u64 };

	let mut stakes: BTreeMap<AccountId, Balance> = BTreeMap::new();
	let mut inputs: Vec<(AccountId, VoteWeight, Vec<AccountId>)> = Vec::new();
	for (who, bond) in candidates.iter() {
		stakes.insert(who.clone(), *bond);
		inputs.push((who.clone(), to_weight(*bond), alloc::vec![who.clone()]));
	}
	let eligible: Vec<AccountId> = candidates.iter().map(|(c, _)| c.clone()).collect();
	for (who, bond, votes) in voters {
		if stakes.contains_key(&who) || bond == 0 {
			// A candidate's stake is its self-bond; an empty bond backs nobody.
			continue;
		}
		let votes: Vec<AccountId> =
			votes.into_iter().filter(|v| eligible.binary_search(v).is_ok()).collect();
		if votes.is_empty() {
			continue;
		}
		stakes.insert(who.clone(), bond);
		inputs.push((who, to_weight(bond), votes));
	}

	let result = seq_phragmen::<AccountId, Perbill>(seats as usize, eligible, inputs, None)
		.map_err(|_| ElectionError::Phragmen)?;

	let mut backings: BTreeMap<AccountId, Backing<AccountId>> = result
		.winners
		.iter()
		.map(|(w, _)| (w.clone(), Backing { who: w.clone(), own: 0, others: Vec::new() }))
		.collect();
	for assignment in result.assignments {
		let stake = stakes.get(&assignment.who).copied().unwrap_or(0);
		for (target, ratio) in assignment.distribution {
			let Some(backing) = backings.get_mut(&target) else { continue };
			let share = ratio.mul_floor(stake);
			if share == 0 {
				continue;
			}
			if assignment.who == target {
				backing.own = backing.own.saturating_add(share);
			} else {
				backing.others.push((assignment.who.clone(), share));
			}
		}
	}
	let mut winners: Vec<Backing<AccountId>> = backings.into_values().collect();
	for w in winners.iter_mut() {
		w.others.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
	}
	if winners.is_empty() {
		return Err(ElectionError::NoCandidates);
	}
	Ok(winners)
}

/// Elects up to `seats` superdelegates from `registered` (account, bond) by the approvals in
/// `ballots` (one list per active delegate). Returns them ranked, best first.
pub fn elect_superdelegates<AccountId: Ord + Clone>(
	seats: u32,
	registered: Vec<(AccountId, Balance)>,
	ballots: Vec<Vec<AccountId>>,
) -> Vec<AccountId> {
	let mut approvals: BTreeMap<AccountId, u32> = BTreeMap::new();
	for ballot in ballots {
		let mut ballot = ballot;
		ballot.sort();
		ballot.dedup();
		for target in ballot {
			*approvals.entry(target).or_default() += 1;
		}
	}
	let mut ranked: Vec<(AccountId, Balance, u32)> = registered
		.into_iter()
		.filter_map(|(who, bond)| {
			let n = approvals.get(&who).copied().unwrap_or(0);
			(n > 0).then_some((who, bond, n))
		})
		.collect();
	ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| b.1.cmp(&a.1)).then_with(|| a.0.cmp(&b.0)));
	ranked.into_iter().take(seats as usize).map(|(who, _, _)| who).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn phragmen_spreads_stake_proportionally() {
		// Two seats; voter 10 (bond 100) approves 1 and 2, voter 11 (bond 50) approves 2.
		// Candidate 3 has the largest self-bond, but 1 and 2 have more support in total.
		let candidates = vec![(1u64, 10), (2, 10), (3, 40)];
		let voters = vec![(10u64, 100, vec![1, 2]), (11, 50, vec![2])];
		let winners = elect_delegates(2, candidates, voters, 1_000).unwrap();
		let ids: Vec<u64> = winners.iter().map(|w| w.who).collect();
		assert_eq!(ids, vec![1, 2]);
		// Every unit of stake that backs a winner is accounted for, and none is invented.
		let total: u128 = winners.iter().map(|w| w.total()).sum();
		assert!((10 + 10 + 100 + 50 - 4..=10 + 10 + 100 + 50).contains(&total));
		// Phragmén balances the load: the two winners end up with similar backing.
		let (a, b) = (winners[0].total(), winners[1].total());
		assert!(a.abs_diff(b) <= a.max(b) / 2, "{a} vs {b}");
	}

	#[test]
	fn ties_go_to_the_lower_account_and_are_deterministic() {
		let candidates = vec![(7u64, 100), (3, 100), (5, 100)];
		for _ in 0..3 {
			let winners = elect_delegates(2, candidates.clone(), vec![], 1_000).unwrap();
			assert_eq!(winners.iter().map(|w| w.who).collect::<Vec<_>>(), vec![3, 5]);
		}
	}

	#[test]
	fn votes_for_non_candidates_count_for_nothing_and_empty_sets_are_refused() {
		assert_eq!(
			elect_delegates::<u64>(3, vec![], vec![(1, 100, vec![2])], 1_000),
			Err(ElectionError::NoCandidates)
		);
		let winners = elect_delegates(3, vec![(1u64, 5)], vec![(9, 100, vec![42])], 1_000).unwrap();
		assert_eq!(winners.len(), 1);
		assert_eq!(winners[0].total(), 5);
	}

	#[test]
	fn huge_bonds_do_not_overflow_the_weights() {
		let big = u128::MAX / 4;
		let winners =
			elect_delegates(1, vec![(1u64, big), (2, 1)], vec![(3, big, vec![2])], u128::MAX)
				.unwrap();
		assert_eq!(winners.len(), 1);
	}

	#[test]
	fn fewer_candidates_than_seats_elects_them_all() {
		let winners = elect_delegates(21, vec![(1u64, 5), (2, 6)], vec![], 100).unwrap();
		assert_eq!(winners.len(), 2);
	}

	#[test]
	fn superdelegates_by_approvals_then_bond_then_account() {
		let registered = vec![(1u64, 10), (2, 50), (3, 50), (4, 99), (5, 1)];
		let ballots = vec![vec![1, 2, 3, 3], vec![1, 3], vec![2, 1]];
		// 1: 3 approvals; 2: 2; 3: 2 (a duplicate in one ballot counts once); 4, 5: none.
		assert_eq!(elect_superdelegates(3, registered.clone(), ballots.clone()), vec![1, 2, 3]);
		assert_eq!(elect_superdelegates(10, registered, ballots), vec![1, 2, 3]);
	}
}
