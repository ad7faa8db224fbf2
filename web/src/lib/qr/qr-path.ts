import { encode } from "uqr";

export type QrSvg = { size: number; path: string };

/**
 * Encodes text (an otpauth:// URI) as a QR code and answers one SVG path of its dark modules, drawn on a
 * `size × size` grid that already includes the quiet zone. Rendered locally: the secret never leaves the page.
 */
export function qrSvg(text: string, border = 4): QrSvg {
  const { data, size } = encode(text, { ecc: "M", border });
  return { size, path: modulesPath(data) };
}

/** One `h` run per horizontal stretch of dark modules keeps the path short. */
export function modulesPath(rows: readonly (readonly boolean[])[]): string {
  const parts: string[] = [];
  rows.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return parts.join("");
}
