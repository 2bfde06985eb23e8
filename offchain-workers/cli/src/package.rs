//! Packaging at upload: audio and video become CMAF (fragmented MP4), so that a player starts
//! from the init segment plus any one media segment instead of waiting for the whole file.
//!
//! FFmpeg does the work (`ffprobe` to look, `ffmpeg`'s HLS muxer in fMP4 mode to cut): it reads
//! every container and codec creators have, and its muxer already writes an init segment and
//! fragments cut on keyframes with each fragment's duration in the playlist. Writing a remuxer
//! of our own would mean a demuxer for MP4, WebM, MP3 and the rest.
//!
//! What is kept and what is re-encoded, so that every browser plays the package:
//! - H.264 video in 8-bit 4:2:0 is copied; any other video is transcoded to H.264 with a
//!   keyframe every [`SEGMENT_SECONDS`] seconds;
//! - a still picture (a cover image: one frame, or an attached picture) becomes a video track
//!   of one frame a second for the whole duration, so viewers see it and moderation scores it;
//! - AAC audio is copied; any other audio is transcoded to AAC.
//!
//! Copied video whose keyframes are too far apart for short segments, that is rotated (phones
//! record portrait video as landscape with a rotation the fMP4 muxer drops), or that ends
//! before its audio, is transcoded instead.
//! The muxer's output carries no time stamps or muxer version, so packaging the same file again
//! with the same FFmpeg gives the same content id, and an interrupted upload resumes.

use std::{
	io::{BufRead, BufReader},
	path::{Path, PathBuf},
	process::{Command, Stdio},
};

/// The target length of a media segment, in seconds.
pub const SEGMENT_SECONDS: u32 = 4;
/// Duration units a second in the manifest ([`pop_chain_client::types::Packaging::Cmaf`]).
pub const TIMESCALE: u32 = 1000;
/// A copied video whose segments come out longer than this (keyframes far apart) is transcoded.
const LONGEST_COPIED_SEGMENT_MS: u32 = 3 * SEGMENT_SECONDS * TIMESCALE;
/// Fragments a package aims to stay under (below the manifest's 16,384 segments): very long
/// media gets longer fragments.
const MOST_FRAGMENTS: f64 = 16_000.0;
/// Containers packaged; anything else (pictures, documents) keeps byte segments.
const MEDIA_CONTAINERS: &[&str] = &[
	"mov", "mp4", "m4a", "matroska", "webm", "mp3", "ogg", "flac", "wav", "aac", "avi", "flv",
	"mpegts", "mpeg", "asf",
];

/// How to cut a file into segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
	/// CMAF for audio and video, byte ranges for anything else.
	Auto,
	/// CMAF, or an error when the file is not audio or video.
	Cmaf,
	/// Byte ranges of the file as it is.
	Bytes,
}

/// One stream of the source, as `ffprobe` sees it.
#[derive(Clone, Debug, Default)]
struct Stream {
	index: u64,
	codec: String,
	profile: String,
	pix_fmt: String,
	packets: u64,
	attached_pic: bool,
	/// Degrees the picture is turned on display (phones' portrait video).
	rotation: i64,
	/// Seconds, when the container says.
	duration: Option<f64>,
}

/// What the source holds.
#[derive(Clone, Debug)]
pub struct Probe {
	/// Seconds.
	pub duration: f64,
	/// Whether the container knows its duration (an MP3 without a header only estimates it
	/// from the bit rate).
	exact: bool,
	video: Option<Stream>,
	audio: Option<Stream>,
}

/// The packaged media: the init segment and the fragments, each with its duration in
/// [`TIMESCALE`] units (the init segment's is zero).
pub struct Package {
	/// `(bytes, duration)`, the init segment first.
	pub parts: Vec<(Vec<u8>, u32)>,
	/// `video/mp4; codecs="avc1.64001f,mp4a.40.2"` or `audio/mp4; codecs="mp4a.40.2"`.
	pub media_type: String,
	/// What was re-encoded, for the user (empty when everything was copied).
	pub transcoded: Vec<&'static str>,
}

impl Package {
	/// The playing time in [`TIMESCALE`] units.
	pub fn duration(&self) -> u64 {
		self.parts.iter().map(|(_, d)| u64::from(*d)).sum()
	}
}

