//! What a sidecar keeps across restarts: the last view its replica sent ordering messages in,
//! per era, so that a restarted replica never contradicts what it sent before
//! ([`pop_pbft::Replica::recover`]).

use codec::{Decode, Encode};
use pop_pbft::View;
use std::{
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
};

/// The replica's sending record of one era.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SentView {
	/// The era of the replica.
	pub era: u32,
	/// The last view it sent ordering messages in.
	pub view: View,
}

/// The file that holds a [`SentView`], written durably before the messages go out.
pub struct SentViewFile {
	path: PathBuf,
}

impl SentViewFile {
	/// The record under `base_path`.
	pub fn new(base_path: &Path) -> Self {
		SentViewFile { path: base_path.join("pbft-sent-view") }
	}

	/// The record, if there is a readable one. A damaged file reads as none and is logged: the
	/// sidecar then counts as a fresh replica, which is safe only if it never sent in the era,
	/// so the caller treats an unreadable record as "sent in an unknown view" (see
	/// [`SentViewFile::load_for`]).
	fn load(&self) -> io::Result<Option<SentView>> {
		match fs::read(&self.path) {
			Ok(bytes) => SentView::decode(&mut &bytes[..]).map(Some).map_err(|e| {
				io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", self.path.display()))
			}),
			Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(e) => Err(e),
		}
	}

	/// The view the replica of `era` last sent in, `None` if it never sent in that era. An
	/// unreadable record is an error: starting as if nothing had been sent could sign two
	/// different things in one view.
	pub fn load_for(&self, era: u32) -> io::Result<Option<View>> {
		Ok(self.load()?.filter(|s| s.era == era).map(|s| s.view))
	}

	/// Records `sent` durably: temp file, fsync, rename, fsync of the directory.
	pub fn store(&self, sent: SentView) -> io::Result<()> {
		let tmp = self.path.with_extension("tmp");
		{
			let mut f = fs::File::create(&tmp)?;
			f.write_all(&sent.encode())?;
			f.sync_all()?;
		}
		fs::rename(&tmp, &self.path)?;
		if let Some(dir) = self.path.parent() {
			fs::File::open(dir)?.sync_all()?;
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_record_is_per_era_and_damage_is_an_error() {
		let dir = std::env::temp_dir().join(format!("pop-sent-view-{}", std::process::id()));
		fs::create_dir_all(&dir).unwrap();
		let file = SentViewFile::new(&dir);
		assert_eq!(file.load_for(3).unwrap(), None);
		file.store(SentView { era: 3, view: 2 }).unwrap();
		assert_eq!(file.load_for(3).unwrap(), Some(2));
		assert_eq!(file.load_for(4).unwrap(), None);
		fs::write(dir.join("pbft-sent-view"), b"\x01").unwrap();
		assert!(file.load_for(3).is_err());
		fs::remove_dir_all(&dir).unwrap();
	}
}
