//! # The superdelegate sidecar
//!
//! Built so far: [`mesh`], the moderation set's [`pop_pbft`] replicas talking over rust-libp2p
//! (`/pop/pbft/1` on the same TCP + noise + yamux stack as the content swarm). To come: reading
//! the era's set and pending content from the chain, fetching and decrypting content, scoring it
//! with `pop-moderation`, and submitting certificates (see `docs/ARCHITECTURE.md`).

pub mod mesh;
