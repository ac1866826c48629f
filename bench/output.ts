/** The bench's console: result lines, and one progress line rewritten in place on a terminal. */

const tty = process.stdout.isTTY;
let progressShown = false;

export function say(line: string) {
  if (progressShown) process.stdout.write("\n");
  progressShown = false;
  console.log(line);
}

export function progress(line: string) {
  if (!tty) return;
  process.stdout.write(`\r${line}\x1b[K`);
  progressShown = true;
}

export const fmt = (value: number) => value.toLocaleString("en-US");
export const kb = (bytes: number) => `${fmt(Math.round(bytes / 1024))} KB`;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
