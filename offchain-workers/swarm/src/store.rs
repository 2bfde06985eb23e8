//! The masternode's shard store: one file per shard, named by its BLAKE3 hash.
//!
//! Shards are immutable and content-addressed, and up to 16 MiB each, so the filesystem is the
//! embedded store: a key-value database would copy every shard through its pages and journal
//! for no gain. Crash safety comes from the classic sequence: write to a temporary file, `fsync`
//! it, `rename` it into place (atomic), `fsync` the directory. An interrupted write leaves at
//! most a temporary file, which the next start removes; a shard is either whole under its name
//! or absent. Every read is checked against the hash, so a shard damaged on disk is detected,
//! moved aside to `corrupt/`, and reported as missing (the daemon then rebuilds it).

use pop_primitives::content::{shard_hash, ShardHash};
use std::{
	fmt, fs,
	io::{self, Write},
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
};

/// Why a store operation failed.
#[derive(Debug)]
pub enum StoreError {
	/// No shard with that hash is stored.
	Missing,
	/// The stored bytes no longer match their hash; they were moved aside.
	Corrupt,
	/// The bytes given do not hash to the name asked for.
	Mismatch,
	/// Storing it would go over the capacity.
	Full { used: u64, capacity: u64 },
	/// The filesystem failed.
	Io(io::Error),
}

impl fmt::Display for StoreError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Missing => write!(f, "no such shard"),
			Self::Corrupt => write!(f, "the stored shard is corrupt (moved aside)"),
			Self::Mismatch => write!(f, "the bytes do not match the shard's hash"),
			Self::Full { used, capacity } => {
				write!(f, "storage full: {used} of {capacity} bytes used")
			}
			Self::Io(e) => write!(f, "storage I/O error: {e}"),
		}
	}
}

impl std::error::Error for StoreError {}

impl From<io::Error> for StoreError {
	fn from(e: io::Error) -> Self {
		Self::Io(e)
	}
}

/// Shards on disk under one directory.
pub struct ShardStore {
	root: PathBuf,
	capacity: u64,
	used: AtomicU64,
}

impl ShardStore {
	/// Opens (creating) the store under `root`, with room for `capacity` bytes of shards.
	/// Removes what interrupted writes left behind.
	pub fn open(root: &Path, capacity: u64) -> io::Result<Self> {
		for dir in ["shards", "tmp", "corrupt"] {
			fs::create_dir_all(root.join(dir))?;
		}
		for entry in fs::read_dir(root.join("tmp"))? {
			let path = entry?.path();
			tracing::info!(target: "store", "removing {} left by an interrupted write", path.display());
			fs::remove_file(path)?;
		}
		let mut used = 0;
		for prefix in fs::read_dir(root.join("shards"))? {
			for entry in fs::read_dir(prefix?.path())? {
				used += entry?.metadata()?.len();
			}
		}
		Ok(Self { root: root.to_path_buf(), capacity, used: AtomicU64::new(used) })
	}

	fn path(&self, hash: &ShardHash) -> PathBuf {
		let name = hex::encode(hash);
		self.root.join("shards").join(&name[..2]).join(name)
	}

	/// Bytes of shards stored.
	pub fn used(&self) -> u64 {
		self.used.load(Ordering::Relaxed)
	}

	/// Whether a shard with this hash is stored (not checking its bytes).
	pub fn contains(&self, hash: &ShardHash) -> bool {
		self.path(hash).is_file()
	}

	/// Stores `data` as the shard `hash`, durably. Storing a shard already held is a no-op.
	pub fn put(&self, hash: &ShardHash, data: &[u8]) -> Result<(), StoreError> {
		if shard_hash(data) != *hash {
			return Err(StoreError::Mismatch);
		}
		let path = self.path(hash);
		if path.is_file() {
			// Touched: a shard uploaded again is young again, so a release pending from an
			// older record of the chain does not delete it (see `age`).
			fs::File::options()
				.append(true)
				.open(&path)?
				.set_modified(std::time::SystemTime::now())?;
			return Ok(());
		}
		let used = self.used();
		if used + data.len() as u64 > self.capacity {
			return Err(StoreError::Full { used, capacity: self.capacity });
		}
		let tmp =
			self.root.join("tmp").join(format!("{}.{}", hex::encode(hash), rand::random::<u64>()));
		let mut file = fs::File::create(&tmp)?;
		file.write_all(data)?;
		file.sync_all()?;
		drop(file);
		let dir = path.parent().expect("a shard path has a parent");
		fs::create_dir_all(dir)?;
		fs::rename(&tmp, &path)?;
		fs::File::open(dir)?.sync_all()?;
		self.used.fetch_add(data.len() as u64, Ordering::Relaxed);
		Ok(())
	}

	/// How long ago the shard `hash` was last stored (`None` if it is not).
	pub fn age(&self, hash: &ShardHash) -> Option<std::time::Duration> {
		let modified = fs::metadata(self.path(hash)).ok()?.modified().ok()?;
		Some(modified.elapsed().unwrap_or_default())
	}

	/// Deletes the shard `hash`, durably, and returns the bytes freed (0 if it was not
	/// stored).
	pub fn delete(&self, hash: &ShardHash) -> io::Result<u64> {
		let path = self.path(hash);
		let len = match fs::metadata(&path) {
			Ok(m) => m.len(),
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
			Err(e) => return Err(e),
		};
		match fs::remove_file(&path) {
			Ok(()) => {}
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
			Err(e) => return Err(e),
		}
		if let Some(dir) = path.parent() {
			fs::File::open(dir)?.sync_all()?;
		}
		self.used.fetch_sub(len, Ordering::Relaxed);
		Ok(len)
	}

