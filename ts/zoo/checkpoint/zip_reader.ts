// The zip archives torch.save writes, read defensively. The central directory is parsed and
// checked whole (entry count, duplicate names, entries overlapping or running past it), but only
// the entries asked for are inflated: each against its declared size before inflating, within
// the caller's limits, and against its CRC-32 after. A zip bomb or a flipped byte is a CheckpointError.
import { Inflate } from 'fflate';
import { CheckpointError } from '../errors.js';
import { crc32 } from './crc32.js';
import type { Limits } from './limits.js';

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
  dataStart: number;
}

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50 };
/** Compressed bytes handed to the inflater at a time: its output per step stays under ~17 MB. */
const INFLATE_STEP = 16 * 1024;

export class ZipArchive {
  private readonly entries = new Map<string, Entry>();
  private readonly dv: DataView;
  private inflated = 0;
  private readonly checked = new Set<string>();

  constructor(private readonly bytes: Uint8Array, private readonly source: string, private readonly limits: Limits) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.parseDirectory();
  }

  names(): string[] { return [...this.entries.keys()]; }

  /** Declared (uncompressed) size of an entry, or -1 when absent. */
  sizeOf(name: string): number { return this.entries.get(name)?.size ?? -1; }

  /** Refuses up front when inflating these entries would pass the inflated-bytes limit. */
  checkInflateBudget(names: Iterable<string>): void {
    let total = this.inflated;
    for (const n of new Set(names)) {
      const e = this.entries.get(n);
      if (e && e.method !== 0) total += e.size;
    }
    if (total > this.limits.maxInflatedBytes) {
      this.fail(`inflating the entries it uses would take ${total} bytes (limit maxInflatedBytes = ${this.limits.maxInflatedBytes})`);
    }
  }

  /**
   * Checks the CRC-32 of the stored entries not read (the version record, extra files): cheap,
   * and a flipped byte anywhere in a torch.save archive is then reported. Compressed entries we
   * do not need are never inflated (that is where a zip bomb would sit).
   */
  checkUnreadStored(): void {
    for (const e of this.entries.values()) if (e.method === 0 && !this.checked.has(e.name)) this.read(e.name);
  }

  /** The bytes of entry `name` (a view for stored entries), size and CRC-32 checked. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) return this.fail(`entry ${name} is missing from the archive`);
    this.checked.add(name);
    const raw = this.bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let data: Uint8Array;
    if (e.method === 0) data = raw;
    else {
      if (e.size > this.limits.maxEntryBytes) this.fail(`entry ${name} declares ${e.size} bytes (limit maxEntryBytes = ${this.limits.maxEntryBytes})`);
      this.checkInflateBudget([name]);
      data = this.inflate(e, raw);
      this.inflated += e.size;
    }
    if (crc32(data) !== e.crc) this.fail(`entry ${name} fails its CRC-32 check (the file is corrupt)`);
    return data;
  }

  private inflate(e: Entry, raw: Uint8Array): Uint8Array {
    const out = new Uint8Array(e.size);
    let n = 0, ended = false;
    const inf = new Inflate((chunk, final) => {
      if (n + chunk.length > out.length) this.fail(`entry ${e.name} inflates to more than the ${e.size} bytes its header declares`);
      out.set(chunk, n);
      n += chunk.length;
      ended ||= final;
    });
    try {
      for (let p = 0; p < raw.length || p === 0; p += INFLATE_STEP) inf.push(raw.subarray(p, p + INFLATE_STEP), p + INFLATE_STEP >= raw.length);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      this.fail(`entry ${e.name} is not valid deflate data (${(err as Error).message})`);
    }
    if (!ended || n !== e.size) this.fail(`entry ${e.name} inflates to ${n} bytes, its header declares ${e.size}`);
    return out;
  }

  private fail(msg: string): never { throw new CheckpointError(`${this.source}: ${msg}`); }

  private u16(p: number): number { return this.dv.getUint16(p, true); }
  private u32(p: number): number { return this.dv.getUint32(p, true); }
  private u64(p: number, what: string): number {
    const v = this.dv.getBigUint64(p, true);
    if (v > BigInt(this.bytes.length)) this.fail(`zip64 ${what} ${v} is larger than the file`);
    return Number(v);
  }
  private within(p: number, n: number, what: string): void {
    if (p < 0 || p + n > this.bytes.length) this.fail(`corrupt or truncated zip archive (${what} runs past the end of the file)`);
  }

  private parseDirectory(): void {
    const b = this.bytes;
    let end = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (b[i] === 0x50 && b[i + 1] === 0x4b && this.u32(i) === SIG.end) { end = i; break; }
    }
    if (end < 0) this.fail('corrupt or truncated zip archive (no end of central directory)');
    if (this.u16(end + 4) !== 0 || this.u16(end + 6) !== 0) this.fail('multi-disk zip archives are not supported');
    let count = this.u16(end + 10), cdSize = this.u32(end + 12), cdOffset = this.u32(end + 16);
    let cdLimit = end;
    // torch.save always writes the zip64 records; they hold the real counts and offsets.
    if (end >= 20 && this.u32(end - 20) === SIG.locator64) {
      const at = this.u64(end - 12, 'end record offset');
      this.within(at, 56, 'zip64 end record');
      if (this.u32(at) !== SIG.end64) this.fail('corrupt zip archive (bad zip64 end record)');
      count = this.u64(at + 32, 'entry count');
      cdSize = this.u64(at + 40, 'directory size');
      cdOffset = this.u64(at + 48, 'directory offset');
      cdLimit = at;
    }
    if (count > this.limits.maxEntries) this.fail(`zip archive has ${count} entries (limit maxEntries = ${this.limits.maxEntries})`);
    if (cdOffset + cdSize > cdLimit) this.fail('corrupt or truncated zip archive (central directory runs past its end record)');
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      this.within(p, 46, 'central directory');
      if (this.u32(p) !== SIG.central) this.fail(`corrupt zip archive (central directory entry ${i} has a bad signature)`);
      const flags = this.u16(p + 8), method = this.u16(p + 10);
      let compressedSize = this.u32(p + 20), size = this.u32(p + 24), headerOffset = this.u32(p + 42);
      const nameLen = this.u16(p + 28), extraLen = this.u16(p + 30), commentLen = this.u16(p + 32);
      this.within(p + 46, nameLen + extraLen + commentLen, 'central directory entry');
      if (p + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) this.fail('corrupt zip archive (an entry runs past the central directory)');
      const nameBytes = b.subarray(p + 46, p + 46 + nameLen);
      const name = new TextDecoder().decode(nameBytes);
      // zip64 extra field: the 64-bit values of the fields stored as 0xffffffff, in this order.
      for (let x = p + 46 + nameLen; x + 4 <= p + 46 + nameLen + extraLen;) {
        const id = this.u16(x), len = this.u16(x + 2);
        if (id === 1) {
          let q = x + 4;
          const next = (what: string) => { if (q + 8 > x + 4 + len) this.fail(`corrupt zip64 field of entry ${name}`); const v = this.u64(q, what); q += 8; return v; };
          if (size === 0xffffffff) size = next('size');
          if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
          if (headerOffset === 0xffffffff) headerOffset = next('header offset');
        }
        x += 4 + len;
      }
      if (flags & 0x41) this.fail(`entry ${name} is encrypted`);
      if (method !== 0 && method !== 8) this.fail(`entry ${name} uses compression method ${method} (only stored and deflate are read)`);
      if (method === 0 && size !== compressedSize) this.fail(`entry ${name} is stored but declares ${size} bytes and ${compressedSize} compressed`);
      if (this.entries.has(name)) this.fail(`zip archive holds entry ${name} twice`);
      // The local header: its name must agree, and its own sizes when it carries them.
      this.within(headerOffset, 30, `local header of ${name}`);
      if (this.u32(headerOffset) !== SIG.local) this.fail(`corrupt zip archive (local header of ${name} has a bad signature)`);
      const localName = b.subarray(headerOffset + 30, headerOffset + 30 + this.u16(headerOffset + 26));
      if (localName.length !== nameLen || localName.some((c, j) => c !== nameBytes[j])) this.fail(`corrupt zip archive (local and central names of ${name} differ)`);
      if (this.u16(headerOffset + 8) !== method) this.fail(`corrupt zip archive (local and central compression of ${name} differ)`);
      if (!(this.u16(headerOffset + 6) & 8)) {
        const lc = this.u32(headerOffset + 18), ls = this.u32(headerOffset + 22);
        if ((lc !== 0xffffffff && lc !== compressedSize) || (ls !== 0xffffffff && ls !== size)) this.fail(`corrupt zip archive (local and central sizes of ${name} differ)`);
      }
      const dataStart = headerOffset + 30 + nameLen + this.u16(headerOffset + 28);
      if (dataStart + compressedSize > cdOffset) this.fail(`corrupt or truncated zip archive (entry ${name} runs past its data area)`);
      this.entries.set(name, { name, method, crc: this.u32(p + 16), compressedSize, size, headerOffset, dataStart });
      p += 46 + nameLen + extraLen + commentLen;
    }
    // No two entries may share bytes (overlapping entries multiply what a small file inflates to).
    const sorted = [...this.entries.values()].sort((a, c) => a.headerOffset - c.headerOffset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      if (prev.dataStart + prev.compressedSize > sorted[i].headerOffset) this.fail(`zip entries ${prev.name} and ${sorted[i].name} overlap`);
    }
  }
}
