import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Largest config, secret or key file read (issue 17 item 8). Config files are a few KB and keys a few hundred
 * bytes; 1 MiB is far above both and keeps a file replaced by something huge (or `/dev/zero`) from growing the
 * process.
 */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer (open(2)); the file type is
 * then checked on the open descriptor (no race with a rename between stat and open). O_NOCTTY keeps a terminal
 * device from becoming the controlling terminal.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** A refused file, with an errno-like code that describeReadFailure shows (`ENOTREG`, `EFBIG`). */
class UnsafeFileError extends Error {
  constructor(
    readonly code: 'ENOTREG' | 'EFBIG',
    path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'UnsafeFileError';
  }
}

function check(path: string, isFile: boolean, size: number, max: number): void {
  if (!isFile) throw new UnsafeFileError('ENOTREG', path, 'not a regular file (a FIFO, device or directory)');
  if (size > max) throw new UnsafeFileError('EFBIG', path, `larger than ${max} bytes`);
}

/** Reads a regular file of at most `max` bytes as UTF-8, without ever blocking on a FIFO or device. */
export function readRegularFileSync(path: string, max = MAX_CONFIG_FILE_BYTES): string {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    check(path, st.isFile(), st.size, max);
    // Read at most max + 1 bytes: a file that grew after fstat is still refused, never read whole.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, got);
    check(path, true, got, max);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The same as readRegularFileSync, off the event loop (libuv's thread pool). */
export async function readRegularFile(path: string, max = MAX_CONFIG_FILE_BYTES): Promise<string> {
  const handle = await open(path, OPEN_FLAGS);
  try {
    const st = await handle.stat();
    check(path, st.isFile(), st.size, max);
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < buf.length; got += n)
      n = (await handle.read(buf, got, buf.length - got, got)).bytesRead;
    check(path, true, got, max);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await handle.close();
  }
}