/// Whether `file` is packaged under `mode`: its probe when it is, `None` when it keeps byte
/// segments. Under `auto` only files that say they are audio or video (`expected`: by their
/// extension or `--media-type`) are packaged, so an archive of songs is never taken for a song;
/// one of those that FFmpeg cannot read is an error, so a corrupt or truncated upload never
/// registers.
pub fn plan(file: &Path, mode: Mode, expected: bool) -> Result<Option<Probe>, String> {
	if mode == Mode::Bytes || (mode == Mode::Auto && !expected) {
		return Ok(None);
	}
	probe(file)
		.map(Some)
		.map_err(|e| format!("{} is not audio or video FFmpeg can read: {e}", file.display()))
}

/// `file` as FFmpeg takes it: the file protocol and an absolute path, so that a name starting
/// with `-` or holding a `:` is a name.
fn input(file: &Path) -> Result<String, String> {
	let path = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
	Ok(format!("file:{}", path.display()))
}

/// Looks at `file` with `ffprobe`.
fn probe(file: &Path) -> Result<Probe, String> {
	let out = Command::new("ffprobe")
		.args(["-v", "error", "-protocol_whitelist", "file", "-count_packets"])
		.args(["-show_entries", "format=format_name,duration:stream=index,codec_type,codec_name,profile,pix_fmt,nb_read_packets,duration:stream_disposition=attached_pic:stream_side_data=rotation"])
		.args(["-of", "json"])
		.arg(input(file)?)
		.stdin(Stdio::null())
		.output()
		.map_err(|e| format!("cannot run ffprobe (scripts/setup installs FFmpeg): {e}"))?;
	if !out.status.success() {
		return Err(first_line(&out.stderr));
	}
	let json: serde_json::Value =
		serde_json::from_slice(&out.stdout).map_err(|e| format!("ffprobe's answer: {e}"))?;
	let format = json["format"]["format_name"].as_str().unwrap_or_default();
	if !format.split(',').any(|f| MEDIA_CONTAINERS.contains(&f)) {
		return Err(format!("{format:?} is not an audio or video container"));
	}
	let mut video = None;
	let mut audio = None;
	for s in json["streams"].as_array().into_iter().flatten() {
		let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
		let stream = Stream {
			index: s["index"].as_u64().unwrap_or_default(),
			codec: text("codec_name"),
			profile: text("profile"),
			pix_fmt: text("pix_fmt"),
			packets: text("nb_read_packets").parse().unwrap_or_default(),
			attached_pic: s["disposition"]["attached_pic"].as_u64() == Some(1),
			rotation: s["side_data_list"]
				.as_array()
				.into_iter()
				.flatten()
				.find_map(|d| d["rotation"].as_i64())
				.unwrap_or(0),
			duration: text("duration").parse().ok().filter(|d: &f64| d.is_finite() && *d > 0.0),
		};
		if stream.packets == 0 {
			continue;
		}
		match s["codec_type"].as_str() {
			// A moving picture wins over an attached one.
			Some("video") if video.as_ref().is_none_or(|v: &Stream| v.attached_pic) => {
				video = Some(stream)
			}
			Some("audio") if audio.is_none() => audio = Some(stream),
			_ => {}
		}
	}
	if video.is_none() && audio.is_none() {
		return Err("no audio or video stream".into());
	}
	let duration = json["format"]["duration"]
		.as_str()
		.and_then(|d| d.parse::<f64>().ok())
		.filter(|d| d.is_finite() && *d > 0.0)
		.ok_or("the container gives no duration")?;
	let exact = !format.split(',').any(|f| matches!(f, "mp3" | "aac"));
	Ok(Probe { duration, exact, video, audio })
}

/// How the video stream is handled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum VideoPlan {
	Copy,
	Transcode,
	Still,
}

/// Packages `file`, reporting progress in milliseconds of media done to `progress` (the total
/// is the probe's duration).
pub fn package(
	file: &Path,
	probe: &Probe,
	progress: &mut dyn FnMut(u64),
) -> Result<Package, String> {
	let video = probe.video.as_ref().map(|v| {
		if v.attached_pic || v.packets <= 1 {
			VideoPlan::Still
		} else if v.codec == "h264"
			&& matches!(v.pix_fmt.as_str(), "yuv420p" | "yuvj420p")
			&& matches!(v.profile.as_str(), "Baseline" | "Constrained Baseline" | "Main" | "High")
			&& v.rotation == 0
			&& !short_video(v, probe)
		{
			VideoPlan::Copy
		} else {
			VideoPlan::Transcode
		}
	});
	let first = cut(file, probe, video, progress)?;
	if video == Some(VideoPlan::Copy)
		&& first.parts.iter().any(|(_, d)| *d > LONGEST_COPIED_SEGMENT_MS)
	{
		// Keyframes too far apart: segments that long start slowly and seek coarsely.
		return cut(file, probe, Some(VideoPlan::Transcode), progress);
	}
	Ok(first)
}

