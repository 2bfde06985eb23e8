//! A bank of perceptual hashes of known-bad images, checked before any classifier, as
//! moderation teams do with shared hash lists. Blockhash (256 bits) survives re-encoding and
//! resizing; a match within [`HashBank::max_distance`] bits sends content to people
//! ([`crate::Verdict::NeedsReview`]), never to an irreversible penalty on its own.

use image::DynamicImage;
use image_hasher::{HashAlg, HasherConfig, ImageHash};

/// Known-bad hashes with their labels (case numbers, list names).
pub struct HashBank {
	entries: Vec<(ImageHash, String)>,
	max_distance: u32,
}

/// A bank entry an image is close to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
	/// The entry's label.
	pub label: String,
	/// Differing bits out of 256.
	pub distance: u32,
}

fn hasher() -> image_hasher::Hasher {
	HasherConfig::new().hash_alg(HashAlg::Blockhash).hash_size(16, 16).to_hasher()
}

impl HashBank {
	/// An empty bank matching within `max_distance` bits.
	pub fn new(max_distance: u32) -> Self {
		HashBank { entries: Vec::new(), max_distance }
	}

	/// Reads a bank: one `<base64 blockhash> <label>` per line; blank lines and `#` comments
	/// are skipped. A malformed line is an error naming it.
	pub fn parse(text: &str, max_distance: u32) -> Result<Self, String> {
		let mut bank = HashBank::new(max_distance);
		for (n, line) in text.lines().enumerate() {
			let line = line.trim();
			if line.is_empty() || line.starts_with('#') {
				continue;
			}
			let (hash, label) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
			let hash = ImageHash::from_base64(hash)
				.map_err(|e| format!("hash bank line {}: not a base64 hash ({e:?})", n + 1))?;
			if hash.as_bytes().len() != 32 {
				return Err(format!("hash bank line {}: not a 256-bit blockhash", n + 1));
			}
			bank.entries.push((hash, label.trim().to_string()));
		}
		Ok(bank)
	}

	/// The bank as text, in the form [`HashBank::parse`] reads.
	pub fn to_text(&self) -> String {
		self.entries.iter().map(|(h, l)| format!("{} {l}\n", h.to_base64())).collect()
	}

	/// Adds `image` under `label`.
	pub fn add(&mut self, image: &DynamicImage, label: &str) {
		self.entries.push((hasher().hash_image(image), label.to_string()));
	}

	/// How many differing bits still count as a match.
	pub fn max_distance(&self) -> u32 {
		self.max_distance
	}

	/// How many entries it holds.
	pub fn len(&self) -> usize {
		self.entries.len()
	}

	/// Whether it holds none.
	pub fn is_empty(&self) -> bool {
		self.entries.is_empty()
	}

	/// The closest entry within the distance, if any.
	pub fn check(&self, image: &DynamicImage) -> Option<Match> {
		if self.entries.is_empty() {
			return None;
		}
		let hash = hasher().hash_image(image);
		self.entries
			.iter()
			.map(|(h, label)| (h.dist(&hash), label))
			.filter(|(d, _)| *d <= self.max_distance)
			.min_by_key(|(d, _)| *d)
			.map(|(distance, label)| Match { label: label.clone(), distance })
	}
}
