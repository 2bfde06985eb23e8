//! Frames sampled from video, for the image classifier.
//!
//! Decoding is FFmpeg's (`ffmpeg` and `ffprobe`, installed by `scripts/setup`): every codec and
//! container creators upload, maintained by the people who know them best — a Rust decoder for
//! H.264, HEVC, VP9 and AV1 in MP4, WebM and Matroska does not exist in one crate. It runs as a
//! child process with a time limit, on a private copy of the media, writing PNG frames the
//! classifier then decodes with the same bounded decoder as images.
//!
//! Sampling: [`MAX_FRAMES`] frames spread evenly over the whole duration (one every
//! [`MIN_INTERVAL_SECS`] seconds at most), so a long video is covered end to end.

use image::DynamicImage;
use std::{
	path::Path,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

/// The most frames sampled from one video.
pub const MAX_FRAMES: usize = 16;
/// Frames are at least this many seconds apart.
pub const MIN_INTERVAL_SECS: f64 = 1.0;
/// How long FFmpeg may take over one video.
const DECODE_LIMIT: Duration = Duration::from_secs(120);

/// Names the sampling, for reasons and logs.
pub const SAMPLING: &str = "up to 16 frames spread evenly over the video, at least 1 s apart";

/// One sampled frame and where it is in the video.
pub struct Frame {
	/// Seconds from the start.
	pub at: f64,
	/// The picture.
	pub image: DynamicImage,
}

/// Whether FFmpeg is installed where the sidecar can run it.
pub fn available() -> bool {
	Command::new("ffprobe")
		.arg("-version")
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.status()
		.is_ok_and(|s| s.success())
}

/// Runs `cmd` to completion within `limit`, returning its stdout; its stderr is the error.
fn run(mut cmd: Command, limit: Duration) -> Result<Vec<u8>, String> {
	let program = cmd.get_program().to_string_lossy().into_owned();
	let mut child = cmd
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.map_err(|e| format!("cannot run {program}: {e}"))?;
	let start = Instant::now();
	loop {
		match child.try_wait().map_err(|e| e.to_string())? {
			Some(_) => break,
			None if start.elapsed() > limit => {
				let _ = child.kill();
				let _ = child.wait();
				return Err(format!("{program} took longer than {} s", limit.as_secs()));
			}
			None => std::thread::sleep(Duration::from_millis(20)),
		}
	}
	let out = child.wait_with_output().map_err(|e| e.to_string())?;
	if !out.status.success() {
		let err = String::from_utf8_lossy(&out.stderr);
		let first = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message");
		return Err(format!("{program}: {first}"));
	}
	Ok(out.stdout)
}

/// The video's duration in seconds.
fn duration(path: &Path) -> Result<f64, String> {
	let mut cmd = Command::new("ffprobe");
	cmd.args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"]).arg(path);
	let out = run(cmd, DECODE_LIMIT)?;
	let text = String::from_utf8_lossy(&out);
	text.trim()
		.parse::<f64>()
		.ok()
		.filter(|d| d.is_finite() && *d > 0.0)
		.ok_or_else(|| format!("no duration in the container ({:?})", text.trim()))
}

/// Samples frames of `media` (any container and codec FFmpeg reads).
pub fn sample(media: &[u8]) -> Result<Vec<Frame>, String> {
	let dir = tempfile::Builder::new()
		.prefix("pop-frames-")
		.tempdir()
		.map_err(|e| format!("no room for frames: {e}"))?;
	let input = dir.path().join("media");
	std::fs::write(&input, media).map_err(|e| format!("no room for the video: {e}"))?;
	let seconds = duration(&input)?;
	let interval = (seconds / MAX_FRAMES as f64).max(MIN_INTERVAL_SECS);
	let mut cmd = Command::new("ffmpeg");
	cmd.args(["-v", "error", "-nostdin", "-i"])
		.arg(&input)
		.args(["-vf", &format!("fps=1/{interval},scale='min(1024,iw)':-2")])
		.args(["-frames:v", &MAX_FRAMES.to_string(), "-f", "image2"])
		.arg(dir.path().join("frame-%03d.png"));
	run(cmd, DECODE_LIMIT)?;
	let mut frames = Vec::new();
	for i in 1..=MAX_FRAMES {
		let path = dir.path().join(format!("frame-{i:03}.png"));
		let Ok(bytes) = std::fs::read(&path) else { break };
		let image = crate::preprocess::decode(&bytes)?;
		frames.push(Frame { at: (i - 1) as f64 * interval, image });
	}
	if frames.is_empty() {
		return Err("no frame could be decoded".into());
	}
	Ok(frames)
}