/// Whether the video track ends well before the media does (a clip with a longer song under
/// it): copied, its last fragment would hold the rest of the audio alone.
fn short_video(v: &Stream, probe: &Probe) -> bool {
	v.duration.is_some_and(|d| d < probe.duration * 0.9)
}

fn cut(
	file: &Path,
	probe: &Probe,
	video: Option<VideoPlan>,
	progress: &mut dyn FnMut(u64),
) -> Result<Package, String> {
	let dir = tempfile::Builder::new()
		.prefix("pop-package-")
		.tempdir()
		.map_err(|e| format!("no room to package: {e}"))?;
	let seconds = SEGMENT_SECONDS.max((probe.duration / MOST_FRAGMENTS).ceil() as u32);
	let keyframes = format!("expr:gte(t,n_forced*{seconds})");
	let even = "scale=trunc(iw/2)*2:trunc(ih/2)*2";
	let mut cmd = Command::new("ffmpeg");
	cmd.args(["-v", "error", "-nostdin", "-y", "-protocol_whitelist", "file", "-i"])
		.arg(input(file)?);
	let mut transcoded = Vec::new();
	if let (Some(v), Some(plan)) = (&probe.video, video) {
		cmd.args(["-map", &format!("0:{}", v.index)]);
		let x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p"];
		match plan {
			VideoPlan::Copy => {
				cmd.args(["-c:v", "copy"]);
			}
			VideoPlan::Transcode if short_video(v, probe) => {
				// The last picture held until the audio ends.
				cmd.args(["-vf", &format!("{even},tpad=stop_mode=clone:stop=-1")])
					.args(x264)
					.args(["-force_key_frames", &keyframes])
					.args(["-t", &format!("{:.3}", probe.duration)]);
				transcoded.push("video to H.264");
			}
			VideoPlan::Transcode => {
				// FFmpeg turns rotated video upright as it decodes it.
				cmd.args(["-vf", even]).args(x264).args(["-force_key_frames", &keyframes]);
				transcoded.push("video to H.264");
			}
			VideoPlan::Still => {
				// The picture, repeated once a second for the whole duration.
				cmd.args(["-vf", &format!("{even},loop=loop=-1:size=1,settb=1,setpts=N")])
					.args(["-r", "1"])
					.args(x264)
					.args(["-tune", "stillimage", "-force_key_frames", &keyframes])
					.args(["-t", &format!("{:.3}", probe.duration)]);
				transcoded.push("the still picture to an H.264 track");
			}
		}
	}
	if let Some(a) = &probe.audio {
		cmd.args(["-map", &format!("0:{}", a.index)]);
		if a.codec == "aac" {
			// ADTS framing (transport streams, raw .aac) becomes MP4's on the way.
			cmd.args(["-c:a", "copy", "-bsf:a", "aac_adtstoasc"]);
		} else {
			cmd.args(["-c:a", "aac", "-b:a", "160k"]);
			transcoded.push("audio to AAC");
		}
	}
	cmd.args(["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"])
		.args(["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"])
		.args(["-progress", "pipe:1", "-nostats"])
		.args(["-f", "hls", "-hls_segment_type", "fmp4", "-hls_playlist_type", "vod"])
		.args(["-hls_time", &seconds.to_string()])
		.args(["-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename"])
		.arg(dir.path().join("segment-%05d.m4s"))
		.arg(dir.path().join("media.m3u8"))
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped());
	let mut child = cmd.spawn().map_err(|e| format!("cannot run ffmpeg: {e}"))?;
	let stderr = child.stderr.take().expect("piped");
	let errors = std::thread::spawn(move || {
		let mut text = Vec::new();
		let _ = std::io::Read::read_to_end(&mut BufReader::new(stderr), &mut text);
		text
	});
	for line in BufReader::new(child.stdout.take().expect("piped")).lines() {
		let Ok(line) = line else { break };
		if let Some(us) = line.strip_prefix("out_time_us=").and_then(|v| v.parse::<u64>().ok()) {
			progress(us / 1000);
		}
	}
	let status = child.wait().map_err(|e| format!("ffmpeg: {e}"))?;
	let errors = errors.join().unwrap_or_default();
	if !status.success() {
		return Err(format!("ffmpeg could not package it: {}", first_line(&errors)));
	}
	let parts = read_playlist(dir.path())?;
	let media = parts.iter().skip(1).map(|(_, d)| u64::from(*d)).sum::<u64>();
	// A truncated file may still declare its whole duration: what came out must cover it.
	let declared = (probe.duration * f64::from(TIMESCALE)) as u64;
	if probe.exact && media * 10 < declared * 9 {
		return Err(format!(
			"the media ends after {:.1} s of the {:.1} s its container declares: it is truncated or damaged{}",
			media as f64 / f64::from(TIMESCALE),
			probe.duration,
			if errors.is_empty() { String::new() } else { format!(" ({})", first_line(&errors)) }
		));
	}
	let media_type = media_type(&parts[0].0, probe)?;
	Ok(Package { parts, media_type, transcoded })
}

