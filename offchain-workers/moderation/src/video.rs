//! Frames sampled from video, for the image classifier.
//!
//! Decoding is FFmpeg's (`ffmpeg` and `ffprobe`, installed by `scripts/setup`): every codec and
//! container creators upload, maintained by the people who know them best — a Rust decoder for
//! H.264, HEVC, VP9 and AV1 in MP4, WebM and Matroska does not exist in one crate. It runs as a
//! child process with a time limit, on a private copy of the media, writing PNG frames the
//! classifier then decodes with the same bounded decoder as images.
//!
//! FFmpeg parses untrusted media, so it runs boxed in ([`sandboxed`]): an empty environment
//! (the sidecar's `POP_SURI` and `POP_MODERATION_SURI` never reach it) but `PATH`; the `file`
//! protocol alone, so no input can make it open a network address or a pipe; media
//! containers alone, so no playlist or concat script can make it read other files; limits on
//! address space, CPU time and the size of any file it writes; and a wall-clock limit. Any
//! failure is the media's: the caller rejects it with FFmpeg's reason.
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
/// FFmpeg's address space (decoding 4K video in two threads needs well under this).
const MEMORY_LIMIT: u64 = 3 << 30;
/// The largest file FFmpeg may write (one sampled frame, at most 1024 pixels wide).
const OUTPUT_LIMIT: u64 = 64 << 20;
/// The protocols FFmpeg may open: the private copy of the media, nothing else.
const PROTOCOLS: &str = "file";
/// The containers FFmpeg may read: media files, not playlists (HLS, DASH) or scripts (concat)
/// that name other files.
const FORMATS: &str = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,mpeg,ogg,gif,image2";

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

/// `program` (`ffmpeg`, `ffprobe`) in its box: an empty environment but `PATH`, and limits on
/// its address space, CPU time and written file size. The input options that restrict
/// protocols and containers are [`input_options`].
fn sandboxed(program: &str) -> Command {
	use std::os::unix::process::CommandExt;
	let mut cmd = Command::new(program);
	cmd.env_clear();
	if let Some(path) = std::env::var_os("PATH") {
		cmd.env("PATH", path);
	}
	let limit = |resource, value: u64| {
		let l = libc::rlimit { rlim_cur: value as libc::rlim_t, rlim_max: value as libc::rlim_t };
		// SAFETY: setrlimit is async-signal-safe, as code between fork and exec must be.
		if unsafe { libc::setrlimit(resource, &l) } != 0 {
			return Err(std::io::Error::last_os_error());
		}
		Ok(())
	};
	// SAFETY: the closure only calls setrlimit (see above); it allocates nothing.
	unsafe {
		cmd.pre_exec(move || {
			limit(libc::RLIMIT_AS, MEMORY_LIMIT)?;
			limit(libc::RLIMIT_CPU, DECODE_LIMIT.as_secs())?;
			limit(libc::RLIMIT_FSIZE, OUTPUT_LIMIT)?;
			Ok(())
		});
	}
	cmd
}

/// The input options every FFmpeg run takes: the file protocol and media containers only.
fn input_options() -> [&'static str; 4] {
	["-protocol_whitelist", PROTOCOLS, "-format_whitelist", FORMATS]
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
	let mut cmd = sandboxed("ffprobe");
	cmd.args(["-v", "error"])
		.args(input_options())
		.args(["-show_entries", "format=duration", "-of", "csv=p=0"])
		.arg(path);
	let out = run(cmd, DECODE_LIMIT)?;
	let text = String::from_utf8_lossy(&out);
	text.trim()
		.parse::<f64>()
		.ok()
		.filter(|d| d.is_finite() && *d > 0.0)
		.ok_or_else(|| format!("no duration in the container ({:?})", text.trim()))
}

/// How many video tracks `path` has.
fn video_tracks(path: &Path) -> Result<usize, String> {
	let mut cmd = sandboxed("ffprobe");
	cmd.args(["-v", "error"])
		.args(input_options())
		.args(["-select_streams", "v", "-show_entries", "stream=index", "-of", "csv=p=0"])
		.arg(path);
	let out = run(cmd, DECODE_LIMIT)?;
	Ok(String::from_utf8_lossy(&out).lines().filter(|l| !l.trim().is_empty()).count())
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
	if video_tracks(&input)? > 1 {
		// Which track plays is the player's choice: reviewers cannot know they score it.
		return Err("more than one video track".into());
	}
	let interval = (seconds / MAX_FRAMES as f64).max(MIN_INTERVAL_SECS);
	let sampled = frames(&input, dir.path(), Some(interval))?;
	if !sampled.is_empty() {
		return Ok(sampled);
	}
	// A video of one picture (a song's cover art: one frame, then only audio), or shorter than
	// the sampling interval, gives the rate filter nothing to sample: its first frames, up to
	// the most sampled, are the whole video.
	let first = frames(&input, dir.path(), None)?;
	if first.is_empty() {
		return Err("no frame could be decoded".into());
	}
	Ok(first)
}

