//! A sidecar's metrics, served with `--prometheus-port` like the masternode's
//! ([`pop_swarm::metrics`]).

use pop_swarm::metrics::{
	register, ChainMetrics, Counter, CounterVec, Gauge, Opts, PrometheusError, Registry, U64,
};

/// What a sidecar counts.
#[derive(Clone)]
pub struct SidecarMetrics {
	/// This member's own assessments, by verdict (`Approve`, `Reject`, `NeedsReview`).
	pub reviews: CounterVec<U64>,
	/// Content the set agreed on, by verdict.
	pub decisions: CounterVec<U64>,
	/// The pBFT view this member is in.
	pub view: Gauge<U64>,
	/// View changes this member started.
	pub view_changes: Counter<U64>,
	/// Messages from the set this member did not use, by why (`BadSignature`,
	/// `Equivocation`, `TooFrequent`, `Malformed`, …).
	pub refused: CounterVec<U64>,
	/// Certificates this member submitted, and those that got into a block.
	pub certificates_submitted: Counter<U64>,
	pub certificates_included: Counter<U64>,
	/// The chain connection.
	pub chain: ChainMetrics,
}

impl SidecarMetrics {
	/// Registers a sidecar's metrics.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		Ok(Self {
			reviews: register(
				CounterVec::new(
					Opts::new("superdelegate_reviews_total", "Content this member assessed"),
					&["verdict"],
				)?,
				registry,
			)?,
			decisions: register(
				CounterVec::new(
					Opts::new("superdelegate_decisions_total", "Content the set agreed on"),
					&["verdict"],
				)?,
				registry,
			)?,
			view: register(
				Gauge::new("superdelegate_pbft_view", "The pBFT view this member is in")?,
				registry,
			)?,
			refused: register(
				CounterVec::new(
					Opts::new(
						"superdelegate_pbft_refused_total",
						"pBFT messages from the set this member did not use, by why",
					),
					&["why"],
				)?,
				registry,
			)?,
			view_changes: counter(
				"superdelegate_pbft_view_changes_total",
				"View changes this member started",
			)?,
			certificates_submitted: counter(
				"superdelegate_certificates_submitted_total",
				"Certificates this member submitted",
			)?,
			certificates_included: counter(
				"superdelegate_certificates_included_total",
				"Certificates this member submitted that got into a block",
			)?,
			chain: ChainMetrics::register("superdelegate", registry)?,
		})
	}
}
