import fs from 'node:fs';
import { AbstractTokenizer, EndOfStreamError, type IFileInfo, type IReadChunkOptions } from 'strtok3';

/**
 * strtok3's file tokenizer with blocking reads. A parse is a chain of 10 to
 * 20 small reads; through fs/promises each is a round trip to libuv's thread
 * pool (4 threads for the whole process), which made parsing wait on the
 * pool rather than on the disk. A scan thread does nothing else meanwhile, so
 * blocking reads cost it nothing and skip the hops.
 */
export class SyncFileTokenizer extends AbstractTokenizer {
  fileInfo: IFileInfo;

  constructor(
    readonly fd: number,
    fileInfo: IFileInfo,
  ) {
    super({ fileInfo });
    this.fileInfo = fileInfo;
  }

  static open(path: string, size: number): SyncFileTokenizer {
    return new SyncFileTokenizer(fs.openSync(path, 'r'), { path, size });
  }

  async readBuffer(buffer: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    const normalized = this.normalizeOptions(buffer, options);
    this.position = normalized.position;
    return this.readAt(buffer, normalized, true);
  }

  async peekBuffer(buffer: Uint8Array, options?: IReadChunkOptions): Promise<number> {
    return this.readAt(buffer, this.normalizeOptions(buffer, options), false);
  }

  private readAt(buffer: Uint8Array, options: { length: number; position: number; mayBeLess?: boolean }, advance: boolean): number {
    let bytesRead = 0;
    while (bytesRead < options.length) {
      const n = fs.readSync(this.fd, buffer, bytesRead, options.length - bytesRead, options.position + bytesRead);
      bytesRead += n;
      if (advance) this.position += n;
      if (n === 0) break; // only a zero-byte read means the end of the file
    }
    if (!options.mayBeLess && bytesRead < options.length) throw new EndOfStreamError();
    return bytesRead;
  }

  setPosition(position: number): void {
    this.position = position;
  }

  supportsRandomAccess(): boolean {
    return true;
  }

  protected override async closeOnce(): Promise<void> {
    fs.closeSync(this.fd);
    await super.closeOnce();
  }
}
