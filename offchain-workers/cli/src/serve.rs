//! `pop play --serve`: packaged content as an HLS playlist on loopback, so that VLC, Safari, mpv,
//! ffplay or a page with hls.js plays it from `http://127.0.0.1:PORT/index.m3u8`. The playlist
//! lists the CMAF init segment (`EXT-X-MAP`) and each fragment with its duration; a segment is
//! fetched from the masternodes when a player asks for it (so a seek asks only what it needs),
//! and the next ones are fetched ahead while it plays.

use bytes::Bytes;
use futures::{
	future::{BoxFuture, Shared},
	FutureExt,
};
use http_body_util::Full;
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pop_primitives::content::Packaging;
use pop_swarm::client::{Client, Opened};
use std::{
	collections::BTreeMap,
	net::SocketAddr,
	sync::{Arc, Mutex},
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Segment = Shared<BoxFuture<'static, Result<Bytes, String>>>;

/// Segments fetched ahead of the one a player asked for.
const AHEAD: u32 = 2;
/// Segments kept (fetched or being fetched) at most.
const KEPT: usize = 8;

/// The HLS playlist of `opened` (packaged media only).
pub fn playlist(opened: &Opened) -> Result<String, BoxError> {
	let layout = opened.layout();
	let Packaging::Cmaf { timescale } = layout.manifest.packaging else {
		return Err(
			"this content is byte segments, not packaged media: HLS needs content uploaded as audio or video (CMAF)"
				.into(),
		);
	};
	let seconds = |d: u32| f64::from(d) / f64::from(timescale.max(1));
	let longest = layout.segments.iter().skip(1).map(|s| seconds(s.duration)).fold(0.0, f64::max);
	let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:7\n");
	out += &format!("#EXT-X-TARGETDURATION:{}\n", longest.ceil() as u64);
	out += "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n";
	out += "#EXT-X-MAP:URI=\"init.mp4\"\n";
	for (i, s) in layout.segments.iter().enumerate().skip(1) {
		out += &format!("#EXTINF:{:.3},\nseg/{i}.m4s\n", seconds(s.duration));
	}
	out += "#EXT-X-ENDLIST\n";
	Ok(out)
}

/// What the server shares between connections: the client, the content, and the segments
/// fetched or being fetched (each fetched once however many ask).
struct Server {
	client: Arc<Client>,
	opened: Arc<Opened>,
	playlist: String,
	segments: Mutex<BTreeMap<u32, Segment>>,
}

impl Server {
	fn segment(self: &Arc<Self>, index: u32) -> Segment {
		let mut kept = self.segments.lock().expect("not poisoned");
		if let Some(s) = kept.get(&index) {
			return s.clone();
		}
		let me = self.clone();
		let fetch = async move {
			me.client.segment(&me.opened, index).await.map(Bytes::from).map_err(|e| e.to_string())
		}
		.boxed()
		.shared();
		kept.insert(index, fetch.clone());
		// Keep the init segment and those nearest after the one asked for.
		while kept.len() > KEPT {
			let far = kept
				.keys()
				.copied()
				.filter(|k| *k != 0)
				.max_by_key(|k| if *k < index { u32::MAX - k } else { k - index })
				.expect("more than one segment kept");
			kept.remove(&far);
		}
		fetch
	}

	async fn answer(
		self: Arc<Self>,
		request: Request<hyper::body::Incoming>,
	) -> Response<Full<Bytes>> {
		if request.method() != Method::GET && request.method() != Method::HEAD {
			return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
		}
		let path = request.uri().path();
		let count = self.opened.layout().manifest.segments;
		let (index, kind) = match path {
			"/index.m3u8" | "/" => {
				return respond(
					StatusCode::OK,
					"application/vnd.apple.mpegurl",
					self.playlist.clone().into(),
				)
			}
			"/init.mp4" => (0, "video/mp4"),
			_ => match path
				.strip_prefix("/seg/")
				.and_then(|p| p.strip_suffix(".m4s"))
				.and_then(|n| n.parse::<u32>().ok())
			{
				Some(n) if n >= 1 && n < count => (n, "video/iso.segment"),
				_ => return plain(StatusCode::NOT_FOUND, "no such segment"),
			},
		};
		// The next ones, ahead, while this one is sent.
		for next in index.max(1) + 1..(index.max(1) + 1 + AHEAD).min(count) {
			tokio::spawn(self.segment(next).map(|_| ()));
		}
		match self.segment(index).await {
			Ok(bytes) => respond(StatusCode::OK, kind, bytes),
			Err(e) => {
				eprintln!("segment {index}: {e}");
				// Forgotten, so that the player's retry fetches it again.
				self.segments.lock().expect("not poisoned").remove(&index);
				plain(StatusCode::BAD_GATEWAY, &e)
			}
		}
	}
}

fn respond(status: StatusCode, kind: &'static str, body: Bytes) -> Response<Full<Bytes>> {
	let mut r = Response::new(Full::new(body));
	*r.status_mut() = status;
	let h = r.headers_mut();
	h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(kind));
	// hls.js on any page may read it; it is on loopback only.
	h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
	h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
	r
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
	respond(status, "text/plain; charset=utf-8", Bytes::from(format!("{text}\n")))
}

/// Serves `opened` as HLS on `127.0.0.1:port` (a free port for 0) until the process ends;
/// `ready` gets the playlist's URL once it listens.
pub async fn serve(
	client: Arc<Client>,
	opened: Opened,
	port: u16,
	ready: impl FnOnce(&str),
) -> Result<(), BoxError> {
	let playlist = playlist(&opened)?;
	let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
		.await
		.map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
	let url = format!("http://{}/index.m3u8", listener.local_addr()?);
	let server = Arc::new(Server {
		client,
		opened: Arc::new(opened),
		playlist,
		segments: Mutex::new(BTreeMap::new()),
	});
	ready(&url);
	loop {
		let (stream, _) = listener.accept().await?;
		let server = server.clone();
		tokio::spawn(async move {
			let service = hyper::service::service_fn(move |request| {
				let server = server.clone();
				async move { Ok::<_, std::convert::Infallible>(server.answer(request).await) }
			});
			let _ = hyper::server::conn::http1::Builder::new()
				.serve_connection(TokioIo::new(stream), service)
				.await;
		});
	}
}