/// Frames of `input` written into `dir` and read back: one every `interval` seconds, or, with
/// none, the first frame alone.
fn frames(input: &Path, dir: &Path, interval: Option<f64>) -> Result<Vec<Frame>, String> {
	let (filter, count) = match interval {
		Some(i) => (format!("fps=1/{i},scale='min(1024,iw)':-2"), MAX_FRAMES),
		None => ("scale='min(1024,iw)':-2".to_string(), MAX_FRAMES),
	};
	let mut cmd = sandboxed("ffmpeg");
	cmd.args(["-v", "error", "-nostdin", "-threads", "2"])
		.args(input_options())
		.arg("-i")
		.arg(input)
		.args(["-vf", &filter])
		.args(["-frames:v", &count.to_string(), "-f", "image2", "-y"])
		.arg(dir.join("frame-%03d.png"));
	run(cmd, DECODE_LIMIT)?;
	let mut frames = Vec::new();
	for i in 1..=count {
		let path = dir.join(format!("frame-{i:03}.png"));
		let Ok(bytes) = std::fs::read(&path) else { break };
		let image = crate::preprocess::decode(&bytes)?;
		frames.push(Frame { at: (i - 1) as f64 * interval.unwrap_or(0.0), image });
	}
	Ok(frames)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn output(mut cmd: Command) -> String {
		let out = cmd.output().expect("the command runs");
		String::from_utf8_lossy(&out.stdout).into_owned()
	}

	#[test]
	fn ffmpeg_runs_without_the_sidecars_secrets_and_within_limits() {
		// The sidecar's environment holds its secret URIs; a decoder exploit must not find them.
		std::env::set_var("POP_TEST_SIDECAR_SECRET", "//Secret");
		assert!(output(Command::new("env")).contains("POP_TEST_SIDECAR_SECRET"));
		let env = output(sandboxed("env"));
		assert!(!env.contains("POP_TEST_SIDECAR_SECRET"), "the box leaks the environment: {env}");
		assert!(env.lines().all(|l| l.starts_with("PATH=")), "only PATH is passed: {env}");
		// Address space in KiB, CPU seconds, file size in 512-byte blocks (POSIX sh).
		let mut limits = sandboxed("sh");
		limits.args(["-c", "ulimit -v; ulimit -t; ulimit -f"]);
		let limits = output(limits);
		let limits: Vec<&str> = limits.lines().collect();
		assert_eq!(limits[0], (MEMORY_LIMIT / 1024).to_string());
		assert_eq!(limits[1], DECODE_LIMIT.as_secs().to_string());
		assert_eq!(limits[2], (OUTPUT_LIMIT / 512).to_string());
	}

	#[test]
	fn a_playlist_cannot_make_ffmpeg_read_another_file() {
		if !available() {
			panic!("FFmpeg is not installed: scripts/setup installs it");
		}
		// A video elsewhere on the sidecar's disk, and an upload that is an HLS playlist naming
		// it: unboxed, FFmpeg decodes the other file and the reviewer scores frames the viewers
		// of this content never see (or frames of a file it should not read at all).
		let dir = tempfile::tempdir().unwrap();
		let other = dir.path().join("other.mp4");
		let status = Command::new("ffmpeg")
			.args(["-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "3"])
			.args(["-pix_fmt", "yuv420p"])
			.arg(&other)
			.status()
			.unwrap();
		assert!(status.success());
		let playlist = format!(
			"#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.0,\n{}\n#EXT-X-ENDLIST\n",
			other.display()
		);
		let err = sample(playlist.as_bytes()).err().expect("a playlist is refused");
		assert!(err.contains("ffprobe"), "FFmpeg's reason: {err}");
		// The video itself, uploaded as itself, samples.
		let frames = sample(&std::fs::read(&other).unwrap()).expect("a video samples");
		assert!(!frames.is_empty());
	}

	#[test]
	fn a_song_with_one_cover_picture_is_sampled_on_its_picture() {
		// As musicians publish music: an MP4 whose only video frame is the cover, then 20 s of
		// audio. Sampling at a rate found no frame in it, and the song was rejected as malformed.
		let dir = tempfile::tempdir().unwrap();
		let song = dir.path().join("song.mp4");
		let cover = crate::models_dir().join("samples/chelsea.png");
		let out = Command::new("ffmpeg")
			.args(["-v", "error", "-i"])
			.arg(&cover)
			.args(["-f", "lavfi", "-i", "sine=frequency=440", "-t", "20", "-map", "0:v"])
			.args(["-map", "1:a", "-vf", "scale=450:300", "-c:v", "libx264", "-pix_fmt"])
			.args(["yuv420p", "-c:a", "aac"])
			.arg(&song)
			.output()
			.expect("FFmpeg is installed (scripts/setup)");
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		let frames = sample(&std::fs::read(&song).unwrap()).expect("the cover is sampled");
		assert_eq!(frames.len(), 1);
		assert_eq!((frames[0].image.width(), frames[0].image.height()), (450, 300));
	}

	#[test]
	fn a_clip_shorter_than_a_second_is_scored_on_all_its_frames_and_two_tracks_are_refused() {
		let dir = tempfile::tempdir().unwrap();
		let clip = dir.path().join("clip.mp4");
		let ffmpeg = |args: &[&str]| {
			let out = Command::new("ffmpeg").args(["-v", "error", "-y"]).args(args).output();
			let out = out.expect("FFmpeg is installed (scripts/setup)");
			assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		};
		// 0.4 s, ten frames: a benign first frame must not stand for the others.
		ffmpeg(&[
			"-f",
			"lavfi",
			"-i",
			"testsrc=size=64x64:rate=25",
			"-t",
			"0.4",
			"-pix_fmt",
			"yuv420p",
			clip.to_str().unwrap(),
		]);
		let frames = sample(&std::fs::read(&clip).unwrap()).expect("a short clip samples");
		assert_eq!(frames.len(), 10, "every frame of a short clip is scored");
		// A second video track: players choose which to show, so the reviewer cannot know.
		let two = dir.path().join("two.mp4");
		ffmpeg(&[
			"-i",
			clip.to_str().unwrap(),
			"-i",
			clip.to_str().unwrap(),
			"-map",
			"0:v",
			"-map",
			"1:v",
			"-c",
			"copy",
			two.to_str().unwrap(),
		]);
		let err = sample(&std::fs::read(&two).unwrap()).err().expect("two tracks are refused");
		assert!(err.contains("more than one video track"), "{err}");
	}
}