	/// The hashes of every stored shard, in name order.
	pub fn list(&self) -> io::Result<Vec<ShardHash>> {
		let mut hashes = Vec::new();
		for prefix in fs::read_dir(self.root.join("shards"))? {
			for entry in fs::read_dir(prefix?.path())? {
				let name = entry?.file_name();
				let mut hash = [0u8; 32];
				if hex::decode_to_slice(name.to_string_lossy().as_bytes(), &mut hash).is_ok() {
					hashes.push(hash);
				}
			}
		}
		hashes.sort_unstable();
		Ok(hashes)
	}

	/// Checks stored shards against their hashes, starting after `cursor` and reading at most
	/// `budget` bytes; damaged ones are moved aside (see [`Self::get`]). Returns the damaged
	/// hashes and the cursor to go on from (`None` after a full pass).
	pub fn scrub(
		&self,
		cursor: Option<ShardHash>,
		budget: u64,
	) -> io::Result<(Vec<ShardHash>, Option<ShardHash>)> {
		let mut damaged = Vec::new();
		let mut read = 0u64;
		for hash in self.list()?.into_iter().filter(|h| cursor.is_none_or(|c| *h > c)) {
			if read >= budget {
				return Ok((damaged, Some(hash)));
			}
			match self.get(&hash) {
				Ok(data) => read += data.len() as u64,
				Err(StoreError::Corrupt) => damaged.push(hash),
				Err(StoreError::Missing) => {}
				Err(StoreError::Io(e)) => return Err(e),
				Err(e) => return Err(io::Error::other(e.to_string())),
			}
		}
		Ok((damaged, None))
	}

	/// Reads the shard `hash`, checked against its hash. A damaged one is moved to `corrupt/`
	/// and reported as [`StoreError::Corrupt`]; it is then missing.
	pub fn get(&self, hash: &ShardHash) -> Result<Vec<u8>, StoreError> {
		let path = self.path(hash);
		let data = match fs::read(&path) {
			Ok(data) => data,
			Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(StoreError::Missing),
			Err(e) => return Err(e.into()),
		};
		if shard_hash(&data) != *hash {
			tracing::warn!(
				target: "store",
				"shard {} is corrupt on disk; moved to corrupt/ and will be rebuilt",
				hex::encode(hash)
			);
			let aside = self.root.join("corrupt").join(hex::encode(hash));
			fs::rename(&path, aside)?;
			self.used.fetch_sub(data.len() as u64, Ordering::Relaxed);
			return Err(StoreError::Corrupt);
		}
		Ok(data)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn shards_survive_reopening_and_damage_is_detected() {
		let dir = tempfile::tempdir().unwrap();
		let store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		let shard = vec![5u8; 70_000];
		let hash = shard_hash(&shard);
		assert!(matches!(store.get(&hash), Err(StoreError::Missing)));
		assert!(matches!(store.put(&hash, &shard[1..]), Err(StoreError::Mismatch)));
		store.put(&hash, &shard).unwrap();
		store.put(&hash, &shard).unwrap();
		assert_eq!(store.used(), 70_000);

		// A write interrupted before its rename leaves a temporary file and no shard.
		fs::write(dir.path().join("tmp").join("partial.1"), &shard[..100]).unwrap();
		let store = ShardStore::open(dir.path(), 1 << 20).unwrap();
		assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
		assert_eq!(store.get(&hash).unwrap(), shard);
		assert_eq!(store.used(), 70_000);

		// Full.
		let big = vec![1u8; 1 << 20];
		assert!(matches!(store.put(&shard_hash(&big), &big), Err(StoreError::Full { .. })));

		// One flipped byte on disk: detected, moved aside, then missing.
		let path = store.path(&hash);
		let mut bytes = fs::read(&path).unwrap();
		bytes[40_000] ^= 0x40;
		fs::write(&path, bytes).unwrap();
		assert!(matches!(store.get(&hash), Err(StoreError::Corrupt)));
		assert!(matches!(store.get(&hash), Err(StoreError::Missing)));
		assert!(!store.contains(&hash));
		assert_eq!(store.used(), 0);
		store.put(&hash, &shard).unwrap();
		assert_eq!(store.get(&hash).unwrap(), shard);

		// A scrub finds damage without anyone asking for the shard.
		let other = vec![6u8; 1000];
		store.put(&shard_hash(&other), &other).unwrap();
		assert_eq!(store.scrub(None, u64::MAX).unwrap(), (vec![], None));
		let mut bytes = fs::read(&path).unwrap();
		bytes[0] ^= 1;
		fs::write(&path, bytes).unwrap();
		let (damaged, next) = store.scrub(None, u64::MAX).unwrap();
		assert_eq!((damaged, next), (vec![hash], None));
		assert_eq!(store.list().unwrap(), vec![shard_hash(&other)]);
		// A small budget stops after the first shard and says where to go on.
		store.put(&hash, &shard).unwrap();
		let first = store.list().unwrap()[0];
		let (_, next) = store.scrub(None, 1).unwrap();
		assert_eq!(next, Some(store.list().unwrap()[1]));
		assert_ne!(next, Some(first));
	}
}
