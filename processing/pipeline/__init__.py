"""Pure image code: bytes in, bytes out. No Django here, so it is tested without a database.

- `images`: open any photo safely (HEIC, CMYK, palette, EXIF orientation), prepare the
  RunPod input, verify PNG output.
- `lineart`: the local colouring page (OpenCV difference-of-Gaussians line art).
- `vector`: the local SVG (vtracer) and the SVG well-formedness check.
- `cleanup`: the clean-up of any backend's colouring page (keyline frame, black masses,
  margins); `page_checks`: the output flags of a page or an SVG.

Problems with the image itself raise `processing.errors.ProcessingPermanentError` with a
Czech message: retrying the same bytes can never help.
"""
