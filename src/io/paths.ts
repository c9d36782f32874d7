import path from 'node:path';

/** How a file is named in messages and outputs: relative to the working folder, with `/`, never absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  const shown = relative === '' ? '.' : relative;
  return shown.split(path.sep).join('/');
}
