/**
 * SVG to PNG in Node, without a browser: the static image/png that goes beside every Plotly
 * figure, for viewers that run no scripts (GitHub, nbviewer, HTML without JavaScript).
 *
 * Uses @resvg/resvg-js (resvg, a Rust SVG renderer, as a prebuilt N-API addon that npm installs
 * for the platform from the registry; nothing is downloaded at run time). Text is drawn with the
 * system's fonts (DejaVu Sans on Debian, see SVG_FONT in ./svgChart).
 */
import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterises an SVG document.
 *
 * @param svg the SVG text (with width and height)
 * @param scale output pixels per SVG unit (1); 2 gives a sharper image at twice the size
 * @returns the PNG bytes
 */
export function svgToPng(svg: string, scale = 1): Uint8Array {
  if (typeof svg !== 'string' || !svg.trimStart().startsWith('<svg')) {
    throw new TypeError(
      `svgToPng: svg must be the text of an <svg> document, got ${typeof svg === 'string' ? `'${svg.slice(0, 20)}...'` : typeof svg}`,
    );
  }
  if (!(scale > 0 && scale <= 8)) {
    throw new RangeError(`svgToPng: scale must be in (0, 8], got ${scale}`);
  }
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
