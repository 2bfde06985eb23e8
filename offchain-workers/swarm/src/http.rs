//! Shards over HTTP(S), for browsers: a web page cannot speak the libp2p shard protocol, so a
//! masternode also answers
//!
//! ```text
//! GET /shard/<content id, 64 hex digits>/<segment>/<shard>
//! ```
//!
//! with the shard's bytes, under the same checks as the libp2p protocol (the shard must be one
//! this node holds, of approved content, within the viewer's share of the bandwidth — a viewer
//! here is an IP address). Answers carry CORS headers so a page from any origin can read them,
//! and honour single byte ranges. With a certificate the endpoint speaks HTTPS, which a page
//! served over https needs. The endpoint is registered on chain beside the libp2p addresses as
//! a multiaddr ending in `/http` or `/https`.
//!
//! Written on hyper directly (already in the build for the metrics endpoint) rather than a web
//! framework: one route, and the framework would be the largest part of it.

use crate::protocol::Refusal;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{body::Incoming, header, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use pop_primitives::content::ContentId;
use std::{
	collections::HashMap,
	net::{IpAddr, SocketAddr},
	path::{Path, PathBuf},
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::{net::TcpListener, sync::Semaphore};

/// Connections served at once; more wait in the kernel's backlog.
const CONNECTIONS: usize = 1024;
/// Connections one viewer ([`viewer_key`]) may hold at once; more are closed at once.
const CONNECTIONS_PER_VIEWER: usize = 32;
/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one connection may last, whatever it does: a client that reads a response slowly
/// holds its slot no longer than this.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(120);

/// Who a viewer is, for its share of connections and bandwidth: its IPv4 address, or the /64 an
/// IPv6 address is in (one host commonly has the whole /64). IPv4 clients of a dual-stack
/// listener (`::ffff:a.b.c.d`) count as their IPv4 address.
pub fn viewer_key(ip: IpAddr) -> IpAddr {
	match ip.to_canonical() {
		IpAddr::V6(v6) => {
			let bits = u128::from(v6) & !((1u128 << 64) - 1);
			IpAddr::V6(bits.into())
		}
		v4 => v4,
	}
}

/// Where a shard comes from: the masternode's store, behind its checks.
pub trait ShardSource: Send + Sync + 'static {
	/// Shard `shard` of segment `segment` of `content`, for a viewer at `client`.
	fn shard(
		&self,
		client: IpAddr,
		content: ContentId,
		segment: u32,
		shard: u8,
	) -> Result<Vec<u8>, Refusal>;
	/// A request was answered with `outcome` (`ok` or the refusal) in `took`, sending `bytes`.
	fn observe(&self, _outcome: &str, _took: Duration, _bytes: usize) {}
}

/// The HTTP endpoint's settings.
#[derive(Clone, Debug)]
pub struct HttpConfig {
	/// Where to listen.
	pub listen: SocketAddr,
	/// A PEM certificate chain and its PEM private key: HTTPS when given.
	pub tls: Option<(PathBuf, PathBuf)>,
}

/// A bound endpoint, not serving yet.
pub struct HttpServer {
	listener: TcpListener,
	tls: Option<tokio_rustls::TlsAcceptor>,
	/// The address it listens on (the port filled in when 0 was asked for).
	pub local_addr: SocketAddr,
}

impl HttpServer {
	/// Binds `config.listen` and loads the certificate, if any.
	pub async fn bind(config: &HttpConfig) -> Result<Self, String> {
		let tls = match &config.tls {
			Some((cert, key)) => Some(acceptor(cert, key)?),
			None => None,
		};
		let listener = TcpListener::bind(config.listen)
			.await
			.map_err(|e| format!("cannot listen for HTTP on {}: {e}", config.listen))?;
		let local_addr = listener.local_addr().map_err(|e| e.to_string())?;
		Ok(Self { listener, tls, local_addr })
	}

	/// Whether it speaks HTTPS.
	pub fn is_tls(&self) -> bool {
		self.tls.is_some()
	}

	/// Serves until the process ends, taking a permit of `workers` (the viewers' pool of the
	/// libp2p protocol) for each shard read.
	pub async fn serve(self, source: Arc<dyn ShardSource>, workers: Arc<Semaphore>) {
		let connections = Arc::new(Semaphore::new(CONNECTIONS));
		let per_viewer: Arc<std::sync::Mutex<HashMap<IpAddr, usize>>> = Arc::default();
		loop {
			let permit = connections.clone().acquire_owned().await.expect("never closed");
			let (stream, peer) = match self.listener.accept().await {
				Ok(accepted) => accepted,
				Err(e) => {
					tracing::debug!(target: "http", "accept failed: {e}");
					tokio::time::sleep(Duration::from_millis(50)).await;
					continue;
				}
			};
			let viewer = viewer_key(peer.ip());
			{
				let mut open = per_viewer.lock().expect("not poisoned");
				let n = open.entry(viewer).or_default();
				if *n >= CONNECTIONS_PER_VIEWER {
					tracing::debug!(target: "http", "closing a connection from {peer}: {CONNECTIONS_PER_VIEWER} open already");
					continue;
				}
				*n += 1;
			}
			let _ = stream.set_nodelay(true);
			let (source, workers, tls) = (source.clone(), workers.clone(), self.tls.clone());
			let per_viewer = per_viewer.clone();
			tokio::spawn(async move {
				let _permit = permit;
				serve_one(stream, peer, source, workers, tls).await;
				let mut open = per_viewer.lock().expect("not poisoned");
				if let Some(n) = open.get_mut(&viewer) {
					*n -= 1;
					if *n == 0 {
						open.remove(&viewer);
					}
				}
			});
		}
	}
}

/// Serves one connection, for at most [`CONNECTION_LIFETIME`].
async fn serve_one(
	stream: tokio::net::TcpStream,
	peer: SocketAddr,
	source: Arc<dyn ShardSource>,
	workers: Arc<Semaphore>,
	tls: Option<tokio_rustls::TlsAcceptor>,
) {
	let serve = async move {
		let service = hyper::service::service_fn(move |request| {
			let (source, workers) = (source.clone(), workers.clone());
			async move {
				Ok::<_, std::convert::Infallible>(handle(request, peer.ip(), source, workers).await)
			}
		});
		let mut http = hyper::server::conn::http1::Builder::new();
		http.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
		let served = match tls {
			None => http.serve_connection(TokioIo::new(stream), service).await,
			Some(tls) => match tokio::time::timeout(HEADER_TIMEOUT, tls.accept(stream)).await {
				Ok(Ok(stream)) => http.serve_connection(TokioIo::new(stream), service).await,
				Ok(Err(e)) => {
					tracing::debug!(target: "http", "TLS handshake with {peer} failed: {e}");
					return;
				}
				Err(_) => return,
			},
		};
		if let Err(e) = served {
			tracing::debug!(target: "http", "connection from {peer}: {e}");
		}
	};
	if tokio::time::timeout(CONNECTION_LIFETIME, serve).await.is_err() {
		tracing::debug!(target: "http", "closing the connection from {peer}: open for {} s", CONNECTION_LIFETIME.as_secs());
	}
}

/// A TLS acceptor for the PEM certificate chain `cert` and private key `key`.
fn acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor, String> {
	let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
	let certs = rustls_pemfile::certs(&mut read(cert)?.as_slice())
		.collect::<Result<Vec<_>, _>>()
		.map_err(|e| format!("{}: not a PEM certificate: {e}", cert.display()))?;
	if certs.is_empty() {
		return Err(format!("{}: no certificate in it", cert.display()));
	}
	let key_der = rustls_pemfile::private_key(&mut read(key)?.as_slice())
		.map_err(|e| format!("{}: not a PEM private key: {e}", key.display()))?
		.ok_or_else(|| format!("{}: no private key in it", key.display()))?;
	let config = rustls::ServerConfig::builder_with_provider(Arc::new(
		rustls::crypto::ring::default_provider(),
	))
	.with_safe_default_protocol_versions()
	.map_err(|e| e.to_string())?
	.with_no_client_auth()
	.with_single_cert(certs, key_der)
	.map_err(|e| format!("{} and {}: {e}", cert.display(), key.display()))?;
	Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
struct ShardPath {
	content: ContentId,
	segment: u32,
	shard: u8,
}

/// Parses `/shard/<id>/<segment>/<shard>`.
fn parse_path(path: &str) -> Result<ShardPath, String> {
	let rest =
		path.strip_prefix("/shard/").ok_or("the path is /shard/<content>/<segment>/<shard>")?;
	let parts: Vec<&str> = rest.split('/').collect();
	let [id, segment, shard] = parts[..] else {
		return Err("the path is /shard/<content>/<segment>/<shard>".into());
	};
	let id = id.strip_prefix("0x").unwrap_or(id);
	let content: ContentId = hex::decode(id)
		.ok()
		.and_then(|b| b.try_into().ok())
		.ok_or("the content id is 64 hexadecimal digits")?;
	let segment = segment.parse().map_err(|_| "the segment is a number")?;
	let shard = shard.parse().map_err(|_| "the shard is a number below 256")?;
	Ok(ShardPath { content, segment, shard })
}

/// The bytes `range` (a `Range` header's value) asks of a body of `len` bytes: `Ok(None)` for
/// the whole body (no header, one this endpoint does not serve by parts — several ranges — or a
/// malformed one, which RFC 9110 says to ignore), `Err(())` when it starts past the end.
fn parse_range(range: Option<&str>, len: usize) -> Result<Option<(usize, usize)>, ()> {
	let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else {
		return Ok(None);
	};
	if spec.contains(',') {
		return Ok(None);
	}
	let Some((start, end)) = spec.split_once('-') else { return Ok(None) };
	let (start, end) = (start.trim(), end.trim());
	let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
	// Numbers too large for usize are past any end: saturate.
	let number = |t: &str| t.parse::<usize>().unwrap_or(usize::MAX);
	let (first, last) = if start.is_empty() {
		if !digits(end) {
			return Ok(None);
		}
		let suffix = number(end);
		if suffix == 0 || len == 0 {
			return Err(());
		}
		(len.saturating_sub(suffix), len - 1)
	} else {
		if !digits(start) || !(end.is_empty() || digits(end)) {
			return Ok(None);
		}
		let first = number(start);
		let last = if end.is_empty() { usize::MAX } else { number(end) };
		if last < first {
			return Ok(None);
		}
		if first >= len {
			return Err(());
		}
		(first, last.min(len - 1))
	};
	Ok(Some((first, last)))
}

fn status_of(refusal: Refusal) -> StatusCode {
	match refusal {
		Refusal::UnknownContent | Refusal::NoSuchShard | Refusal::NotHeld => StatusCode::NOT_FOUND,
		Refusal::NotPublished => StatusCode::FORBIDDEN,
		Refusal::OverShare => StatusCode::TOO_MANY_REQUESTS,
		Refusal::Busy | Refusal::ChainUnavailable | Refusal::NotServing => {
			StatusCode::SERVICE_UNAVAILABLE
		}
		Refusal::NotAssigned | Refusal::ShardMismatch | Refusal::Full | Refusal::StorageFailure => {
			StatusCode::INTERNAL_SERVER_ERROR
		}
	}
}

fn respond(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
	let mut response = Response::new(Full::new(body.into()));
	*response.status_mut() = status;
	let headers = response.headers_mut();
	headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
	headers.insert(
		header::ACCESS_CONTROL_EXPOSE_HEADERS,
		header::HeaderValue::from_static("content-length, content-range, x-pop-refusal"),
	);
	response
}

fn refused(status: StatusCode, why: &str) -> Response<Full<Bytes>> {
	let mut response = respond(status, format!("{why}\n"));
	if let Ok(v) = header::HeaderValue::from_str(why) {
		response.headers_mut().insert("x-pop-refusal", v);
	}
	response.headers_mut().insert(
		header::CONTENT_TYPE,
		header::HeaderValue::from_static("text/plain; charset=utf-8"),
	);
	if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
		response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
	}
	response
}

async fn handle(
	request: Request<Incoming>,
	client: IpAddr,
	source: Arc<dyn ShardSource>,
	workers: Arc<Semaphore>,
) -> Response<Full<Bytes>> {
	let started = Instant::now();
	match *request.method() {
		Method::OPTIONS => {
			let mut r = respond(StatusCode::NO_CONTENT, Bytes::new());
			let h = r.headers_mut();
			h.insert(
				header::ACCESS_CONTROL_ALLOW_METHODS,
				header::HeaderValue::from_static("GET, HEAD, OPTIONS"),
			);
			h.insert(
				header::ACCESS_CONTROL_ALLOW_HEADERS,
				header::HeaderValue::from_static("range"),
			);
			h.insert(header::ACCESS_CONTROL_MAX_AGE, header::HeaderValue::from_static("86400"));
			return r;
		}
		Method::GET | Method::HEAD => {}
		_ => return refused(StatusCode::METHOD_NOT_ALLOWED, "only GET, HEAD and OPTIONS"),
	}
	let head = request.method() == Method::HEAD;
	let what = match parse_path(request.uri().path()) {
		Ok(what) => what,
		Err(why) => return refused(StatusCode::NOT_FOUND, &why),
	};
	let Ok(permit) = workers.try_acquire_owned() else {
		source.observe("Busy", started.elapsed(), 0);
		return refused(StatusCode::SERVICE_UNAVAILABLE, &Refusal::Busy.to_string());
	};
	let src = source.clone();
	let read = tokio::task::spawn_blocking(move || {
		let _permit = permit;
		src.shard(client, what.content, what.segment, what.shard)
	})
	.await
	.unwrap_or(Err(Refusal::Busy));
	let data = match read {
		Ok(data) => data,
		Err(refusal) => {
			source.observe(&format!("{refusal:?}"), started.elapsed(), 0);
			return refused(status_of(refusal), &refusal.to_string());
		}
	};
	let len = data.len();
	let range = request.headers().get(header::RANGE).and_then(|v| v.to_str().ok());
	let mut response = match parse_range(range, len) {
		Ok(None) => respond(StatusCode::OK, if head { Bytes::new() } else { Bytes::from(data) }),
		Ok(Some((first, last))) => {
			let part = Bytes::from(data).slice(first..=last);
			let mut r =
				respond(StatusCode::PARTIAL_CONTENT, if head { Bytes::new() } else { part });
			if let Ok(v) = header::HeaderValue::from_str(&format!("bytes {first}-{last}/{len}")) {
				r.headers_mut().insert(header::CONTENT_RANGE, v);
			}
			r
		}
		Err(()) => {
			let mut r =
				refused(StatusCode::RANGE_NOT_SATISFIABLE, "the range is outside the shard");
			if let Ok(v) = header::HeaderValue::from_str(&format!("bytes */{len}")) {
				r.headers_mut().insert(header::CONTENT_RANGE, v);
			}
			return r;
		}
	};
	let sent = match response.headers().get(header::CONTENT_RANGE) {
		Some(_) => parse_range(range, len).ok().flatten().map_or(len, |(a, b)| b - a + 1),
		None => len,
	};
	let headers = response.headers_mut();
	// Said also for HEAD, whose empty body would otherwise carry no length.
	headers.insert(header::CONTENT_LENGTH, header::HeaderValue::from(sent));
	headers
		.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/octet-stream"));
	headers.insert(header::ACCEPT_RANGES, header::HeaderValue::from_static("bytes"));
	// Approval can be withdrawn (an appeal lost): caches keep a shard for a minute at most.
	headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, max-age=60"));
	source.observe("ok", started.elapsed(), if head { 0 } else { sent });
	response
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_viewer_is_an_ipv4_address_or_an_ipv6_64() {
		let ip = |s: &str| s.parse::<IpAddr>().unwrap();
		assert_eq!(viewer_key(ip("10.1.2.3")), ip("10.1.2.3"));
		assert_eq!(viewer_key(ip("::ffff:10.1.2.3")), ip("10.1.2.3"));
		assert_eq!(viewer_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
		assert_eq!(viewer_key(ip("2001:db8:1:2:ffff::9")), viewer_key(ip("2001:db8:1:2::1")));
		assert_ne!(viewer_key(ip("2001:db8:1:3::1")), viewer_key(ip("2001:db8:1:2::1")));
	}

	#[test]
	fn paths_name_a_content_a_segment_and_a_shard() {
		let id = "ab".repeat(32);
		assert_eq!(
			parse_path(&format!("/shard/0x{id}/3/5")),
			Ok(ShardPath { content: [0xab; 32], segment: 3, shard: 5 })
		);
		assert_eq!(parse_path(&format!("/shard/{id}/0/0")).unwrap().segment, 0);
		for bad in [
			"/",
			"/shard/",
			"/shard/abc/1/2",
			&format!("/shard/{id}/x/1"),
			&format!("/shard/{id}/1/256"),
			&format!("/shard/{id}/1/2/3"),
			&format!("/../shard/{id}/1/2"),
		] {
			assert!(parse_path(bad).is_err(), "{bad}");
		}
	}

	#[test]
	fn single_byte_ranges_are_served_and_others_refused_or_ignored() {
		assert_eq!(parse_range(None, 10), Ok(None));
		assert_eq!(parse_range(Some("bytes=0-3"), 10), Ok(Some((0, 3))));
		assert_eq!(parse_range(Some("bytes=4-"), 10), Ok(Some((4, 9))));
		assert_eq!(parse_range(Some("bytes=-3"), 10), Ok(Some((7, 9))));
		assert_eq!(parse_range(Some("bytes=-30"), 10), Ok(Some((0, 9))));
		assert_eq!(parse_range(Some("bytes=5-100"), 10), Ok(Some((5, 9))));
		assert_eq!(parse_range(Some("bytes=0-1,4-5"), 10), Ok(None));
		assert_eq!(parse_range(Some("items=0-1"), 10), Ok(None));
		assert_eq!(parse_range(Some("bytes=0-99999999999999999999999"), 10), Ok(Some((0, 9))));
		for past in ["bytes=10-", "bytes=99999999999999999999999-", "bytes=-0"] {
			assert_eq!(parse_range(Some(past), 10), Err(()), "{past}");
		}
		assert_eq!(parse_range(Some("bytes=0-"), 0), Err(()));
		for malformed in ["bytes=5-2", "bytes=a-b", "bytes=5", "bytes=-", "bytes=1-x", "bytes=+1-2"]
		{
			assert_eq!(parse_range(Some(malformed), 10), Ok(None), "{malformed}");
		}
	}

	/// A fake store: content `[1; 32]` is published, anything else is not.
	struct Fake;

	impl ShardSource for Fake {
		fn shard(
			&self,
			_client: IpAddr,
			content: ContentId,
			segment: u32,
			shard: u8,
		) -> Result<Vec<u8>, Refusal> {
			if content == [1; 32] {
				Ok((0..1000u32).map(|i| (i as u8) ^ (segment as u8) ^ shard).collect())
			} else {
				Err(Refusal::NotPublished)
			}
		}
	}

	/// Sends one raw HTTP/1.1 request over `io` and returns the response's head (lower-cased)
	/// and body.
	async fn exchange<IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
		mut io: IO,
		request: &str,
	) -> (String, Vec<u8>) {
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		io.write_all(request.as_bytes()).await.unwrap();
		let mut out = Vec::new();
		let _ = io.read_to_end(&mut out).await;
		let split = out.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
		(String::from_utf8_lossy(&out[..split]).to_lowercase(), out[split + 4..].to_vec())
	}

	#[tokio::test]
	async fn https_serves_shards_by_range_with_cors_and_refuses_by_reason() {
		let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
		let dir = tempfile::tempdir().unwrap();
		let (cert_pem, key_pem) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
		std::fs::write(&cert_pem, cert.serialize_pem().unwrap()).unwrap();
		std::fs::write(&key_pem, cert.serialize_private_key_pem()).unwrap();
		let config = HttpConfig {
			listen: "127.0.0.1:0".parse().unwrap(),
			tls: Some((cert_pem.clone(), key_pem)),
		};
		let server = HttpServer::bind(&config).await.unwrap();
		assert!(server.is_tls());
		let addr = server.local_addr;
		tokio::spawn(server.serve(Arc::new(Fake), Arc::new(Semaphore::new(4))));

		let mut roots = rustls::RootCertStore::empty();
		roots.add(cert.serialize_der().unwrap().into()).unwrap();
		let client = rustls::ClientConfig::builder_with_provider(Arc::new(
			rustls::crypto::ring::default_provider(),
		))
		.with_safe_default_protocol_versions()
		.unwrap()
		.with_root_certificates(roots)
		.with_no_client_auth();
		let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
		let connect = || async {
			let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
			let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
			connector.connect(name, tcp).await.unwrap()
		};
		let id = format!("0x{}", "01".repeat(32));
		let ask = |path: &str, extra: &str| {
			format!("GET {path} HTTP/1.1\r\nhost: localhost\r\n{extra}connection: close\r\n\r\n")
		};

		let (head, body) = exchange(
			connect().await,
			&ask(&format!("/shard/{id}/2/3"), "origin: https://a.example\r\n"),
		)
		.await;
		assert!(head.starts_with("http/1.1 200"), "{head}");
		assert!(head.contains("access-control-allow-origin: *"), "{head}");
		assert!(head.contains("content-length: 1000"), "{head}");
		assert_eq!(body, Fake.shard(client_ip(), [1; 32], 2, 3).unwrap());

		let (head, body) =
			exchange(connect().await, &ask(&format!("/shard/{id}/2/3"), "range: bytes=10-19\r\n"))
				.await;
		assert!(head.starts_with("http/1.1 206"), "{head}");
		assert!(head.contains("content-range: bytes 10-19/1000"), "{head}");
		assert_eq!(body, Fake.shard(client_ip(), [1; 32], 2, 3).unwrap()[10..20]);

		let other = format!("0x{}", "02".repeat(32));
		let (head, body) =
			exchange(connect().await, &ask(&format!("/shard/{other}/0/0"), "")).await;
		assert!(head.starts_with("http/1.1 403"), "{head}");
		assert!(head.contains("x-pop-refusal: the content is not published"), "{head}");
		assert_eq!(body, b"the content is not published\n");

		let (head, _) = exchange(connect().await, &ask("/etc/passwd", "")).await;
		assert!(head.starts_with("http/1.1 404"), "{head}");

		// Plain HTTP on the HTTPS port gets no HTTP answer.
		let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
		use tokio::io::{AsyncReadExt, AsyncWriteExt};
		let mut tcp = tcp;
		tcp.write_all(ask("/", "").as_bytes()).await.unwrap();
		let mut out = Vec::new();
		let _ = tcp.read_to_end(&mut out).await;
		assert!(!out.starts_with(b"HTTP/1.1"), "a plain request is not answered in plain");
	}

	fn client_ip() -> IpAddr {
		IpAddr::from([127, 0, 0, 1])
	}
}
