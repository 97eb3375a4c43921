/**
 * Splits a stream of binary PPM images (P6, maxval 255: what ffmpeg's `-c:v ppm -f image2pipe`
 * writes) into rgb24 frames. Each image's own header gives its size.
 */
export class PpmReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private image: { width: number; height: number; data: Uint8Array; filled: number } | undefined;
  readonly ready: { width: number; height: number; data: Uint8Array }[] = [];

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.image) {
        const image = this.image;
        const take = Math.min(chunk.length - offset, image.data.length - image.filled);
        image.data.set(chunk.subarray(offset, offset + take), image.filled);
        image.filled += take;
        offset += take;
        if (image.filled === image.data.length) {
          this.ready.push({ width: image.width, height: image.height, data: image.data });
          this.image = undefined;
        }
        continue;
      }
      this.chunks.push(chunk.subarray(offset));
      this.buffered += chunk.length - offset;
      offset = chunk.length;
      const head = Buffer.concat(this.chunks, this.buffered);
      const match = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(head.subarray(0, Math.min(head.length, 64)).toString('latin1'));
      if (!match) {
        if (head.length >= 64 || (head.length >= 2 && head.subarray(0, 2).toString('latin1') !== 'P6')) throw new Error(`not a binary PPM stream (starts with ${JSON.stringify(head.subarray(0, 16).toString('latin1'))})`);
        continue;
      }
      this.chunks = [];
      this.buffered = 0;
      const width = Number(match[1]);
      const height = Number(match[2]);
      this.image = { width, height, data: new Uint8Array(width * height * 3), filled: 0 };
      const rest = head.subarray(match[0].length);
      if (rest.length > 0) this.push(rest);
    }
  }
}
