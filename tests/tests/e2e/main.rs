//! Every end-to-end test of POP Network in one binary, one module per scenario, so that
//! `cargo test` runs the scenarios side by side: each starts its own processes on free
//! loopback ports and its own base paths, and test chains run two-second slots.
//! `scripts/test` sets how many run at once (`POP_E2E_THREADS`).

mod appeal;
mod bad_input;
mod byzantine;
mod chain_specs;
mod content;
mod deploy;
mod dev_node;
mod fee_quota;
mod flood;
mod governance;
mod liar;
mod lit;
mod local_network;
mod media;
mod moderation;
mod nanopay;
mod polkadot_js;
mod sdpos;
mod swarm;
mod try_runtime;
mod web;
