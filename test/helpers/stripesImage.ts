/** A fixed 64 x 48 RGB test image (stripes and flat areas, so every PNG row filter gets used). */
import type { Uint8Image } from '../../lib/notebook/png';

export function stripesImage(): Uint8Image {
  const width = 64;
  const height = 48;
  const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) =>
    (i * 7919) % 251 < 120 ? i % 13 : 200,
  );
  return { width, height, channels: 3, pixels };
}
