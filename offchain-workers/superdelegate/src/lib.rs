//! # The superdelegate sidecar
//!
//! Each member of the era's moderation set runs one beside its node:
//! - [`sidecar`]: reads the era, the set (moderation keys, peer ids, addresses) and pending
//!   content from the chain, publishes its own peer id and addresses, and submits certificates;
//! - [`review`]: opens the content key the creator released to the set, fetches the media
//!   from the masternodes and assesses it with `pop-moderation`;
//! - [`mesh`]: the set's [`pop_pbft`] replicas over rust-libp2p (`/pop/pbft/1`);
//! - [`persist`]: the view the replica last sent in, kept across restarts;
//! - [`metrics`]: what the sidecar counts for Prometheus (`--prometheus-port`);
//! - [`cli`]: the binary's flags and `main`;
//! - [`tamper`]: a hook on what this member sends, for the tests' byzantine member.

pub mod cli;
pub mod mesh;
pub mod metrics;
pub mod persist;
pub mod review;
pub mod sidecar;
pub mod tamper;