/// The init segment and the fragments the muxer wrote into `dir`, in playlist order, each with
/// its duration in [`TIMESCALE`] units (at least one: a fragment always plays for some time).
fn read_playlist(dir: &Path) -> Result<Vec<(Vec<u8>, u32)>, String> {
	let read = |p: PathBuf| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
	let playlist = String::from_utf8(read(dir.join("media.m3u8"))?)
		.map_err(|_| "the playlist is not UTF-8".to_string())?;
	let mut parts = vec![(read(dir.join("init.mp4"))?, 0)];
	let mut duration = None;
	for line in playlist.lines() {
		if let Some(d) = line.strip_prefix("#EXTINF:") {
			let seconds: f64 =
				d.trim_end_matches(',').parse().map_err(|_| format!("EXTINF {d}"))?;
			duration = Some(((seconds * f64::from(TIMESCALE)).round() as u32).max(1));
		} else if !line.starts_with('#') && !line.trim().is_empty() {
			let name = Path::new(line.trim()).file_name().ok_or("a segment without a name")?;
			let d = duration.take().ok_or("a segment without a duration")?;
			parts.push((read(dir.join(name))?, d));
		}
	}
	if parts.len() < 2 {
		return Err("ffmpeg wrote no media segment".into());
	}
	Ok(parts)
}

/// The MIME type with the RFC 6381 codecs string players ask about
/// (`MediaSource.isTypeSupported`).
fn media_type(init: &[u8], probe: &Probe) -> Result<String, String> {
	let mut codecs = Vec::new();
	if probe.video.is_some() {
		// avc1.PPCCLL: profile, constraint flags and level, from the avcC box.
		let at = init
			.windows(4)
			.position(|w| w == b"avcC")
			.ok_or("the init segment has no H.264 configuration")?;
		let c = init.get(at + 5..at + 8).ok_or("a short H.264 configuration")?;
		codecs.push(format!("avc1.{:02x}{:02x}{:02x}", c[0], c[1], c[2]));
	}
	if let Some(a) = &probe.audio {
		// mp4a.40.N: the AAC audio object type (LC, unless a copied stream says otherwise).
		let object = match (a.codec.as_str(), a.profile.as_str()) {
			("aac", "HE-AAC") => 5,
			("aac", "HE-AACv2") => 29,
			("aac", "Main") => 1,
			_ => 2,
		};
		codecs.push(format!("mp4a.40.{object}"));
	}
	let kind = if probe.video.is_some() { "video" } else { "audio" };
	Ok(format!("{kind}/mp4; codecs=\"{}\"", codecs.join(",")))
}

