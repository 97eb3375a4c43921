/**
 * Cuts a byte stream of concatenated JPEG images (ffmpeg `-f image2pipe -c:v mjpeg`) into whole
 * images by walking the marker structure: segment lengths up to each SOS, then the entropy-coded
 * data up to the next marker that is not a stuffed 0xFF00 or a restart marker, until EOI. Never
 * searches for FFD9 blindly (a length field or an APP segment may hold those bytes).
 */
export class JpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  /** Where scanning resumes within `buffer` (bytes before it belong to the current image). */
  private offset = 0;
  private inScan = false;

  /** Adds bytes; returns the images completed by them, in order. */
  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const images: Buffer[] = [];
    for (let image = this.next(); image; image = this.next()) images.push(image);
    return images;
  }

  /** Bytes of an image not complete yet. */
  get pending(): number {
    return this.buffer.length;
  }

  private next(): Buffer | undefined {
    const b = this.buffer;
    if (this.offset === 0) {
      if (b.length < 2) return undefined;
      if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error(`not a JPEG stream: starts with ${b.subarray(0, 2).toString('hex')} instead of ffd8`);
      this.offset = 2;
    }
    for (;;) {
      if (this.inScan) {
        let i = this.offset;
        while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && (b[i + 1] < 0xd0 || b[i + 1] > 0xd7))) i++;
        this.offset = i;
        if (i + 1 >= b.length) return undefined;
        this.inScan = false;
      }
      if (this.offset + 2 > b.length) return undefined;
      if (b[this.offset] !== 0xff) throw new Error(`broken JPEG stream: expected a marker at byte ${this.offset}`);
      const marker = b[this.offset + 1];
      if (marker === 0xff) {
        this.offset++; // fill byte
        continue;
      }
      if (marker === 0xd9) {
        const end = this.offset + 2;
        const image = b.subarray(0, end);
        this.buffer = b.subarray(end);
        this.offset = 0;
        return Buffer.from(image);
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        this.offset += 2;
        continue;
      }
      if (this.offset + 4 > b.length) return undefined;
      const length = b.readUInt16BE(this.offset + 2);
      if (this.offset + 2 + length > b.length) return undefined;
      this.offset += 2 + length;
      if (marker === 0xda) this.inScan = true;
    }
  }
}
