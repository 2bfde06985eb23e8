//! Prometheus metrics of the daemons, served at `http://<addr>/metrics` when an operator passes
//! `--prometheus-port`, with the library `pop-node` serves its own with, so that a masternode or
//! a sidecar is scraped exactly like the node beside it. Every name starts with `pop_`.

use std::{net::SocketAddr, time::Duration};
pub use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, Opts,
	PrometheusError, Registry, U64,
};

/// The daemons' metrics flags, as `pop-node` spells them.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PrometheusArgs {
	/// Serve Prometheus metrics at http://127.0.0.1:PORT/metrics.
	#[arg(long, value_name = "PORT")]
	pub prometheus_port: Option<u16>,
	/// Serve them on every interface, not only on 127.0.0.1.
	#[arg(long, requires = "prometheus_port")]
	pub prometheus_external: bool,
}

impl PrometheusArgs {
	/// The port and whether to serve on every interface, if metrics are asked for.
	pub fn endpoint(&self) -> Option<(u16, bool)> {
		self.prometheus_port.map(|port| (port, self.prometheus_external))
	}
}

/// A registry whose metric names start with `pop_`.
pub fn registry() -> Registry {
	Registry::new_custom(Some("pop".into()), None).expect("a valid prefix")
}

/// Serves `registry` on `127.0.0.1:port` (every interface with `external`) in the background.
pub fn serve(port: u16, external: bool, registry: Registry) {
	let ip = if external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
	let addr = SocketAddr::from((ip, port));
	tracing::info!(target: "metrics", "Prometheus metrics at http://{addr}/metrics");
	tokio::spawn(async move {
		if let Err(e) = substrate_prometheus_endpoint::init_prometheus(addr, registry).await {
			tracing::error!(target: "metrics", "the metrics endpoint at {addr} stopped: {e}");
		}
	});
}

/// Whether the daemon's last look at the chain worked: 1 connected, 0 not.
#[derive(Clone)]
pub struct ChainMetrics {
	pub connected: Gauge<U64>,
	pub failures: Counter<U64>,
}

impl ChainMetrics {
	/// Registers the chain metrics of a daemon named `daemon`.
	pub fn register(daemon: &str, registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			connected: register(
				Gauge::new(
					format!("{daemon}_chain_connected"),
					"1 while the chain node answers the daemon, 0 while it does not",
				)?,
				registry,
			)?,
			failures: register(
				Counter::new(
					format!("{daemon}_chain_failures_total"),
					"Looks at the chain that failed (node unreachable or an undecodable answer)",
				)?,
				registry,
			)?,
		})
	}

	/// Records a look at the chain.
	pub fn observe<T, E>(&self, result: &Result<T, E>) {
		match result {
			Ok(_) => self.connected.set(1),
			Err(_) => {
				self.connected.set(0);
				self.failures.inc();
			}
		}
	}
}

/// A masternode's work.
#[derive(Clone)]
pub struct MasternodeMetrics {
	/// Shard requests answered, by kind (`get`, `put`) and outcome (`ok` or the refusal).
	pub requests: CounterVec<U64>,
	/// Seconds to answer a request, by kind.
	pub request_seconds: HistogramVec,
	/// Shard bytes sent to viewers, masternodes and sidecars.
	pub bytes_served: Counter<U64>,
	/// Shard bytes received and stored.
	pub bytes_received: Counter<U64>,
	/// Shards in the store.
	pub shards_stored: Gauge<U64>,
	/// Bytes in the store.
	pub bytes_stored: Gauge<U64>,
	/// Storage audits answered on chain.
	pub audits_answered: Counter<U64>,
	/// Storage audits whose answer did not get on chain.
	pub audits_failed: Counter<U64>,
	/// Shards rebuilt from other holders.
	pub shards_rebuilt: Counter<U64>,
	/// Shards deleted because they were no longer assigned to this node.
	pub shards_released: Counter<U64>,
	/// Content records read from the chain to answer peers' requests (not cached, not known
	/// to be unknown): what a flood of made-up content ids would cost the chain node.
	pub content_reads: Counter<U64>,
	/// The chain connection.
	pub chain: ChainMetrics,
}

impl MasternodeMetrics {
	/// Registers a masternode's metrics.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		let gauge = |name: &str, help: &str| register(Gauge::new(name, help)?, registry);
		Ok(Self {
			requests: register(
				CounterVec::new(
					Opts::new("masternode_requests_total", "Shard requests answered"),
					&["kind", "outcome"],
				)?,
				registry,
			)?,
			request_seconds: register(
				HistogramVec::new(
					HistogramOpts::new("masternode_request_seconds", "Seconds to answer a request")
						.buckets(vec![0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]),
					&["kind"],
				)?,
				registry,
			)?,
			bytes_served: counter("masternode_bytes_served_total", "Shard bytes sent")?,
			bytes_received: counter("masternode_bytes_received_total", "Shard bytes stored")?,
			shards_stored: gauge("masternode_shards_stored", "Shards in the store")?,
			bytes_stored: gauge("masternode_bytes_stored", "Bytes in the store")?,
			audits_answered: counter("masternode_audits_answered_total", "Audits answered")?,
			audits_failed: counter(
				"masternode_audits_failed_total",
				"Audit answers that did not get on chain",
			)?,
			shards_rebuilt: counter("masternode_shards_rebuilt_total", "Shards rebuilt")?,
			shards_released: counter(
				"masternode_shards_released_total",
				"Shards deleted because they were no longer assigned to this node",
			)?,
			content_reads: counter(
				"masternode_content_reads_total",
				"Content records read from the chain to answer peers' requests",
			)?,
			chain: ChainMetrics::register("masternode", registry)?,
		})
	}

	/// Records one answered request.
	pub fn request(&self, kind: &str, outcome: &str, took: Duration, bytes_out: usize) {
		self.requests.with_label_values(&[kind, outcome]).inc();
		self.request_seconds.with_label_values(&[kind]).observe(took.as_secs_f64());
		self.bytes_served.inc_by(bytes_out as u64);
	}
}