fn first_line(text: &[u8]) -> String {
	let text = String::from_utf8_lossy(text);
	text.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn ffmpeg(args: &[&str]) {
		let out = Command::new("ffmpeg")
			.args(["-v", "error", "-y"])
			.args(args)
			.output()
			.expect("FFmpeg is installed (scripts/setup)");
		assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
	}

	/// Frames decoded from `bytes` on their own (an init segment plus one fragment).
	fn frames(bytes: &[u8]) -> u64 {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("part.mp4");
		std::fs::write(&path, bytes).unwrap();
		let out = Command::new("ffprobe")
			.args(["-v", "error", "-count_frames", "-select_streams", "0"])
			.args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
			.arg(&path)
			.output()
			.unwrap();
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
	}

	fn packaged(path: &Path) -> Package {
		let probe = plan(path, Mode::Auto, true).unwrap().expect("packaged");
		let mut last = 0;
		let package = package(path, &probe, &mut |ms| last = ms).unwrap();
		assert!(last > 0, "progress was reported");
		package
	}

	#[test]
	fn a_phone_mp4_with_its_index_at_the_end_plays_from_its_first_segment() {
		let dir = tempfile::tempdir().unwrap();
		let phone = dir.path().join("phone.mp4");
		ffmpeg(&[
			"-f",
			"lavfi",
			"-i",
			"testsrc=size=320x240:rate=25",
			"-f",
			"lavfi",
			"-i",
			"sine=frequency=440",
			"-t",
			"10",
			"-c:v",
			"libx264",
			"-pix_fmt",
			"yuv420p",
			"-g",
			"25",
			"-c:a",
			"aac",
			phone.to_str().unwrap(),
		]);
		// As a phone writes it: the media first, its index (`moov`) last.
		let source = std::fs::read(&phone).unwrap();
		assert_ne!(&source[source.len() / 2..].windows(4).position(|w| w == b"moov"), &None);
		let p = packaged(&phone);
		assert!(p.transcoded.is_empty(), "H.264 and AAC are copied: {:?}", p.transcoded);
		assert!(p.media_type.starts_with("video/mp4; codecs=\"avc1.64"), "{}", p.media_type);
		assert!(p.media_type.ends_with(",mp4a.40.2\""), "{}", p.media_type);
		assert_eq!(p.parts[0].1, 0, "the init segment has no duration");
		assert_eq!(p.parts.len(), 4, "10 s in 4 s segments");
		assert!(p.parts.iter().skip(1).all(|(_, d)| *d > 0));
		assert!((9_900..=10_100).contains(&p.duration()), "{}", p.duration());
		// The init segment and the first fragment decode alone, as do the init segment and the
		// last (a seek).
		for i in [1, 3] {
			let alone = [p.parts[0].0.as_slice(), &p.parts[i].0].concat();
			assert!(frames(&alone) >= 25, "segment {i} decodes on its own");
		}
		// The same file packages to the same bytes: an interrupted upload resumes.
		let again = packaged(&phone);
		assert!(p.parts == again.parts, "packaging is deterministic");

		// Held upright, a phone records landscape with a rotation: copied, the fMP4 muxer would
		// drop it and the video would play sideways. Transcoded, it stands upright.
		let turned = dir.path().join("portrait.mp4");
		ffmpeg(&[
			"-i",
			phone.to_str().unwrap(),
			"-c",
			"copy",
			"-metadata:s:v:0",
			"rotate=90",
			turned.to_str().unwrap(),
		]);
		let p = packaged(&turned);
		assert_eq!(p.transcoded, ["video to H.264"]);
		let alone = dir.path().join("upright.mp4");
		std::fs::write(&alone, [p.parts[0].0.as_slice(), &p.parts[1].0].concat()).unwrap();
		let out = Command::new("ffprobe")
			.args(["-v", "error", "-select_streams", "v", "-show_entries", "stream=width,height"])
			.args(["-of", "csv=p=0"])
			.arg(&alone)
			.output()
			.unwrap();
		assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "240,320", "upright");
	}

	#[test]
	fn webm_and_mp3_are_transcoded_and_a_cover_picture_stays() {
		let dir = tempfile::tempdir().unwrap();
		let webm = dir.path().join("clip.webm");
		ffmpeg(&[
			"-f",
			"lavfi",
			"-i",
			"testsrc=size=320x240:rate=25",
			"-f",
			"lavfi",
			"-i",
			"sine=frequency=440",
			"-t",
			"9",
			"-c:v",
			"libvpx",
			"-b:v",
			"300k",
			"-c:a",
			"libopus",
			webm.to_str().unwrap(),
		]);
		let p = packaged(&webm);
		assert_eq!(p.transcoded, ["video to H.264", "audio to AAC"]);
		assert!(p.media_type.starts_with("video/mp4; codecs=\"avc1."), "{}", p.media_type);
		assert!(p.parts.len() >= 3);
		assert!(frames(&[p.parts[0].0.as_slice(), &p.parts[1].0].concat()) > 0);

		let mp3 = dir.path().join("song.mp3");
		ffmpeg(&["-f", "lavfi", "-i", "sine=frequency=440", "-t", "9", mp3.to_str().unwrap()]);
		let p = packaged(&mp3);
		assert_eq!(p.media_type, "audio/mp4; codecs=\"mp4a.40.2\"");
		assert_eq!(p.transcoded, ["audio to AAC"]);
		assert!(frames(&[p.parts[0].0.as_slice(), &p.parts[1].0].concat()) > 0);

		// A song as musicians publish it: one picture and a long audio track.
		let cover = dir.path().join("cover.mp4");
		let picture = crate::tests::sample("chelsea.png");
		ffmpeg(&[
			"-i",
			picture.to_str().unwrap(),
			"-f",
			"lavfi",
			"-i",
			"sine=frequency=440",
			"-t",
			"13",
			"-map",
			"0:v",
			"-map",
			"1:a",
			"-vf",
			"scale=450:300",
			"-c:v",
			"libx264",
			"-pix_fmt",
			"yuv420p",
			"-c:a",
			"aac",
			cover.to_str().unwrap(),
		]);
		let p = packaged(&cover);
		assert!(p.media_type.starts_with("video/mp4"), "the picture is kept: {}", p.media_type);
		assert!(p.parts.len() >= 4, "cut every 4 s although the picture is one frame");
		for (i, part) in p.parts.iter().enumerate().skip(1) {
			let alone = [p.parts[0].0.as_slice(), &part.0].concat();
			assert!(frames(&alone) >= 1, "segment {i} shows the picture");
		}
	}

	#[test]
	fn corrupt_or_truncated_media_is_refused_and_other_files_keep_bytes() {
		let dir = tempfile::tempdir().unwrap();
		let phone = dir.path().join("phone.mp4");
		ffmpeg(&[
			"-f",
			"lavfi",
			"-i",
			"testsrc=size=160x120:rate=25",
			"-t",
			"6",
			"-c:v",
			"libx264",
			"-pix_fmt",
			"yuv420p",
			phone.to_str().unwrap(),
		]);
		let bytes = std::fs::read(&phone).unwrap();
		let cut = dir.path().join("cut.mp4");
		std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
		let err = plan(&cut, Mode::Auto, true).expect_err("a truncated MP4 is refused");
		assert!(err.contains("cut.mp4 is not audio or video FFmpeg can read"), "{err}");
		assert!(err.contains("moov"), "FFmpeg's reason: {err}");

		let webm = dir.path().join("clip.webm");
		ffmpeg(&[
			"-f",
			"lavfi",
			"-i",
			"testsrc=size=160x120:rate=25",
			"-t",
			"8",
			"-c:v",
			"libvpx",
			webm.to_str().unwrap(),
		]);
		let bytes = std::fs::read(&webm).unwrap();
		let cut = dir.path().join("cut.webm");
		std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
		let err = match plan(&cut, Mode::Auto, true) {
			Err(e) => e,
			Ok(probe) => package(&cut, &probe.expect("media"), &mut |_| {})
				.err()
				.expect("a truncated WebM is refused"),
		};
		assert!(err.contains("truncated") || err.contains("FFmpeg"), "{err}");

		let garbage = dir.path().join("noise.mp3");
		std::fs::write(
			&garbage,
			(0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>(),
		)
		.unwrap();
		assert!(plan(&garbage, Mode::Auto, true).is_err(), "noise named .mp3 is refused");

		// A picture keeps byte segments unless CMAF is asked for, and then it is an error.
		let picture = crate::tests::sample("chelsea.png");
		assert!(plan(&picture, Mode::Auto, false).unwrap().is_none());
		assert!(plan(&picture, Mode::Cmaf, false).is_err());
		// An archive of songs is not a song: only files that say they are media are packaged.
		let mp3 = dir.path().join("song.mp3");
		ffmpeg(&["-f", "lavfi", "-i", "sine", "-t", "3", mp3.to_str().unwrap()]);
		let tar = dir.path().join("songs.tar");
		std::fs::write(&tar, std::fs::read(&mp3).unwrap()).unwrap();
		assert!(plan(&tar, Mode::Auto, false).unwrap().is_none());
		assert!(plan(&mp3, Mode::Auto, true).unwrap().is_some());
	}
}
